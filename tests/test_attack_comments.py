"""No comment can be placed in a small group by the released comment lists a reader sees
(tests/test_attack_http.py reads every list of every release it reads).

A comment's words identify it (the tests' comments are unique): whoever keeps every list
knows, for each comment, which lists hold it, and so the comments fall into *signature
groups* — those held by exactly the same lists. Each group's comments come from the
segments in all of its lists and in none of the others; a group of 1 … max(k, 10) − 1
comments places each of them among few. Releases show free text in one fixed partition
each (ikzsurvey/results/comment_parts.py), and a part only where every such group it forms
with the parts of earlier releases holds none or at least max(k, 10) comments. A viewer
reads the lists of the viewers' releases; an organizer those of every release, and his
free-text review of each (every status, every page: one more list).

The review lists only what a part of the organizer's release of closed waves shows
(ikzsurvey/results/review.py). When it listed every comment of the release's waves, it
placed comments: in ``A_FEW_MORE`` the six wave-2 comments of Gemeinde 1 (the review of
waves 1–2 held them; neither wave 1's review nor any part did), and in a single release
the comments of every part too small to be shown, beside the parts that were.
"""

from __future__ import annotations

from hypothesis import example, given

from .attack_world import Case, cases, segments_of
from .test_attack_http import CI, EMPTY_NEXT_WAVE, K, K_THEN_ONE_MORE, ONE_FIVE_FIVE_FIVE, run

MINIMUM = max(K, 10)


def signature_groups(lists: list) -> dict:
    """Comments by the lists holding them: {frozenset of list indices: comments}."""
    groups: dict = {}
    for text in set().union(*lists):
        holding = frozenset(i for i, listed in enumerate(lists) if text in listed)
        groups.setdefault(holding, set()).add(text)
    return groups


def placed_comments(seen, role: str) -> list[tuple]:
    """(question, the lists (release waves, part — or "review"), comments) of every group
    of 1 … MINIMUM − 1 comments."""
    waves_read = seen.viewer if role == "viewer" else list(seen.readings)
    reviews = seen.review if role == "organizer" else {}
    found = []
    for key in {key for waves in waves_read for key in seen.readings[waves].lists} | {
            key for review in reviews.values() for key in review.texts}:
        labels, lists = [], []
        for waves in waves_read:
            for cell, texts in seen.readings[waves].lists.get(key, {}).items():
                labels.append((waves, cell))
                lists.append(texts)
        for waves, review in reviews.items():
            labels.append((waves, "review"))
            lists.append(frozenset(review.texts.get(key, ())))
        for holding, texts in signature_groups(lists).items():
            if 0 < len(texts) < MINIMUM:
                found.append((key, sorted(labels[i] for i in holding), len(texts)))
    return found


def assert_no_comment_placed(seen):
    assert placed_comments(seen, "viewer") == []
    assert placed_comments(seen, "organizer") == []


def test_lists_that_differ_by_a_few_comments_are_found():
    """The attack is real: two lists, one with three comments more, place those three."""
    a = {f"Anmerkung {i}" for i in range(12)}
    groups = signature_groups([a, a | {"x", "y", "z"}])
    assert groups == {frozenset({0, 1}): a, frozenset({1}): {"x", "y", "z"}}


#: Two municipalities of 24 responses in wave 1 (13 and 15 comments: their parts are
#: shown), and a wave 2 in which Gemeinde 1 has 7 (6 comments): its part over both waves
#: would differ from wave 1's by fewer than 10, so the second release does not list it.
A_FEW_MORE = Case(2, 2, (segments_of(2, 2, (12, 12, 12, 12)), segments_of(2, 2, (1, 6, 12, 12))))


def test_a_later_release_lists_no_part_that_differs_from_an_earlier_one_by_a_few(
        server_database):
    seen = run(A_FEW_MORE, server_database)
    listed = {waves: {cell for parts in r.lists.values() for cell in parts}
              for waves, r in seen.readings.items()}
    assert listed[(1,)] == {("Gemeinde 1", None, None), ("Gemeinde 2", None, None)}
    assert listed[(1, 2)] == {("Gemeinde 2", None, None)}
    assert_no_comment_placed(seen)
    # The organizer's review of each release lists what its parts show, and no more
    shown = {waves: set().union(*(texts for parts in r.lists.values()
                                  for texts in parts.values()))
             for waves, r in seen.readings.items()}
    assert {waves: set().union(*r.texts.values()) for waves, r in seen.review.items()} == shown


@CI
@example(ONE_FIVE_FIVE_FIVE)
@example(K_THEN_ONE_MORE)
@example(EMPTY_NEXT_WAVE)
@given(cases())
def test_no_comment_list_places_a_comment_in_a_small_group(server_database, case):
    assert_no_comment_placed(run(case, server_database))
