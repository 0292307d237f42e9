"""What the organizer's survey page shows of a closed wave: its release, nothing else.

A segment without an open link has as many responses as used invitations, so exact counts
per segment would give an organizer every small group's size and, with the released tables,
its answers. The page shows a closed wave's responses as its release shows them, used
invitations only beside shown responses, and no number from which a hidden one follows
(docs/privacy.md, "A running wave").
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from ikzsurvey.db import db
from ikzsurvey.models import Invitation, Survey, Wave
from ikzsurvey.results import releases
from ikzsurvey.results.participation_knowledge import known_totals, upper_bounds
from ikzsurvey.results.suppression import ALL, lattice
from ikzsurvey.tokens import hash_token

from .conftest import csrf_token
from .disclosure import Seen, attack, members, published_view
from .results_fixtures import answer, make_cooperation, world
from .test_running_wave import client_of, content, segment_rows

SIZES = {("Altdorf", "employees"): 2, ("Altdorf", "citizens"): 6,
         ("Neudorf", "employees"): 6, ("Neudorf", "citizens"): 6}
ISSUED = 8
LABELS = {"employees": "Employees", "citizens": "Citizens"}


@pytest.fixture
def closed(app):
    """Wave 1 answered through invitations (8 per segment, no open links) and closed: a
    segment of 2 beside three of 6 (k = 5)."""
    with app.app_context():
        w = world(make_cooperation(k=5, waves=1))
        for (m, a), n in SIZES.items():
            rows = [Invitation(token_hash=hash_token(f"{m}-{a}-{i}"), wave_id=w.waves[1],
                               municipality_id=w.municipalities[m],
                               audience_id=w.audiences[a]) for i in range(ISSUED)]
            db.session.add_all(rows)
            db.session.commit()
            for row in rows[:n]:
                answer(w, m, a, 1, trust=4, invitation_id=row.id)
    organizer = client_of(app, "admin", w.cooperation_id)
    page = organizer.get(f"/organize/surveys/{w.survey_id}/").get_data(as_text=True)
    closing = organizer.post(f"/organize/surveys/{w.survey_id}/waves/close",
                             data={"csrf_token": csrf_token(page)})
    assert closing.status_code == 302
    return w, organizer


def page_of(client, survey_id: int, path: str = "/") -> str:
    return content(client.get(f"/organize/surveys/{survey_id}{path}")).decode()


def wave_row(page: str, number: int) -> str:
    """A wave's row of the waves table."""
    return re.search(rf"<th scope=\"row\">Wave {number}</th>.*?</tr>", page, re.S).group(0)


def released(app, w):
    with app.app_context():
        survey = db.session.get(Survey, w.survey_id)
        closed = [wave for wave in survey.waves if wave.status == "closed"]
        return releases.load(releases.current(survey, closed), survey)


