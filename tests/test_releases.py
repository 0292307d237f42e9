"""Results are releases: computed once, audited jointly with every earlier release, stored,
and only then served (ikzsurvey/results/releases.py)."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from sqlalchemy import delete, func, select, update

from ikzsurvey.db import db
from ikzsurvey.models import COMMENT_STATUSES, Comment, Release, Response, Survey, Wave
from ikzsurvey.results import releases, stored
from ikzsurvey.results.aggregate import count_survey
from ikzsurvey.results.release_counts import atom_counts, view_of
from ikzsurvey.results.service import survey_results
from ikzsurvey.retention import delete_survey_data
from ikzsurvey.surveys import pinned_question_sets, registry

from .conftest import csrf_token
from .disclosure import Published, attack_releases, published_view
from .results_fixtures import (
    answer,
    close_wave,
    close_waves,
    make_cooperation,
    release,
    world,
)
from .test_results_exports import signed_in

K = 5


def _world(app, sizes):
    """``sizes``: (municipality, audience, wave) → responses; every wave stays open."""
    with app.app_context():
        w = world(make_cooperation())
        for (m, a, wave), n in sizes.items():
            for i in range(n):
                answer(w, m, a, wave, trust=1 + i % 5, owner=("town", "county")[i % 2],
                       goals=("climate",) if i % 3 else ())
    return w


def _client(app, w, role):
    return signed_in(app, w, role, close=False)


def _api(client, w, **args):
    response = client.get(f"/api/v1/surveys/{w.survey_id}/results", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _total(payload):
    return next(r["responses"] for r in payload["responses"]
                if (r["municipality"], r["audience"], r["wave"]) == (None, None, None))


EVEN = {(m, a, 1): 6 for m in ("Altdorf", "Neudorf") for a in ("employees", "citizens")}


def test_results_come_from_the_stored_release_not_from_the_answers(app):
    w = _world(app, EVEN)
    with app.app_context():
        close_wave(w, 1, published=True)
    viewer = _client(app, w, "viewer")
    before = _api(viewer, w)
    assert _total(before) == 24
    with app.app_context():
        # Answers that change after the release (here: by hand) change nothing shown.
        wave = db.session.get(Wave, w.waves[1])
        wave.status = "open"
        db.session.commit()
        for _ in range(7):
            answer(w, "Altdorf", "employees", 1, trust=5)
        wave.status = "closed"
        db.session.commit()
        release(w)  # the waves are the same: no new release
        assert db.session.scalar(select(func.count()).select_from(Release)) == 1
    assert _api(viewer, w) == before
    assert "24" in viewer.get(f"/results/{w.survey_id}/").get_data(as_text=True)


def _closed_results(w):
    """Close every wave of the world; its question sets and its results, computed."""
    survey = db.session.get(Survey, w.survey_id)
    for wave in survey.waves:
        wave.status = "closed"
    db.session.commit()
    return pinned_question_sets(survey), survey_results(survey, registry(), waves=survey.waves)


def test_a_stored_release_reads_back_as_the_results_it_was_made_of(app):
    w = _world(app, {**EVEN, ("Altdorf", "citizens", 2): 3, ("Neudorf", "citizens", 2): 9})
    with app.app_context():
        sets, made = _closed_results(w)
        again = stored.load(stored.dump(made), sets, registry())
        assert again == made
        assert again.scores == made.scores


def test_a_stored_release_gives_each_cells_numbers_as_its_cell_would(app):
    """The API and the exports read a stored release's numbers without making its cells
    (stored.StoredCells): the same numbers as the cell's own, and a copy."""
    w = _world(app, {**EVEN, ("Altdorf", "citizens", 2): 3, ("Neudorf", "citizens", 2): 9})
    with app.app_context():
        sets, made = _closed_results(w)
        payload = stored.dump(made)
        again = stored.load(payload, sets, registry())
        suppressed = shown = 0
        for before, after in zip(made.questions, again.questions, strict=True):
            assert list(after.cells) == list(before.cells)
            for cell, value in before.cells.items():
                numbers = after.numbers(cell)
                assert numbers == value.as_dict() == after.cells[cell].as_dict()
                suppressed += value.suppressed
                shown += not value.suppressed
                numbers["n"] = -1
                if numbers.get("counts"):
                    numbers["counts"].clear()
                assert after.numbers(cell) == value.as_dict()  # the release is unchanged
        assert suppressed and shown
        assert stored.dump(again) == payload


