"""What a session may keep: only answers that pass their checks, and never more than
``SESSION_MAX_BYTES`` — a 240 KB value posted with "Zurück" on each page grew one session
file to 3.4 MB, kept for 24 hours."""

from __future__ import annotations

import os
from pathlib import Path

from .factories import make_survey, open_link
from .respondent import VALID_PAGE_ONE, Respondent

BIG = "x" * 240_000


def session_files(app) -> dict[str, int]:
    folder = Path(app.config["SESSION_DIR"])
    if not folder.exists():
        return {}
    return {entry.name: entry.stat().st_size for entry in os.scandir(folder) if entry.is_file()}


def started(app, client) -> Respondent:
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{key}")
    return respondent


def test_a_huge_value_sent_back_and_forth_is_not_kept(app, client):
    respondent = started(app, client)
    assert respondent.post(1, VALID_PAGE_ONE).status_code == 303
    for _ in range(5):
        for number, field in ((2, "q-remarks"), (1, "q-owner")):
            response = respondent.post(number, {field: BIG}, action="back")
            assert response.status_code == 303
        invalid = respondent.post(2, {"q-remarks": BIG})
        assert invalid.status_code == 422  # the page again, with the messages

    sizes = session_files(app)
    assert len(sizes) == 1
    assert max(sizes.values()) < 4_000, sizes  # the segment and a few valid answers


def test_going_back_keeps_each_valid_answer_of_the_page(app, client):
    respondent = started(app, client)
    respondent.post(1, VALID_PAGE_ONE)

    respondent.post(2, {"q-years": "30", "q-remarks": "y" * 201, "q-goals": ["heat"]},
                    action="back")

    page = respondent.page(2).get_data(as_text=True)
    assert 'value="30"' in page and '<input checked id="q-goals-0"' in page
    assert "y" * 201 not in page  # longer than the question allows


def test_a_session_past_its_size_limit_is_refused_and_stays_as_it_was(app_factory):
    app = app_factory(SESSION_MAX_BYTES=400)  # a journey after page 1 takes about 300
    client = app.test_client()
    respondent = started(app, client)
    respondent.post(1, VALID_PAGE_ONE)
    before = session_files(app)

    response = respondent.post(2, {"q-remarks": "z" * 150}, action="back")

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "zu lang" in page and "Bitte kürzen" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert session_files(app) == before  # not written
    assert "z" * 150 not in respondent.page(2).get_data(as_text=True)
    assert respondent.post(2, {"q-remarks": "Kurz."}).status_code in (200, 303)
