"""A survey's counts as the joint audit sees them (:mod:`.audit`): atoms, shapes, cells.

The atoms are the segments municipality × audience × wave of the waves counted; every
cell of the lattice (:func:`.suppression.lattice`) is a candidate of the release and, when
it holds ``0 < n < k`` responses, a group to protect. What a release shows of a cell —
its responses and every question's counts — is what :func:`published` writes into the
model, so the audit and the pages cannot disagree about what is out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from .aggregate import QuestionCounts, QuestionKey, SurveyCounts
from .audit import INF, AuditResult, Group, Model, Published, Shape, audit
from .bins import Bin
from .participation_knowledge import WaveKnowledge, known_totals
from .release_counts import ReleaseCounts, is_segment
from .suppression import ALL, Cell, lattice

#: How each aggregation of a question kind is modelled.
KIND_OF_AGGREGATION = {
    "ordinal": "single",
    "nominal": "single",
    "numeric": "single",
    "multiple": "multiple",
    # What the free-text lists show per cell is how many wrote a comment: modelled as the
    # number of comments (at most one per respondent), in every cell the release shows.
    "text": "text",
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


@dataclass(frozen=True)
class Earlier:
    """What an earlier release of the survey showed: the cells over its waves that its
    audit let through, and the invitations it showed per segment.

    An *interim* release was taken while some of its waves ran (``cut``): it covers their
    responses up to that moment only, so what it showed is not what today's answers give —
    ``numbers`` holds it, cell by cell — and ``seen`` what its audit assumed organizers had
    seen of each cut wave until then (wave → :class:`.participation_knowledge.WaveKnowledge`
    of the counts at the cut). After a cut the survey page shows the wave's participation
    from the interim release only, so nothing more is known of it until it closes.
    """

    label: Hashable
    wave_ids: tuple[int, ...]
    shown: Collection[Cell]
    invitations: Mapping[tuple, int] = field(default_factory=dict)
    cut: tuple[int, ...] = ()
    numbers: Mapping[Cell, Published] = field(default_factory=dict)
    seen: Mapping[int, WaveKnowledge] = field(default_factory=dict)
    #: The segments of the cut waves whose responses at the cut were bounded by the
    #: invitations then (no open link, no more responses than invitations).
    bounded: Collection[tuple] = ()


class _Pieces:
    """The atoms of the audit: segment × *piece*. A wave's responses fall into pieces at
    each interim release that cut it (piece 0 before the first cut, 1 between the first
    and the second, …, the last one after the last cut); a wave never cut is one piece.
    Nobody knows how many responses a piece holds — those counts are never stored — only
    the segment's total."""

    def __init__(self, municipalities, audiences, waves, earlier: Sequence[Earlier]) -> None:
        self.count = {w: 1 + sum(1 for e in earlier if w in e.cut) for w in waves}
        self.atoms = [(m, a, w, piece) for m in municipalities for a in audiences
                      for w in waves for piece in range(self.count[w])]
        self.covered: list[dict[int, int]] = []  # per earlier release: wave → pieces
        cuts_so_far: dict[int, int] = {}
        for release in earlier:
            covered = {}
            for w in release.wave_ids:
                if w in release.cut:
                    cuts_so_far[w] = cuts_so_far.get(w, 0) + 1
                    covered[w] = cuts_so_far[w]
                else:
                    covered[w] = self.count[w]
            self.covered.append(covered)

    def of(self, segment: tuple, upto: int | None = None) -> list[tuple]:
        return [(*segment, piece) for piece in range(self.count[segment[2]] if upto is None
                                                      else upto)]

    def full(self, atoms: frozenset) -> bool:
        """Whether these atoms hold whole segments (their responses are known)."""
        held = Counter(t[:3] for t in atoms)
        return all(n == self.count[segment[2]] for segment, n in held.items())

    def ranges(self, wave) -> list[tuple[int, int]]:
        """The runs of consecutive pieces of a wave that no release covers alone."""
        n = self.count[wave]
        return [(i, j) for i in range(n) for j in range(i + 1, n + 1) if (i, j) != (0, n)]