def test_the_counts_of_a_release_are_sums_of_the_segment_counts(app):
    w = _world(app, {**EVEN, ("Altdorf", "citizens", 2): 3, ("Neudorf", "employees", 2): 7})
    with app.app_context():
        survey = db.session.get(Survey, w.survey_id)
        kinds = {(qs.id, q.id): (q, registry().kind_of(q).aggregation)
                 for qs in pinned_question_sets(survey) for q in qs.questions}
        both = atom_counts(w.survey_id, kinds, [w.waves[1], w.waves[2]])
        for waves in ([w.waves[1]], [w.waves[2]], [w.waves[1], w.waves[2]]):
            summed = view_of(both, kinds, K, waves).counts
            direct = count_survey(w.survey_id, [("sample", "trust"), ("sample", "owner"),
                                                ("sample", "goals")],
                                  [("sample", "goals")], [("sample", "remarks")], waves)
            assert summed.responses == direct.responses
            for key in (("sample", "trust"), ("sample", "owner"), ("sample", "goals")):
                assert summed.questions[key].n == direct.questions[key].n
                assert ({c: dict(v) for c, v in summed.questions[key].values.items() if v}
                        == {c: dict(v) for c, v in direct.questions[key].values.items() if v})


def _published(results):
    """What a viewer read from one release, as the attacker takes it."""
    return Published(tuple(results.dimensions[2]), *published_view(results))


def test_k_and_then_one_more_is_not_told_by_the_second_release(app):
    """Wave 1 shows exactly k in a segment; wave 2 adds one person there. Without a joint
    audit the release over both waves would show k + 1 for the segment: minus wave 1's k,
    one person, with their answers."""
    sizes = {("Altdorf", "employees", 1): K, ("Altdorf", "citizens", 1): 8,
             ("Neudorf", "employees", 1): 9, ("Neudorf", "citizens", 1): 7,
             ("Altdorf", "employees", 2): 1, ("Altdorf", "citizens", 2): 8,
             ("Neudorf", "employees", 2): 6, ("Neudorf", "citizens", 2): 10}
    w = _world(app, sizes)
    with app.app_context():
        close_wave(w, 1, published=True)
        close_wave(w, 2, published=True)
        survey = db.session.get(Survey, w.survey_id)
        found = db.session.scalars(select(Release).order_by(Release.number)).all()
        assert [r.wave_ids for r in found] == [[w.waves[1]], [w.waves[1], w.waves[2]]]
        assert [r.summary["earlier_releases"] for r in found] == [[], [1]]
        shown = [_published(releases.load(r, survey)) for r in found]
        first, second = shown
        m, a = w.municipalities["Altdorf"], w.audiences["employees"]
        assert first.shown[(m, a, None)] == K  # the k of wave 1, released
        assert (m, a, None) not in second.shown  # k + 1 over both waves: not released
        dimensions = (tuple(w.municipalities.values()), tuple(w.audiences.values()),
                      (w.waves[1], w.waves[2]))
        truth = {}
        for release_ in found:
            waves = tuple(release_.wave_ids)
            for (mn, an, wn), n in sizes.items():
                for cell in ((w.municipalities[mn], w.audiences[an], w.waves[wn]),):
                    if w.waves[wn] in waves:
                        truth[(waves, cell)] = truth.get((waves, cell), 0) + n
        truth[((w.waves[2],), (m, a, None))] = 1
        pinned = attack_releases(dimensions, shown, {}, set(
            (mm, aa) for mm in dimensions[0] for aa in dimensions[1]), truth, K)
        assert pinned == []


