"""``ikzsurvey release``: prepare the releases the surveys lack, here and now (after an
upgrade, from cron, or when a background job should not be used)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select


@click.command("release")
@click.option("--survey", "survey_id", type=int, default=None,
              help="Only this survey (its id); every survey when left out.")
@with_appcontext
def release_command(survey_id: int | None):
    """Compute and audit the releases that are missing, queued, failed or stalled."""
    from .db import db
    from .models import Release, Survey
    from .results import releases

    ids = [survey_id] if survey_id is not None else db.session.scalars(
        select(Survey.id).order_by(Survey.id)).all()
    if survey_id is not None and db.session.get(Survey, survey_id) is None:
        raise click.ClickException(f"There is no survey with id {survey_id}.")
    failed = False
    for sid in ids:
        releases.request(sid)
        done = releases.run_queued(sid)
        db.session.expire_all()
        for release in db.session.scalars(select(Release).where(Release.survey_id == sid)
                                          .order_by(Release.number)):
            if release.status == "failed":
                failed = True
                click.echo(f"survey {sid}: release {release.number} failed: {release.error}",
                           err=True)
        if done:
            click.echo(f"survey {sid}: {done} release(s) prepared")
    if failed:
        raise SystemExit(1)
