"""PostgreSQL: a snapshot that is open while a wave closes (a monitoring session, a standby's
``hot_standby_feedback``) keeps the submissions' old row versions, with their own ``xmin``,
through ``CLUSTER``. The close must then not call the order forgotten; ``purge`` finishes
once the snapshot is gone, and then no old version is left in the tables' pages."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import make_url, text

from ikzsurvey import forgetting
from ikzsurvey.db import db
from ikzsurvey.models import Wave

from .conftest import TEST_DATABASE_URL
from .factories import make_survey
from .test_forensics import close_wave

N = 30


def _dsn() -> str:
    url = make_url(TEST_DATABASE_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def submit(survey) -> None:
    """N responses through invitations, one comment each, one transaction each."""
    from ikzsurvey.models import Invitation
    from ikzsurvey.questions import Value
    from ikzsurvey.submission import AnswerValues, Segment, store_response
    from ikzsurvey.tokens import hash_token, new_token

    wave, municipality, audience = survey.waves[0], survey.municipalities[0], survey.audiences[0]
    invitations = [Invitation(token_hash=hash_token(new_token()), wave_id=wave.id,
                              municipality_id=municipality.id, audience_id=audience.id)
                   for _ in range(N)]
    db.session.add_all(invitations)
    db.session.commit()
    ids = [i.id for i in invitations]
    segment = Segment(survey.id, wave.id, municipality.id, audience.id)
    for i, invitation_id in enumerate(ids):
        store_response(segment, [
            AnswerValues("sample", 1, "trust", (Value(number=4),)),
            AnswerValues("sample", 1, "remarks", (Value(text=f"snapshot-{i}"),), detached=True),
        ], invitation_id=invitation_id)


def versions(table: str) -> tuple[int, int]:
    """(row versions in the table's pages, live rows): pageinspect sees the dead ones too."""
    with db.engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        pages = conn.scalar(text("SELECT pg_relation_size(:t) / current_setting('block_size')::int"),
                            {"t": table})
        stored = sum(conn.scalar(text(
            "SELECT count(*) FROM heap_page_items(get_raw_page(:t, :p)) WHERE t_xmin IS NOT NULL"),
            {"t": table, "p": page}) for page in range(pages))
        live = conn.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - a fixed name
        conn.commit()
    return stored, live


@pytest.mark.postgresql
def test_an_open_snapshot_at_close_leaves_the_wave_to_purge_which_finishes_it(app, monkeypatch):
    monkeypatch.setattr(forgetting, "SNAPSHOT_RETRIES", (0.1,))
    with app.app_context():
        survey = make_survey()
        survey_id, wave_id, cooperation_id = survey.id, survey.waves[0].id, survey.cooperation_id
        submit(survey)
    # A monitoring session: a snapshot taken before the close, on a table the close leaves alone.
    monitor = psycopg.connect(_dsn())
    monitor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    monitor.execute("SELECT count(*) FROM cooperation").fetchone()
    try:
        close_wave(app, survey_id, cooperation_id)
        with app.app_context():
            wave = db.session.get(Wave, wave_id)
            assert wave.status == "closed"
            assert not wave.order_forgotten  # the old versions are still in the pages
            stored, live = versions("comment")
            assert stored > live  # what the snapshot kept: the check above is not idle
            assert forgetting.unfinished_waves() == [(survey_id, wave_id)]
    finally:
        monitor.rollback()
        monitor.close()

    with app.app_context():
        done = list(forgetting.finish_unfinished())  # what `ikzsurvey purge` runs
        assert done == [(survey_id, 1, True)]
        assert db.session.get(Wave, wave_id).order_forgotten
        for table in ("response", "answer", "comment", "invitation"):
            stored, live = versions(table)
            assert stored == live, (table, stored, live)  # no dead version with its own xmin
        xmins = db.session.execute(text(
            "SELECT count(DISTINCT xmin::text) FROM comment WHERE survey_id = :s"),
            {"s": survey_id}).scalar()
        assert xmins == 1


@pytest.mark.parametrize("detail, kept", [
    ("0 dead row versions cannot be removed yet.\nCPU: user: 0.00 s", 0),
    ("40 dead row versions cannot be removed yet.\nCPU: user: 0.00 s, system: 0.01 s", 40),
    ("40 tote Zeilenversionen können noch nicht entfernt werden.\nCPU: …", 40),
    (None, None),
    ("", None),
])
def test_the_count_of_kept_versions_is_read_from_clusters_detail(detail, kept):
    assert forgetting.kept_dead_versions(detail) == kept