def test_viewers_read_the_release_of_the_published_waves(app):
    w = _world(app, {**EVEN, **{(m, a, 2): 6 for m in ("Altdorf", "Neudorf")
                                for a in ("employees", "citizens")}})
    with app.app_context():
        close_wave(w, 1, published=True)
        close_wave(w, 2, published=False)
    viewer, organizer = _client(app, w, "viewer"), _client(app, w, "admin")
    assert [x["number"] for x in _api(viewer, w)["waves"]] == [1]
    assert [x["number"] for x in _api(organizer, w)["waves"]] == [1, 2]
    page = organizer.get(f"/results/{w.survey_id}/").get_data(as_text=True)
    organizer.post(f"/results/{w.survey_id}/waves/2/publish",
                   data={"csrf_token": csrf_token(page)})
    assert [x["number"] for x in _api(viewer, w)["waves"]] == [1, 2]
    with app.app_context():  # the viewers' new set is the organizer's: no third release
        assert db.session.scalar(select(func.count()).select_from(Release)) == 2


def test_organizers_keep_an_unpublished_wave_when_the_viewers_release_is_newer(app):
    w = _world(app, {**EVEN, **{(m, a, 2): 6 for m in ("Altdorf", "Neudorf")
                                for a in ("employees", "citizens")}})
    with app.app_context():
        close_wave(w, 1, published=False)
        close_wave(w, 2, published=True)
        found = db.session.scalars(select(Release).order_by(Release.number)).all()
        # The viewers' release over wave 2 is the newest one.
        assert [r.wave_ids for r in found][-1] == [w.waves[2]]
    viewer, organizer = _client(app, w, "viewer"), _client(app, w, "admin")
    assert [x["number"] for x in _api(viewer, w)["waves"]] == [2]
    assert [x["number"] for x in _api(organizer, w)["waves"]] == [1, 2]
    assert _total(_api(organizer, w)) == 48