def test_a_closed_segment_of_two_shows_no_number_and_none_follows_from_the_page(app, closed):
    w, organizer = closed
    page = page_of(organizer, w.survey_id)
    rows = {key: row for key, row in segment_rows(page).items() if key[0] == 1}
    assert rows[(1, "Altdorf", "Employees")] == ("hidden", ISSUED, "hidden")
    assert "fewer than 5 people" in page

    # Every number the page shows of wave 1 is one its release shows, for the same cell.
    results = released(app, w)
    m, a = w.municipalities, w.audiences
    wave = w.waves[1]
    on_page = {}
    for (_n, municipality, group), (responses, issued, used) in rows.items():
        assert issued == ISSUED  # issued invitations stay exact
        key = next(k for k, label in LABELS.items() if label == group)
        cell = (m[municipality], a[key], wave)
        if responses != "hidden":
            on_page[cell] = int(responses)
            assert used == responses  # no open link: used = responses
        else:
            assert used == "hidden"
    figure = re.findall(r"<td>(\d+|<span class=\"suppressed\">hidden</span>)</td>",
                        wave_row(page, 1))
    assert len(figure) == 1
    if figure[0].isdigit():
        on_page[(ALL, ALL, wave)] = int(figure[0])
    status = re.search(r"k = 5 · (\d+) answers", html.unescape(page))
    if status:
        on_page[(ALL, ALL, ALL)] = int(status.group(1))
    for cell, n in on_page.items():
        assert results.responses[cell] == n, cell
    assert results.responses[(m["Altdorf"], a["employees"], wave)] is None

    # With all the release shows (and what the page showed while the wave ran), the group
    # of 2 is not pinned: subtraction from the wave's total or the other segments fails.
    dimensions = results.dimensions
    shown, questions = published_view(results)
    segments = [(mm, aa) for mm in dimensions[0] for aa in dimensions[1]]
    counts = {(m[x], a[y]): n for (x, y), n in SIZES.items()}
    issued = dict.fromkeys(counts, ISSUED)
    known = known_totals(counts, upper_bounds(counts, issued, set(), segments), segments, 5)
    assert known.exact  # 20 with three 6s pins nothing by itself: the page may show it
    seen = Seen(frozenset((*s, wave) for s in known.large), {wave: (known.total, True)})
    atoms = [(*s, wave) for s in segments]
    invitations = {cell: ISSUED * len(members(cell, atoms)) for cell in lattice(dimensions)}
    truth = {cell: sum(counts[t[:2]] for t in members(cell, atoms))
             for cell in lattice(dimensions)}
    assert attack(dimensions, shown, questions, invitations, set(), truth, 5, seen) == []
    # The page's numbers alone do not give it either: three 6s and the total 20 never show
    # together.
    sixes = [c for c, n in on_page.items() if n == 6 and c[0] is not ALL and c[1] is not ALL]
    assert not (len(sixes) == 3 and (ALL, ALL, wave) in on_page)


def test_the_delete_page_names_the_answers_only_as_the_release_shows_them(app, closed):
    w, organizer = closed
    results = released(app, w)
    page = html.unescape(page_of(organizer, w.survey_id, "/delete"))
    total = results.responses[(ALL, ALL, ALL)]
    if total is None:
        assert "with all its answers" in page
    else:
        assert f"with its {total} answers" in page


def test_revoking_a_closed_waves_invitations_is_refused_and_tells_nothing(app, closed):
    w, organizer = closed
    page = page_of(organizer, w.survey_id)
    assert "Revoke unused" not in page  # only the running wave has the button; it has none
    answer_ = organizer.post(f"/organize/surveys/{w.survey_id}/invitations/revoke", data={
        "csrf_token": csrf_token(organizer.get(f"/organize/surveys/{w.survey_id}/").get_data(
            as_text=True)), "wave": w.waves[1],
        "municipality": w.municipalities["Altdorf"], "audience": w.audiences["employees"]},
        follow_redirects=True)
    text = answer_.get_data(as_text=True)
    assert "nothing to revoke" in text and "revoked." not in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 4 * ISSUED


def test_until_the_release_is_ready_the_page_says_so_instead_of_numbers(app):
    with app.app_context():
        w = world(make_cooperation(k=3, waves=1))
        for _ in range(4):
            answer(w, "Altdorf", "employees", 1, trust=4)
        db.session.get(Wave, w.waves[1]).status = "closed"
        db.session.commit()
    organizer = client_of(app, "admin", w.cooperation_id)
    page = page_of(organizer, w.survey_id)
    assert segment_rows(page)[(1, "Altdorf", "Employees")] == (
        "not released yet", 0, "not released yet")
    assert "answers: see “Waves”" in html.unescape(page)
    with app.app_context():
        releases.request(w.survey_id)  # queued, not yet computed
    page = page_of(organizer, w.survey_id)
    assert segment_rows(page)[(1, "Altdorf", "Employees")] == (
        "being prepared", 0, "being prepared")
    assert "4" not in re.sub(r"<[^>]+>", "", wave_row(page, 1))
    with app.app_context():
        releases.run_queued(w.survey_id)
    assert segment_rows(page_of(organizer, w.survey_id))[(1, "Altdorf", "Employees")][0] == "4"