def audit_survey(
    counts: SurveyCounts | ReleaseCounts,
    dimensions: Sequence[Sequence],
    aggregations: Mapping[QuestionKey, str],
    k: int,
    open_segments: Collection[tuple] = (),
    earlier: Sequence[Earlier] = (),
    progress: Callable[[int, int], None] | None = None,
    *,
    participation_seen: bool = False,
) -> AuditResult:
    """Which cells a release of these counts may show, given everything ``earlier``
    releases showed and what organizers saw of each wave while it ran.

    :param counts: the counts of every segment of the release's waves and of the earlier
        releases' waves (:func:`.release_counts.atom_counts`: number questions in their
        candidate bins, so layouts that differ between releases are sums of the same
        unknowns); cells that are not segments are not read. For a running wave, its
        counts now: the release is then an interim one, a cut of that wave.
    :param dimensions: municipalities, audiences and the release's waves.
    :param open_segments: the (municipality, audience) pairs with an open link (whose
        responses are not bounded by their invitations).
    :param earlier: the survey's earlier releases, in the order they were made.
    :param progress: called with (groups checked, groups to check) as the audit goes.
    :param participation_seen: whether the attacker knows what the survey page showed of
        each wave while it ran (:mod:`.participation_knowledge`): every segment of ``k``
        or more responses holds at least ``k``, and each wave's total is an equation that
        no hidden cell withdraws (or, where the page could not show it, a lower bound).
        Releases pass it (:func:`.releases.build`); without it the attacker is a viewer's,
        who sees no participation (the tests of the audit's core).
    """
    municipalities, audiences, waves = dimensions
    every_wave = sorted(set(waves).union(*(e.wave_ids for e in earlier)))
    pieces = _Pieces(municipalities, audiences, every_wave, earlier)
    atoms = pieces.atoms
    question_shapes = shapes(counts, aggregations)
    counts = counts.counts if isinstance(counts, ReleaseCounts) else counts
    model = Model(atoms, question_shapes)

    def bounded(segment, invitations) -> bool:
        # Responses of a segment without an open link came through its invitations, and
        # invitation counts are public: the attacker knows that bound — where it holds. When
        # invitations were purged (or responses entered otherwise), it is no knowledge.
        return (segment[:2] not in open_segments
                and counts.responses.get(segment, 0) <= invitations.get(segment, 0))

    segments = [(m, a, w) for m in municipalities for a in audiences for w in every_wave]
    prior = {}
    for segment in segments:
        # Every invitation count ever shown bounds the segment, the smallest most. An
        # earlier release showed invitations of its own waves only (its silence about
        # others is no bound of 0); an interim one those issued at its cut, which bound
        # the pieces before it.
        bounds = [counts.invitations.get(segment, 0)] if bounded(
            segment, counts.invitations) else []
        for release, covered in zip(earlier, pieces.covered):
            if segment[2] not in release.wave_ids:
                continue
            issued = release.invitations.get(segment, 0)
            if segment[2] in release.cut:
                if segment in release.bounded:
                    model.bound(pieces.of(segment, covered[segment[2]]), issued)
            elif bounded(segment, release.invitations):
                bounds.append(issued)
        prior[segment] = min(bounds) if bounds else INF
        if bounds:
            model.bound(pieces.of(segment), prior[segment])
    known = {}
    if participation_seen:
        for release, covered in zip(earlier, pieces.covered):
            for wave, knowledge in release.seen.items():
                _add_knowledge(model, knowledge, wave, pieces, k, covered[wave])
        # A wave cut before shows the page nothing new after its first cut.
        cut_before = {w for release in earlier for w in release.cut}
        known = _add_participation(model, counts, prior, pieces, municipalities, audiences,
                                   [w for w in every_wave if w not in cut_before], k)
    groups: dict[frozenset, Group] = {}

    def add_group(label, cell_atoms: frozenset) -> None:
        if cell_atoms in groups:
            return
        cell_segments = {t[:3] for t in cell_atoms}
        n = (sum(counts.responses.get(s, 0) for s in cell_segments)
             if pieces.full(cell_atoms) else None)
        groups[cell_atoms] = Group(label, cell_atoms, n,
                                   sum(prior[s] for s in cell_segments))

    for release, covered in zip(earlier, pieces.covered):
        release_atoms = [t for t in atoms if t[3] < covered.get(t[2], 0)]
        dims = (municipalities, audiences, release.wave_ids)
        for cell in lattice(dims):
            add_group((release.label, cell), atoms_of(cell, release_atoms))
        for cell in release.shown:
            cell_atoms = atoms_of(cell, release_atoms)
            number = release.numbers.get(tuple(cell))
            model.publish(published(cell_atoms, counts, question_shapes) if number is None
                          else Published(cell_atoms, number.responses, number.values,
                                         number.answered))
    release_atoms = [t for t in atoms if t[2] in set(waves)]
    candidates = {}
    for cell in lattice(dimensions):
        cell_atoms = atoms_of(cell, release_atoms)
        candidates[cell] = published(cell_atoms, counts, question_shapes)
        add_group(cell, cell_atoms)
    # What came in between two cuts of a wave, or after the last: by cell of that wave.
    for wave in every_wave:
        for low, high in pieces.ranges(wave):
            run = [t for t in atoms if t[2] == wave and low <= t[3] < high]
            for cell in lattice((municipalities, audiences, (wave,))):
                add_group(("pieces", low, high, cell), atoms_of(cell, run))

    def cost(cell: Cell) -> tuple:
        # Least information first: the smallest cell, then the most specific one.
        return (candidates[cell].responses, -sum(v is not ALL for v in cell))

    result = audit(model, candidates, [g for g in groups.values() if g.atoms], k, cost=cost,
                   progress=progress)
    result.participation = known
    return result


