"""A survey's counts as the joint audit sees them (:mod:`.audit`): atoms, shapes, cells.

The atoms are the segments municipality × audience × wave of the waves counted; every
cell of the lattice (:func:`.suppression.lattice`) is a candidate of the release and, when
it holds ``0 < n < k`` responses, a group to protect. What a release shows of a cell —
its responses and every question's counts — is what :func:`published` writes into the
model, so the audit and the pages cannot disagree about what is out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from .aggregate import QuestionCounts, QuestionKey, SurveyCounts
from .audit import INF, AuditResult, Group, Model, Published, Shape, audit
from .bins import Bin
from .release_counts import ReleaseCounts
from .suppression import ALL, Cell, lattice

#: How each aggregation of a question kind is modelled.
KIND_OF_AGGREGATION = {
    "ordinal": "single",
    "nominal": "single",
    "numeric": "single",
    "multiple": "multiple",
}


class RawNumbersError(ValueError):
    """Counts of a number question's raw values were handed to the audit: a release shows
    numbers in ranges only (:mod:`.bins`), so only bin counts may be audited."""


def shapes(counts: SurveyCounts | ReleaseCounts,
           aggregations: Mapping[QuestionKey, str]) -> list[Shape]:
    """The audited questions (free text is released by its own rule) with every value
    they were given in any cell. A number question's values are its bins (the options of
    the model): with :class:`ReleaseCounts`, every bin of its layout.

    :raises RawNumbersError: when a number question is counted by its raw values.
    """
    layouts = counts.layouts if isinstance(counts, ReleaseCounts) else {}
    counts = counts.counts if isinstance(counts, ReleaseCounts) else counts
    found = []
    for key, aggregation in aggregations.items():
        kind = KIND_OF_AGGREGATION.get(aggregation)
        if kind is None:
            continue
        total = counts.questions.get(key, QuestionCounts()).values.get((ALL, ALL, ALL), {})
        if aggregation == "numeric":
            raw = [v for v in total if not isinstance(v, Bin)]
            if raw:
                raise RawNumbersError(
                    f"question {key[0]}/{key[1]}: {len(raw)} raw number value(s) counted; "
                    "count number questions in bins (release_counts)")
            given = {v for v, c in total.items() if c}
            if key in layouts:
                given |= set(layouts[key].bins)
            found.append(Shape(key, kind, tuple(sorted(given))))
            continue
        values = tuple(sorted((v for v, c in total.items() if c), key=repr))
        found.append(Shape(key, kind, values))
    return found


def atoms_of(cell: Cell, atoms: Sequence[tuple]) -> frozenset:
    return frozenset(t for t in atoms if all(v is ALL or v == x for v, x in zip(cell, t)))


def published(cell: Cell, atoms: frozenset, counts: SurveyCounts,
              question_shapes: Sequence[Shape]) -> Published:
    """Everything a release shows of one cell."""
    values, answered = {}, {}
    for shape in question_shapes:
        question = counts.questions.get(shape.key, QuestionCounts())
        given = question.values.get(cell, {})
        for value in shape.values:
            values[(shape.key, value)] = given.get(value, 0)
        if shape.kind == "multiple":
            answered[shape.key] = question.n.get(cell, 0)
    return Published(atoms, counts.responses.get(cell, 0), values, answered)


def audit_survey(
    counts: SurveyCounts | ReleaseCounts,
    dimensions: Sequence[Sequence],
    aggregations: Mapping[QuestionKey, str],
    k: int,
    open_segments: Collection[tuple] = (),
) -> AuditResult:
    """Which cells a release of these counts may show.

    :param open_segments: the (municipality, audience) pairs with an open link (whose
        responses are not bounded by their invitations).
    """
    municipalities, audiences, waves = dimensions
    atoms = [(m, a, w) for m in municipalities for a in audiences for w in waves]
    question_shapes = shapes(counts, aggregations)
    counts = counts.counts if isinstance(counts, ReleaseCounts) else counts
    model = Model(atoms, question_shapes)

    def bounded(atom) -> bool:
        # Responses of a segment without an open link came through its invitations, and
        # invitation counts are public: the attacker knows that bound — where it holds. When
        # invitations were purged (or responses entered otherwise), it is no knowledge.
        return (atom[:2] not in open_segments
                and counts.responses.get(atom, 0) <= counts.invitations.get(atom, 0))

    for atom in atoms:
        if bounded(atom):
            model.bound([atom], counts.invitations.get(atom, 0))
    candidates, groups = {}, []
    for cell in lattice(dimensions):
        cell_atoms = atoms_of(cell, atoms)
        candidates[cell] = published(cell, cell_atoms, counts, question_shapes)
        prior = sum(
            counts.invitations.get(atom, 0) if bounded(atom) else INF for atom in cell_atoms
        )
        groups.append(Group(cell, cell_atoms, counts.responses.get(cell, 0), prior))

    def cost(cell: Cell) -> tuple:
        # Least information first: the smallest cell, then the most specific one.
        return (counts.responses.get(cell, 0), -sum(v is not ALL for v in cell))

    return audit(model, candidates, groups, k, cost=cost)
