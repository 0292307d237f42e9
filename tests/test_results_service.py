"""One rule for every reader: counted, suppressed and summarised results of a survey."""

from __future__ import annotations

import secrets

import pytest

from ikzsurvey.questions import Value
from ikzsurvey.results.service import TOTAL, survey_results
from ikzsurvey.results.suppression import ALL
from ikzsurvey.submission import AnswerValues, Segment, store_response

from .factories import make_survey


def _answer(survey, audience, trust):
    store_response(
        Segment(survey.id, survey.waves[0].id, survey.municipalities[0].id, audience.id),
        [AnswerValues("sample", 1, "trust", (Value(number=trust),)),
         AnswerValues("sample", 1, "owner", (Value(text="town"),))],
        receipt_key=secrets.token_hex(16),
    )


def test_small_cells_are_suppressed_with_their_n_and_large_ones_summarised(app):
    with app.app_context():
        survey = make_survey(k=5)
        citizens = next(a for a in survey.audiences if a.key == "citizens")
        council = next(a for a in survey.audiences if a.key == "council")
        for trust in (1, 2, 4, 5, 5, 5):
            _answer(survey, citizens, trust)
        for trust in (3, 3):
            _answer(survey, council, trust)
        results = survey_results(survey, app.extensions["ikzsurvey.registry"])
        m, w = survey.municipalities[0].id, survey.waves[0].id
        trust = results.question("sample", "trust")
        council_cell = trust.cells[(ALL, council.id, ALL)]
        citizens_cell = trust.cells[(ALL, citizens.id, ALL)]
        total = trust.cells[TOTAL]
    assert council_cell.suppressed and council_cell.n is None and council_cell.mean is None
    # total (8) − citizens (6) would reveal the 2 council members: one of them is hidden too
    assert not (not total.suppressed and not citizens_cell.suppressed)
    shown = total if not total.suppressed else citizens_cell
    assert not shown.suppressed and shown.n >= 5
    if shown is citizens_cell:
        assert shown.counts == {"1": 1, "2": 1, "4": 1, "5": 3}
        assert shown.mean == pytest.approx(22 / 6) and shown.median == 4.5
        assert shown.top2 == pytest.approx(4 / 6)
    assert results.responses[(m, council.id, w)] is None  # the overview follows the same rule
