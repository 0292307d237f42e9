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
comments a part holds follows from its definition (question, cell, the release's closed
waves, whose comments no longer change): no list of ids is stored. Which of them are shown
is the organizer's review (released, or released with names replaced).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from ..db import db
from ..models import Comment
from .suppression import ALL, Cell

#: How a release's free text is partitioned, the organizer's choice per survey.
PARTITIONS = ("whole", "municipality", "audience")
DEFAULT_PARTITION = "municipality"


@dataclass(frozen=True)
class CommentPart:
    """The comments one free-text question shows for one part of the partition: every
    comment of that question in the part's cell and waves (closed waves, whose comments no
    longer change), ``n`` of them when the release was made."""

    question: tuple[str, str]
    cell: Cell
    wave_ids: tuple[int, ...]
    n: int

    def overlaps(self, cell: Cell) -> bool:
        return all(a is ALL or b is ALL or a == b for a, b in zip(self.cell, cell, strict=True))

    def holds(self, municipality: int, audience: int, wave: int) -> bool:
        """Whether a comment of this segment (of the part's question) is in the part."""
        return (self.cell[0] in (ALL, municipality) and self.cell[1] in (ALL, audience)
                and wave in self.wave_ids)

    def condition(self):
        """The part's comments as a SQL condition on :class:`~ikzsurvey.models.Comment`."""
        conditions = [Comment.question_set_id == self.question[0],
                      Comment.question_id == self.question[1],
                      Comment.wave_id.in_(self.wave_ids)]
        if self.cell[0] is not ALL:
            conditions.append(Comment.municipality_id == self.cell[0])
        if self.cell[1] is not ALL:
            conditions.append(Comment.audience_id == self.cell[1])
        return and_(*conditions)

    def as_json(self) -> dict:
        return {"question": list(self.question), "cell": list(self.cell),
                "waves": list(self.wave_ids), "n": self.n}

    @classmethod
    def from_json(cls, data: dict) -> CommentPart:
        return cls(tuple(data["question"]), tuple(data["cell"]), tuple(data["waves"]),
                   data["n"])


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

    Every comment of one segment (municipality × audience × wave) is in the same parts, so
    the comments are counted per segment in the database, and a signature group is a sum
    of segments' counts.

    :param allowed: (question, cell) pairs whose number of comments the joint audit
        treated as shown (every cell it let through).
    :param earlier: every part earlier releases of the survey showed.
    """
    wave_ids = tuple(sorted(dimensions[2]))
    keys = sorted(text_questions)
    every_wave = sorted(set(wave_ids).union(*(p.wave_ids for p in earlier)))
    counts: dict[tuple[str, str], dict[tuple[int, int, int], int]] = defaultdict(dict)
    if keys:
        for set_id, question_id, m, a, w, n in db.session.execute(
            select(Comment.question_set_id, Comment.question_id, Comment.municipality_id,
                   Comment.audience_id, Comment.wave_id, func.count())
            .where(Comment.survey_id == survey_id, Comment.wave_id.in_(every_wave))
            .group_by(Comment.question_set_id, Comment.question_id, Comment.municipality_id,
                      Comment.audience_id, Comment.wave_id)
        ):
            counts[(set_id, question_id)][(m, a, w)] = n
    chosen: list[CommentPart] = []
    for key in keys:
        segments = counts.get(key, {})
        candidates = []
        for cell in part_cells(partition, dimensions):
            part = CommentPart(key, cell, wave_ids, 0)
            n = sum(c for segment, c in segments.items() if part.holds(*segment))
            if n >= minimum and (key, cell) in allowed:
                candidates.append(CommentPart(key, cell, wave_ids, n))
        before = [p for p in earlier if p.question == key]
        chosen.extend(_separable(candidates, before, segments, minimum))
    return chosen


def _separable(candidates: list[CommentPart], earlier: Sequence[CommentPart],
               segments: dict[tuple[int, int, int], int], minimum: int) -> list[CommentPart]:
    """Drop candidates, the smallest first, until every signature group that involves a
    candidate holds none or at least ``minimum`` comments."""
    shown = list(candidates)
    while True:
        parts = [*earlier, *shown]
        signatures: dict[frozenset, int] = defaultdict(int)
        for segment, count in segments.items():
            signature = frozenset(i for i, part in enumerate(parts) if part.holds(*segment))
            if signature:
                signatures[signature] += count
        first_new = len(earlier)
        failing = {i for signature, size in signatures.items() if 0 < size < minimum
                   for i in signature if i >= first_new}
        if not failing:
            return shown
        victim = min(failing, key=lambda i: (parts[i].n, i))
        del shown[victim - first_new]