def test_closing_a_wave_prepares_its_release_in_the_background(app_factory):
    app = app_factory(RELEASES_INLINE=False)
    w = _world(app, EVEN)
    organizer = _client(app, w, "admin")
    page = organizer.get(f"/organize/surveys/{w.survey_id}/").get_data(as_text=True)
    response = organizer.post(f"/organize/surveys/{w.survey_id}/waves/close",
                              data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    deadline = time.monotonic() + 60
    with app.app_context():
        while True:
            db.session.rollback()  # a fresh snapshot each time
            found = db.session.scalar(select(Release))
            if found.status == "ready" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert found.status == "ready", found.error
        assert found.progress == 100 and found.heartbeat is None
        assert found.ready_on == dt.date.today()
    page = organizer.get(f"/results/{w.survey_id}/").get_data(as_text=True)
    assert "Release 1" in page or "Freigabe 1" in page


def test_the_dashboard_tells_organizers_what_is_being_prepared(app):
    w = _world(app, EVEN)
    with app.app_context():
        close_wave(w, 1, published=True)
        db.session.get(Wave, w.waves[2]).status = "closed"
        db.session.add(Release(survey_id=w.survey_id, number=2, status="running", progress=40,
                               wave_ids=[w.waves[1], w.waves[2]],
                               heartbeat=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
        db.session.commit()
    organizer = _client(app, w, "admin")
    page = organizer.get(f"/results/{w.survey_id}/?lang=en").get_data(as_text=True)
    assert 'value="40"' in page and "40 %" in page
    assert "Waves 1, 2" in page
    assert "Release 1 of" in page  # the previous release is shown meanwhile
    viewer = _client(app, w, "viewer")
    assert "40 %" not in viewer.get(f"/results/{w.survey_id}/?lang=en").get_data(as_text=True)


def test_a_stalled_job_is_taken_over_and_a_live_one_is_not(app):
    w = _world(app, EVEN)
    with app.app_context():
        db.session.get(Wave, w.waves[1]).status = "closed"
        old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - releases.STALE
        db.session.add(Release(survey_id=w.survey_id, number=1, status="running",
                               wave_ids=[w.waves[1]], heartbeat=dt.datetime.now(dt.UTC)
                               .replace(tzinfo=None), progress=10))
        db.session.commit()
        assert releases.run_queued(w.survey_id) == 0  # someone is at it
        db.session.execute(update(Release).values(heartbeat=old - dt.timedelta(seconds=1)))
        db.session.commit()
        assert releases.run_queued(w.survey_id) == 1
        db.session.expire_all()
        assert db.session.scalar(select(Release)).status == "ready"


def test_organizers_take_over_a_stalled_job_from_the_dashboard(app):
    w = _world(app, EVEN)
    with app.app_context():
        db.session.get(Wave, w.waves[1]).status = "closed"
        old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - 2 * releases.STALE
        db.session.add(Release(survey_id=w.survey_id, number=1, status="running",
                               wave_ids=[w.waves[1]], heartbeat=old, progress=30))
        db.session.commit()
    organizer = _client(app, w, "admin")
    page = organizer.get(f"/results/{w.survey_id}/?lang=en").get_data(as_text=True)
    assert "the preparation stopped at 30 %" in page
    assert "Prepare the results" in page
    organizer.post(f"/results/{w.survey_id}/releases", data={"csrf_token": csrf_token(page)})
    assert _total(_api(organizer, w)) == 24


def test_a_failed_release_says_why_and_can_be_prepared_again(app, monkeypatch):
    w = _world(app, EVEN)

    def broken(*args, **kwargs):
        raise RuntimeError("the solver gave up")

    monkeypatch.setattr(releases, "build", broken)
    with app.app_context():
        close_wave(w, 1, published=True)
        assert db.session.scalar(select(Release)).status == "failed"
    organizer = _client(app, w, "admin")
    page = organizer.get(f"/results/{w.survey_id}/?lang=en").get_data(as_text=True)
    assert "could not be prepared: RuntimeError: the solver gave up" in page
    assert "No results have been published" in page
    monkeypatch.undo()
    response = organizer.post(f"/results/{w.survey_id}/releases",
                              data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    with app.app_context():
        assert [r.status for r in db.session.scalars(select(Release))] == ["ready"]
    assert _total(_api(organizer, w)) == 24


def test_viewers_cannot_prepare_releases(app):
    w = _world(app, EVEN)
    viewer = _client(app, w, "viewer")
    page = viewer.get("/results/").get_data(as_text=True)
    response = viewer.post(f"/results/{w.survey_id}/releases",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 403


def test_the_release_command_prepares_what_is_missing(app):
    w = _world(app, EVEN)
    with app.app_context():
        db.session.get(Wave, w.waves[1]).status = "closed"  # closed before releases existed
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["release"])
    assert result.exit_code == 0, result.output
    assert f"survey {w.survey_id}: 1 release(s) prepared" in result.output
    assert runner.invoke(args=["release"]).output == ""  # nothing left to do
    result = runner.invoke(args=["release", "--survey", "999"])
    assert result.exit_code != 0 and "no survey with id 999" in result.output


@pytest.mark.parametrize("keep_survey", [True, False])
def test_deleting_the_answers_deletes_the_releases(app, keep_survey):
    w = _world(app, EVEN)
    with app.app_context():
        close_wave(w, 1, published=True)
        assert db.session.scalar(select(func.count()).select_from(Release)) == 1
        delete_survey_data(w.survey_id, keep_survey=keep_survey)
        assert db.session.scalar(select(func.count()).select_from(Release)) == 0
        db.session.execute(delete(Response))


def _remarks(app, w, per_segment):
    """Responses with a free-text remark: (municipality, audience, wave) → how many."""
    with app.app_context():
        for (m, a, wave), n in per_segment.items():
            for i in range(n):
                answer(w, m, a, wave, trust=3, remarks=f"{m} {a} {wave} Nr. {i}")


def _release_all(app, w, status="released"):
    from ikzsurvey.models import Comment

    with app.app_context():
        db.session.execute(update(Comment).values(status=status))
        db.session.commit()


def test_free_text_shows_one_fixed_partition_whatever_the_filter(app):
    w = _world(app, EVEN)
    _remarks(app, w, {("Altdorf", "employees", 1): 6, ("Altdorf", "citizens", 1): 6,
                      ("Neudorf", "employees", 1): 3})
    _release_all(app, w)
    with app.app_context():
        close_wave(w, 1, published=True)
    viewer = _client(app, w, "viewer")
    altdorf, neudorf = w.municipalities["Altdorf"], w.municipalities["Neudorf"]
    page = viewer.get(f"/results/{w.survey_id}/questions/sample/remarks?lang=en"
                      f"&municipality={altdorf}").get_data(as_text=True)
    assert "Altdorf employees 1 Nr. 0" in page and "Altdorf citizens 1 Nr. 0" in page
    assert "those of Altdorf" not in page  # the part is the selection itself
    # Altdorf's part, whatever the filter: the citizens of Altdorf with it, never alone
    page = viewer.get(f"/results/{w.survey_id}/questions/sample/remarks?lang=en"
                      f"&municipality={altdorf}&audience=employees").get_data(as_text=True)
    assert "Altdorf citizens 1 Nr. 5" in page
    assert "released per municipality only" in page and "those of Altdorf" in page
    # Neudorf's 3 comments are never shown, not even inside the whole cooperation's list
    for query in ("", f"&municipality={neudorf}", "&audience=employees"):
        page = viewer.get(f"/results/{w.survey_id}/questions/sample/remarks?lang=en{query}"
                          ).get_data(as_text=True)
        assert "Neudorf employees 1" not in page


def test_a_later_release_shows_no_part_that_differs_from_an_earlier_one_by_a_few(app):
    w = _world(app, {**EVEN, **{(m, a, 2): 6 for m in ("Altdorf", "Neudorf")
                                for a in ("employees", "citizens")}})
    _remarks(app, w, {("Altdorf", "employees", 1): 12, ("Neudorf", "employees", 1): 10,
                      ("Altdorf", "employees", 2): 3, ("Neudorf", "employees", 2): 10})
    _release_all(app, w)
    with app.app_context():
        close_wave(w, 1, published=True)
        close_wave(w, 2, published=True)
        first, second = db.session.scalars(select(Release).order_by(Release.number)).all()
        names = {v: k for k, v in w.municipalities.items()}
        parts = [{names[p.cell[0]]: p.n for p in stored.comment_parts(r.results)}
                 for r in (first, second)]
    # Altdorf's list over both waves would be wave 1's twelve and three more: not shown
    assert parts == [{"Altdorf": 12, "Neudorf": 10}, {"Neudorf": 20}]
    # A part is stored by its definition, never as a list of comment ids (at a million
    # responses that list would be the size of the comment table)
    with app.app_context():
        stored_part = db.session.get(Release, second.id).results["comments"][0]
    assert set(stored_part) == {"question", "cell", "waves", "n"}


def test_organizers_choose_the_partition_and_get_a_new_release(app):
    w = _world(app, EVEN)
    _remarks(app, w, {("Altdorf", "employees", 1): 6, ("Neudorf", "employees", 1): 6})
    _release_all(app, w)
    with app.app_context():
        close_wave(w, 1, published=True)
    organizer = _client(app, w, "admin")
    page = organizer.get(f"/results/{w.survey_id}/?lang=en").get_data(as_text=True)
    assert "Free-text answers are released" in page
    bad = organizer.post(f"/results/{w.survey_id}/comment-partition",
                         data={"csrf_token": csrf_token(page), "partition": "by-mood"})
    assert bad.status_code == 400
    organizer.post(f"/results/{w.survey_id}/comment-partition",
                   data={"csrf_token": csrf_token(page), "partition": "audience"})
    with app.app_context():
        found = db.session.scalars(select(Release).order_by(Release.number)).all()
        assert [(r.comment_partition, r.status) for r in found] == [
            ("municipality", "ready"), ("audience", "ready")]
        # per municipality 6 each (too few); the employees' part holds 12
        assert [p.cell for p in stored.comment_parts(found[1].results)] == [
            (None, w.audiences["employees"], None)]
    page = organizer.get(f"/results/{w.survey_id}/questions/sample/remarks?lang=en"
                         ).get_data(as_text=True)
    assert "Neudorf employees 1 Nr. 5" in page and "Altdorf employees 1 Nr. 0" in page


def _review_world(app, remarks):
    """The even world with these remarks, wave 1 closed and published; its organizer."""
    w = _world(app, EVEN)
    _remarks(app, w, remarks)
    with app.app_context():
        close_wave(w, 1, published=True)
    return w, _client(app, w, "admin")


def test_the_review_says_where_a_comment_is_shown_in_the_release(app):
    w, organizer = _review_world(
        app, {("Altdorf", "employees", 1): 10, ("Neudorf", "citizens", 1): 12})
    page = organizer.get(f"/results/{w.survey_id}/comments?lang=en").get_data(as_text=True)
    assert page.count("In the release: among the answers of Altdorf.") == 10
    assert page.count("In the release: among the answers of Neudorf.") == 12
    assert page.count('<li class="review-item">') == 22


REVIEW_ITEM = re.compile(r'<blockquote[^>]*>(.*?)</blockquote>', re.S)


def _review(client, w) -> tuple[list[str], int]:
    """Every comment the review lists (every status, every page), and the sum of the counts
    on its tabs."""
    listed, tabs = [], None
    for status in COMMENT_STATUSES:
        page = 1
        while True:
            html = client.get(f"/results/{w.survey_id}/comments",
                              query_string={"status": status, "page": page, "lang": "en"})
            assert html.status_code == 200
            html = html.get_data(as_text=True)
            if tabs is None:
                tabs = sum(int(n) for n in re.findall(r"\((\d+)\)</(?:span|a)>", html))
            listed += REVIEW_ITEM.findall(html)
            if f"page={page + 1}" not in html:
                break
            page += 1
    return listed, tabs


def _review_post(client, w, comment_id, action="release"):
    page = client.get(f"/results/{w.survey_id}/comments").get_data(as_text=True)
    return client.post(f"/results/{w.survey_id}/comments/{comment_id}",
                       data={"csrf_token": csrf_token(page), "action": action})


def _comment_ids(app, w, municipality, wave=1):
    with app.app_context():
        return db.session.scalars(select(Comment.id).where(
            Comment.municipality_id == w.municipalities[municipality],
            Comment.wave_id == w.waves[wave])).all()


def test_the_review_lists_only_the_comments_a_part_shows(app):
    """Altdorf's employees wrote 10 comments, Neudorf's 2; Altdorf's part is shown. Listed
    beside it, the 2 others would be Neudorf's — 2 comments placed in one municipality — so
    the review lists Altdorf's 10 only, and nobody sees or reviews Neudorf's 2."""
    w = _world(app, EVEN)
    _remarks(app, w, {("Altdorf", "employees", 1): 10, ("Neudorf", "employees", 1): 2})
    with app.app_context():
        close_wave(w, 1, published=True)
    organizer = _client(app, w, "admin")
    listed, tabs = _review(organizer, w)
    assert sorted(listed) == sorted(f"Altdorf employees 1 Nr. {i}" for i in range(10))
    assert tabs == 10
    page = organizer.get(f"/results/{w.survey_id}/comments?lang=de").get_data(as_text=True)
    assert ("Antworten aus Gruppen, die zu klein sind, um gezeigt zu werden, stehen hier "
            "nicht") in page  # the page says why
    for comment_id in _comment_ids(app, w, "Neudorf"):
        assert _review_post(organizer, w, comment_id).status_code == 404
    assert _review_post(organizer, w, _comment_ids(app, w, "Altdorf")[0]).status_code == 302
    with app.app_context():
        statuses = dict(db.session.execute(
            select(Comment.municipality_id, func.count()).where(Comment.status == "released")
            .group_by(Comment.municipality_id)).all())
    assert statuses == {w.municipalities["Altdorf"]: 1}


def test_the_review_reads_the_release_of_closed_waves_while_an_interim_one_is_current(app):
    w, organizer = _review_world(
        app, {("Altdorf", "employees", 1): 10, ("Altdorf", "employees", 2): 10})
    page = organizer.get(f"/results/{w.survey_id}/").get_data(as_text=True)
    assert organizer.post(f"/results/{w.survey_id}/interim",
                          data={"csrf_token": csrf_token(page)}).status_code == 302
    assert [x["number"] for x in _api(organizer, w)["waves"]] == [1, 2]  # the interim one
    review = organizer.get(f"/results/{w.survey_id}/comments?lang=en").get_data(as_text=True)
    assert review.count("In the release: among the answers of Altdorf.") == 10
    listed, tabs = _review(organizer, w)
    assert sorted(listed) == sorted(f"Altdorf employees 1 Nr. {i}" for i in range(10))
    assert tabs == 10
    # The running wave's comments are not there to review: an interim release shows none
    running = _comment_ids(app, w, "Altdorf", wave=2)
    assert _review_post(organizer, w, running[0]).status_code == 404


def test_release_ids_are_never_reused(app):
    """The cache of read releases is keyed by id: a new release after deleting the old ones
    must not get an old id."""
    w = _world(app, EVEN)
    with app.app_context():
        close_wave(w, 1, published=True)
        first = db.session.scalar(select(Release.id))
        db.session.execute(delete(Release))
        db.session.commit()
        release(w)
        assert db.session.scalar(select(Release.id)) > first


def _rows(payload):
    return {(r["municipality"], r["audience"], r["wave"]): r["responses"]
            for r in payload["responses"]}


def test_an_interim_release_shows_a_running_wave_to_organizers_and_binds_the_final_one(app):
    w = _world(app, EVEN)
    viewer, organizer = _client(app, w, "viewer"), _client(app, w, "admin")
    page = organizer.get(f"/results/{w.survey_id}/").get_data(as_text=True)
    assert "Zwischenergebnis erstellen" in page
    response = organizer.post(f"/results/{w.survey_id}/interim",
                              data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    interim = _api(organizer, w)
    assert [x["number"] for x in interim["waves"]] == [1, 2]  # both run (wave 2: empty)
    assert _total(interim) == 24
    page = organizer.get(f"/results/{w.survey_id}/").get_data(as_text=True)
    assert "Zwischenergebnis vom" in page
    # Viewers see nothing of a running wave.
    assert viewer.get(f"/api/v1/surveys/{w.survey_id}/results").status_code == 404
    with app.app_context():
        found = db.session.scalars(select(Release)).all()
        assert [(r.cut, r.status) for r in found] == [([w.waves[1], w.waves[2]], "ready")]
        kept = found[0].interim
        assert kept["numbers"] and [s["wave"] for s in kept["seen"]] == [w.waves[1], w.waves[2]]
        assert found[0].results["comments"] == []
        # The survey page shows the cut wave from the interim release, no new count.
        from ikzsurvey.participation import survey_participation
        survey = db.session.get(Survey, w.survey_id)
        assert survey_participation(survey).waves[w.waves[1]].state == "released"
        answer(w, "Altdorf", "employees", 1, trust=3)
        assert survey_participation(survey).waves[w.waves[1]].total == 24
        close_wave(w, 1, published=True)
        final = db.session.scalars(select(Release).order_by(Release.number)).all()[-1]
        assert not final.is_interim and final.status == "ready"
    before, after = _rows(interim), _rows(_api(organizer, w))
    assert _total(_api(viewer, w)) is None  # 25 against the interim's 24: one person
    for cell, n in after.items():
        if n is not None and before.get(cell) is not None:
            assert n - before[cell] == 0 or n - before[cell] >= K, cell


def test_no_interim_release_without_a_running_wave(app):
    w = _world(app, EVEN)
    with app.app_context():
        close_waves(w)
    organizer = _client(app, w, "admin")
    page = organizer.get(f"/results/{w.survey_id}/").get_data(as_text=True)
    response = organizer.post(f"/results/{w.survey_id}/interim",
                              data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Keine Welle läuft" in response.get_data(as_text=True)
    with app.app_context():
        assert not any(r.is_interim for r in db.session.scalars(select(Release)))
