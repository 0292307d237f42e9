"""The benchmark's own arithmetic (bench/): rounds of ours and the bound taking turns, their
figures combined as one run, the lines' ratios and targets, and which lines run at which
size. (The benchmark itself runs with `make bench`, not here.)"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench import run
from bench.load import combine


def part(latencies, seconds, errors=0):
    return {
        "n": len(latencies) + errors, "concurrency": 8, "ok": len(latencies),
        "errors": errors, "error_samples": [f"#{i}" for i in range(errors)],
        "seconds": seconds, "responses_per_s": round(len(latencies) / seconds, 2),
        "latencies_ms": sorted(latencies), "post_latencies_ms": sorted(v / 4 for v in latencies),
        "client_cpu_s": 0.5,
    }


def test_rounds_combine_into_journeys_over_the_seconds_spent():
    combined = combine([part([10.0, 30.0], 1.0), part([20.0, 40.0, 50.0, 60.0], 1.0, errors=1)])
    assert combined["ok"] == 6 and combined["n"] == 7 and combined["errors"] == 1
    assert combined["responses_per_s"] == 3.0  # 6 journeys in 2 s, not the mean of 2 and 4
    assert combined["round_responses_per_s"] == [2.0, 4.0]
    assert combined["p50_ms"] == 30.0 and combined["p99_ms"] == 60.0
    assert combined["post_p50_ms"] == 7.5
    assert combined["client_cpu_s"] == 1.0 and combined["rounds"] == 2


def test_ours_and_the_bound_take_turns(monkeypatch):
    calls = []
    stored = {"ours": 100, "bound": 200}

    def fake_load(base, keys, n, concurrency, seed):
        calls.append((base, n, seed))
        stored[base] += n
        return part([5.0] * n, 1.0)

    monkeypatch.setattr(run, "run_load", fake_load)
    monkeypatch.setattr(run, "warm_up", lambda base, keys, count: count)
    monkeypatch.setattr(run, "count", lambda db, survey_id: (stored[survey_id], 0, 0))
    args = SimpleNamespace(rounds=3, responses=10, concurrency=8, seed=7)
    ours, bound = run.alternate(("ours", ["k"], "ours"), ("bound", ["k"], "bound"), args, None)
    assert [c[0] for c in calls] == ["ours", "bound"] * 3
    assert [c[1] for c in calls] == [4, 4, 3, 3, 3, 3]  # 10 journeys each
    assert calls[0][2] == calls[1][2] != calls[2][2]  # the same journeys for both, per round
    assert ours["ok"] == bound["ok"] == 10
    assert ours["stored"] == bound["stored"] == 10


@pytest.mark.parametrize("rounds", [1, 5])
def test_one_round_is_the_old_way_and_rounds_never_exceed_the_journeys(monkeypatch, rounds):
    calls = []

    def fake_load(base, keys, n, concurrency, seed):
        calls.append(n)
        return part([1.0] * n, 1.0)

    monkeypatch.setattr(run, "run_load", fake_load)
    monkeypatch.setattr(run, "warm_up", lambda base, keys, count: count)
    monkeypatch.setattr(run, "count", lambda db, survey_id: (0, 0, 0))
    args = SimpleNamespace(rounds=rounds, responses=2, concurrency=8, seed=1)
    run.alternate(("a", [], 1), ("b", [], 2), args, None)
    assert calls == ([2, 2] if rounds == 1 else [1, 1, 1, 1])


def test_the_benchmark_never_drops_a_database_it_must_not(tmp_path):
    from bench.common import Database, checked_database_name

    assert checked_database_name("bench_rel") == "bench_rel"
    for name in ("test", "postgres", "TEST", "template1", "bench; DROP", "bench-rel"):
        with pytest.raises(SystemExit):
            checked_database_name(name)
    db = Database("postgresql", tmp_path, "bench_rel")
    assert db.url.endswith("/bench_rel") and db.url.startswith("postgresql+psycopg://")
    assert db.dsn.endswith("/bench_rel")
    assert run.parse_args(["--pg-database", "bench_rel"]).pg_database == "bench_rel"
    with pytest.raises(SystemExit):
        run.parse_args(["--pg-database", "test"])


@pytest.mark.parametrize(
    ("ours", "reference", "better", "target", "ratio", "met"),
    [
        (3.0, 2.0, "lower", 2.0, 1.5, True),
        (4.0, 2.0, "lower", 2.0, 2.0, True),  # the target itself is met
        (4.2, 2.0, "lower", 2.0, 2.1, False),
        (6.0, 1.0, "higher", 5.0, 6.0, True),
        (4.0, 1.0, "higher", 5.0, 4.0, False),
        (None, 1.0, "lower", 2.0, None, False),  # no figure, nothing met
        (1.0, 0.0, "lower", 2.0, None, False),  # a reference of 0 gives no ratio
        (1.0, None, "higher", 5.0, None, False),
    ],
)
def test_a_line_is_judged_by_ours_over_the_reference(ours, reference, better, target, ratio,
                                                     met):
    from bench.lines import judged

    line = judged(ours, reference, better, target)
    assert line == {"ours": ours, "reference": reference, "ratio": ratio, "better": better,
                    "target": target, "met": met}


def test_a_line_needs_a_direction():
    from bench.lines import judged

    with pytest.raises(ValueError, match="better"):
        judged(1.0, 1.0, "smaller", 2.0)


def test_median_of_timings_is_rounded_and_skips_missing_ones():
    from bench.lines import median

    assert median([0.3, None, 0.1, 0.2]) == 0.2
    assert median([0.0012344, 0.0012349, 0.0099], 6) == 0.001235
    assert median([]) is None


def test_full_sizes_plan_each_line_where_it_belongs():
    from bench.results_phases import default_release_sizes, line_plan

    sizes = [10_000, 100_000, 1_000_000]
    plan = line_plan(sizes, set(run.PHASES), default_release_sizes(sizes), [1_000_000],
                     1_000_000)
    assert plan == {
        10_000: ["results"],
        100_000: ["results", "release"],
        1_000_000: ["results", "memory", "release-read", "release"],
    }


def test_only_the_new_lines_skip_the_sizes_where_none_of_them_runs():
    from bench.results_phases import line_plan

    plan = line_plan([10_000, 100_000, 1_000_000], {"release", "release-read"},
                     [100_000, 1_000_000], [1_000_000], 1_000_000)
    assert plan == {100_000: ["release"], 1_000_000: ["release-read", "release"]}
    plan = line_plan([10_000, 100_000, 1_000_000], {"release-read"}, [], [100_000, 1_000_000],
                     1_000_000)
    assert plan == {100_000: ["release-read"], 1_000_000: ["release-read"]}


def test_quick_runs_every_seeded_line_at_small_sizes():
    args = run.parse_args(["--quick"])
    assert args.sizes == [1_000, 10_000]
    assert args.release_sizes == [1_000, 10_000]
    assert args.read_sizes == [10_000] and args.memory_size == 10_000
    assert args.only == set(run.PHASES)


def test_sizes_and_lines_are_parsed_strictly():
    assert run.parse_sizes("100_000, 1000000,100000") == [100_000, 1_000_000]
    assert run.parse_only("results, release") == {"results", "release"}
    with pytest.raises(ValueError, match="releases"):
        run.parse_only("releases")
    with pytest.raises(SystemExit):
        run.parse_args(["--sizes", "1000", "--memory-size", "5000"])
    with pytest.raises(SystemExit):
        run.parse_args(["--sizes", "1000", "--release-sizes", "5000"])
    with pytest.raises(SystemExit):
        run.parse_args(["--sizes", "1000", "--read-sizes", "1000,5000"])