def bounded_segments(counts: SurveyCounts | ReleaseCounts, waves,
                     open_segments: Collection[tuple]) -> list[tuple]:
    """The segments of these waves that their invitations bound now (for an interim
    release: at its cut)."""
    counts = counts.counts if isinstance(counts, ReleaseCounts) else counts
    return sorted(s for s in counts.invitations
                  if is_segment(s) and s[2] in set(waves) and s[:2] not in open_segments
                  and counts.responses.get(s, 0) <= counts.invitations.get(s, 0))


def _add_participation(model: Model, counts: SurveyCounts, prior: Mapping[tuple, float],
                       pieces: _Pieces, municipalities, audiences, waves, k: int) -> dict:
    """What organizers saw of the waves while they ran, as prior knowledge of the model;
    returns it per wave."""
    segments = [(m, a) for m in municipalities for a in audiences]
    found = {}
    for wave in waves:
        responses = {(m, a): counts.responses.get((m, a, wave), 0) for m, a in segments}
        upper = {(m, a): prior[(m, a, wave)] for m, a in segments}
        found[wave] = known_totals(responses, upper, segments, k)
        _add_knowledge(model, found[wave], wave, pieces, k)
    return found


def _add_knowledge(model: Model, known: WaveKnowledge, wave, pieces: _Pieces, k: int,
                   upto: int | None = None) -> None:
    """One wave's participation knowledge, of its pieces before ``upto`` (all: ``None``)."""
    for m, a in known.large:
        model.bound(pieces.of((m, a, wave), upto), INF, lower=k)
    wave_atoms = [t for t in pieces.atoms if t[2] == wave and (upto is None or t[3] < upto)]
    if known.exact:
        model.fix(wave_atoms, known.total)
    else:
        model.bound(wave_atoms, INF, lower=known.at_least)


def published(cell_atoms: frozenset, counts: SurveyCounts,
              question_shapes: Sequence[Shape]) -> Published:
    """What a set of whole segments (every piece of each) shows when published: the sums
    of their counts."""
    segments = {atom[:3] for atom in cell_atoms}
    values, answered = {}, {}
    for shape in question_shapes:
        question = counts.questions.get(shape.key, QuestionCounts())
        for value in shape.values:
            values[(shape.key, value)] = sum(
                question.values.get(atom, {}).get(value, 0) for atom in segments)
        if shape.kind in ("multiple", "text"):
            answered[shape.key] = sum(question.n.get(atom, 0) for atom in segments)
    responses = sum(counts.responses.get(atom, 0) for atom in segments)
    return Published(cell_atoms, responses, values, answered)
