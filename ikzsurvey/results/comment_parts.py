"""Free text in a release: one fixed partition, and no part that can be played against
another (docs/privacy.md, "Free text in releases").

A comment's text identifies it: whoever reads two lists knows which comments are in both.
So lists are differenced not by counting but by set algebra, and the unit to protect is a
*signature group* — the comments that appear in exactly the same published lists. A
release shows the comments of each free-text question in one partition the organizer chose
(:data:`PARTITIONS`: the whole cooperation, per municipality, or per audience; each part
over all the release's waves), whatever filter a reader picks. A part is shown when

* it holds at least max(k, 10) comments and the joint audit lets its cell through (the
  audit models every shown cell's number of comments, so a list's length tells nothing
  the tables were not audited for), and
* every signature group it forms with the parts of every earlier release, and with the
  other parts shown, holds none or at least max(k, 10) comments.

Parts failing the second rule are dropped, the smallest first, until no group fails. Which
comments a part holds is fixed in the release (their ids); which of them are shown is the
organizer's review (released, or released with names replaced).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from ..db import db
from ..models import Comment
from .suppression import ALL, Cell

#: How a release's free text is partitioned, the organizer's choice per survey.
PARTITIONS = ("whole", "municipality", "audience")
DEFAULT_PARTITION = "municipality"


@dataclass(frozen=True)
class CommentPart:
    """The comments one free-text question shows for one part of the partition."""

    question: tuple[str, str]
    cell: Cell
    ids: tuple[str, ...]

    def overlaps(self, cell: Cell) -> bool:
        return all(a is ALL or b is ALL or a == b for a, b in zip(self.cell, cell, strict=True))

    def as_json(self) -> dict:
        return {"question": list(self.question), "cell": list(self.cell), "ids": list(self.ids)}

    @classmethod
    def from_json(cls, data: dict) -> CommentPart:
        return cls(tuple(data["question"]), tuple(data["cell"]), tuple(data["ids"]))


def part_cells(partition: str, dimensions) -> list[Cell]:
    municipalities, audiences, _waves = dimensions
    if partition == "whole":
        return [(ALL, ALL, ALL)]
    if partition == "municipality":
        return [(m, ALL, ALL) for m in municipalities]
    if partition == "audience":
        return [(ALL, a, ALL) for a in audiences]
    raise ValueError(f"unknown free-text partition {partition!r}; one of {PARTITIONS}")


def choose_parts(
    survey_id: int,
    partition: str,
    dimensions,
    text_questions: Iterable[tuple[str, str]],
    allowed: Collection[tuple[tuple[str, str], Cell]],
    minimum: int,
    earlier: Sequence[CommentPart] = (),
) -> list[CommentPart]:
    """The parts a release shows (see the module docs).

    :param allowed: (question, cell) pairs whose number of comments the joint audit
        treated as shown (every cell it let through).
    :param earlier: every part earlier releases of the survey showed.
    """
    wave_ids = set(dimensions[2])
    keys = sorted(text_questions)
    rows = db.session.execute(
        select(Comment.id, Comment.question_set_id, Comment.question_id,
               Comment.municipality_id, Comment.audience_id)
        .where(Comment.survey_id == survey_id, Comment.wave_id.in_(sorted(wave_ids)))
    ).all() if keys else []
    by_question: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for comment_id, set_id, question_id, m, a in rows:
        by_question[(set_id, question_id)].append((comment_id, m, a))
    chosen: list[CommentPart] = []
    for key in keys:
        candidates = []
        for cell in part_cells(partition, dimensions):
            ids = tuple(sorted(c for c, m, a in by_question.get(key, ())
                               if cell[0] in (ALL, m) and cell[1] in (ALL, a)))
            if len(ids) >= minimum and (key, cell) in allowed:
                candidates.append(CommentPart(key, cell, ids))
        before = [p for p in earlier if p.question == key]
        chosen.extend(_separable(candidates, before, minimum))
    return chosen


def _separable(candidates: list[CommentPart], earlier: Sequence[CommentPart],
               minimum: int) -> list[CommentPart]:
    """Drop candidates, the smallest first, until every signature group that involves a
    candidate holds none or at least ``minimum`` comments."""
    shown = list(candidates)
    while True:
        lists = [set(p.ids) for p in earlier] + [set(p.ids) for p in shown]
        signatures: dict[frozenset, int] = defaultdict(int)
        for comment_id in set().union(*lists) if lists else ():
            signatures[frozenset(i for i, ids in enumerate(lists) if comment_id in ids)] += 1
        first_new = len(earlier)
        failing = {i for signature, size in signatures.items() if 0 < size < minimum
                   for i in signature if i >= first_new}
        if not failing:
            return shown
        victim = min(failing, key=lambda i: (len(shown[i - first_new].ids), i))
        del shown[victim - first_new]
