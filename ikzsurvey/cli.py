"""The console script ``ikzsurvey`` — the same commands as ``flask --app ikzsurvey``."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .plugins import PluginError, plugin_versions


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database schema (applies all migrations)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo(f"Database ready: {current_app.config['SQLALCHEMY_DATABASE_URI']}")


@click.command("plugins")
@with_appcontext
def plugins_command():
    """List every plugin with its question sets, question kinds and versions."""
    pm = current_app.extensions["ikzsurvey.plugins"]
    registry = current_app.extensions["ikzsurvey.registry"]
    versions = plugin_versions(pm)
    for name in sorted(versions):
        click.echo(f"{name} ({versions[name] or 'not installed'})")
        for kind, provider in registry.kind_providers.items():
            if provider == name:
                click.echo(f"  question kind: {kind}")
        for (set_id, version), provider in sorted(registry.providers.items()):
            if provider == name:
                qs = registry.get(set_id, version)
                click.echo(f"  question set: {set_id}@{version} ({len(qs.questions)} questions)")



@click.command("demo")
@click.option(
    "--responses",
    default=600,
    show_default=True,
    type=click.IntRange(0, 100_000),
    help="Simulated responses to store (only when the demo is created).",
)
@click.option("--seed", default=2026, show_default=True, type=int, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print what was created as JSON.")
@with_appcontext
def demo_command(responses: int, seed: int, as_json: bool):
    """Create the demo cooperation and survey (once), and print links to try it."""
    from .demo import run_demo

    base = current_app.config["PUBLIC_URL"].rstrip("/")
    result = run_demo(responses=responses, seed=seed, base_url=base)
    info = {
        "cooperation": result.cooperation_id,
        "survey": result.survey_id,
        "created": result.created,
        "open_links": result.open_links,
        "invitation_links": result.invitation_links,
        "results_url": f"{base}/results/{result.survey_id}/",
        "public_summary_url": f"{base}/public/{result.survey_id}/waves/2/",
        "login_url": f"{base}/login",
        "admin": {"email": result.admin_email, "password": result.admin_password},
        "viewer": {"email": result.viewer_email, "password": result.viewer_password},
    }
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    state = "created" if result.created else "already there; its data are kept"
    click.echo(f"Demo cooperation {result.cooperation_id}, survey {result.survey_id}: {state}.")
    click.echo("\nAnswer the survey with an invitation (each link works once):")
    for link in result.invitation_links:
        click.echo(f"  {link}")
    click.echo("\nor with an open link for one municipality and audience, e.g.:")
    for segment, link in list(result.open_links.items())[:3]:
        click.echo(f"  {segment}: {link}")
    click.echo(f"\nResults (sign in first at {info['login_url']}): {info['results_url']}")
    click.echo(f"  organizer (every wave):  {result.admin_email} / {result.admin_password}")
    click.echo(f"  council viewer (published waves): {result.viewer_email} / "
               f"{result.viewer_password}")
    click.echo(f"Public summary of wave 2 (no sign-in): {info['public_summary_url']}")
    click.echo("The passwords are new on every run of the demo.")


def _cooperation(cooperation_id: int | None, cooperation_name: str | None):
    """The cooperation given by ``--cooperation-id`` or ``--cooperation-name`` or, when there
    is only one, that one. An id is never read as a name, nor a name as an id."""
    from sqlalchemy import func, select

    from .db import db
    from .models import Cooperation

    if cooperation_id is not None and cooperation_name is not None:
        raise click.UsageError("give either --cooperation-id or --cooperation-name, not both")
    if cooperation_id is not None:
        found = db.session.get(Cooperation, cooperation_id)
        if found is None:
            raise click.BadParameter(f"no cooperation with id {cooperation_id}",
                                     param_hint="--cooperation-id")
        return found
    if cooperation_name is not None:
        found = db.session.scalar(select(Cooperation).where(
            func.lower(Cooperation.name) == cooperation_name.strip().lower()))
        if found is None:
            raise click.BadParameter(f"no cooperation named '{cooperation_name}'",
                                     param_hint="--cooperation-name")
        return found
    cooperations = db.session.scalars(select(Cooperation).order_by(Cooperation.id)).all()
    if len(cooperations) == 1:
        return cooperations[0]
    names = ", ".join(f"{c.id} ({c.name})" for c in cooperations) or "none yet"
    raise click.UsageError(
        f"say which cooperation with --cooperation-id or --cooperation-name: {names}")


def cooperation_options(command):
    """``--cooperation-id`` and ``--cooperation-name``, for commands that act on one."""
    command = click.option(
        "--cooperation-name", default=None, metavar="NAME",
        help="The cooperation's name (may be left out when there is only one).")(command)
    return click.option(
        "--cooperation-id", default=None, type=click.IntRange(min=1), metavar="ID",
        help="The cooperation's id, as create-cooperation prints it.")(command)


@click.command("create-cooperation")
@click.option("--name", required=True, help="The cooperation's name, e.g. 'Kooperation Talaue'.")
@click.option("--municipality", "municipalities", multiple=True,
              help="A partner municipality (repeat the option for each).")
@with_appcontext
def create_cooperation_command(name: str, municipalities: tuple[str, ...]):
    """Create a cooperation with the built-in groups; its organizers do the rest in the
    browser (create its first organizer with create-user)."""
    from sqlalchemy import func, select

    from .audit import audit
    from .db import write_transaction
    from .models import BUILTIN_AUDIENCES, Audience, Cooperation, Municipality

    name = name.strip()
    if not name or len(name) > 200:
        raise click.BadParameter("give a name of 1 to 200 characters", param_hint="--name")
    names = list(dict.fromkeys(m.strip() for m in municipalities if m.strip()))
    if any(len(m) > 200 for m in names):
        raise click.BadParameter("a name is longer than 200 characters",
                                 param_hint="--municipality")
    with write_transaction() as session:
        exists = session.scalar(
            select(Cooperation).where(func.lower(Cooperation.name) == name.lower()))
        if exists is not None:
            raise click.UsageError(f"a cooperation named '{exists.name}' exists already "
                                   f"(id {exists.id})")
        cooperation = Cooperation(name=name)
        cooperation.municipalities = [Municipality(name=m) for m in names]
        cooperation.audiences = [Audience(key=key, labels={}) for key in BUILTIN_AUDIENCES]
        session.add(cooperation)
        session.flush()
        cooperation_id = cooperation.id
    audit(cooperation_id, "cooperation.create", name)
    click.echo(f"Cooperation {cooperation_id}: {name}. Next: ikzsurvey create-user --email … "
               f"--role admin --cooperation-id {cooperation_id}")


@click.command("create-user")
@click.option("--email", required=True, help="The account's e-mail address (its login name).")
@click.option("--role", type=click.Choice(["admin", "viewer"]), required=True,
              help="admin: organizer of the cooperation; viewer: reads published results.")
@cooperation_options
@with_appcontext
def create_user_command(email: str, role: str, cooperation_id: int | None,
                        cooperation_name: str | None):
    """Create an account, or give an existing one a new password; prints the password once."""
    from sqlalchemy import func, select

    from .db import write_transaction
    from .models import User
    from .passwords import generate_password, hash_password

    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or any(ch.isspace() for ch in email):
        raise click.BadParameter("not an e-mail address", param_hint="--email")
    target = _cooperation(cooperation_id, cooperation_name)
    password = generate_password()
    password_hash = hash_password(password)  # Argon2 outside the write transaction
    with write_transaction() as session:
        user = session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.cooperation_id != target.id:
            raise click.UsageError(f"{email} belongs to another cooperation")
        if user is None:
            user = User(email=email, cooperation_id=target.id)
            session.add(user)
        user.role = role
        user.password_hash = password_hash
        user.failed_logins, user.locked_until = 0, None
        user.session_epoch = (user.session_epoch or 0) + 1  # its other sessions end
    from .audit import audit

    audit(target.id, "user.create", f"{email} ({role})")
    click.echo(f"Account {email} ({role}) of cooperation {target.id} ('{target.name}'). "
               "Its password (shown once):")
    click.echo(password)


@click.command("create-token")
@click.option("--role", type=click.Choice(["admin", "viewer"]), default="viewer",
              show_default=True, help="What the token may read.")
@cooperation_options
@click.option("--label", default="", help="A note on who uses the token.")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 366),
              help="How many days the token is valid (at most 366).")
@with_appcontext
def create_token_command(role: str, cooperation_id: int | None, cooperation_name: str | None,
                         label: str, days: int):
    """Create a bearer token for the JSON API; prints it as the last line, once."""
    import datetime as dt

    from .db import write_transaction
    from .models import ApiToken, today
    from .tokens import hash_token, new_token

    target = _cooperation(cooperation_id, cooperation_name)
    token = new_token()
    expires_on = today() + dt.timedelta(days=days)
    with write_transaction() as session:
        session.add(
            ApiToken(token_hash=hash_token(token), role=role, cooperation_id=target.id,
                     label=label.strip()[:200], expires_on=expires_on)
        )
    from .audit import audit

    audit(target.id, "token.create", f"{role} {label[:100]}".strip())
    click.echo(f"API token ({role}) for cooperation {target.id} ('{target.name}'), valid "
               f"through {expires_on.isoformat()}; organizers can revoke it on /organize/tokens. "
               "Send it as 'Authorization: Bearer …'.")
    click.echo(token)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@with_appcontext
def purge_command(dry_run: bool):
    """Delete the answers and invitations of surveys past their retention date, and the
    session files of abandoned journeys.

    Safe to run from cron (e.g. nightly): it does nothing when nothing is due.
    """
    from .audit import audit
    from .participation import survey_participation
    from .retention import due_for_purge, purge_survey
    from .sessions import remove_expired

    if not dry_run:
        removed = remove_expired()
        if removed:
            click.echo(f"Removed {removed} expired session files.")
    due = due_for_purge()
    if not due:
        click.echo("Nothing to purge.")
    purged = set()
    for survey in due:
        title = survey.title.get("de") or survey.title.get("en") or f"#{survey.id}"
        purged.add(survey.id)
        if dry_run:
            click.echo(f"Would purge survey {survey.id} ({title}), kept until "
                       f"{survey.retain_until.isoformat()}.")
            continue
        cooperation_id, retain_until = survey.cooperation_id, survey.retain_until
        # Organizers read the audit log: its entry names the responses as the survey page
        # showed them (ikzsurvey.participation), never the exact count — a survey's exact
        # total beside the releases they kept could tell a hidden group's size.
        shown = survey_participation(survey, take=False).total
        counts = purge_survey(survey.id)
        audit(cooperation_id, "survey.purge",
              f"{title}: {'all' if shown is None else shown} responses, "
              f"{counts['invitations']} invitations")
        click.echo(
            f"Purged survey {survey.id} ({title}, kept until {retain_until.isoformat()}): "
            + ", ".join(f"{n} {table}" for table, n in counts.items())
        )
    _forget_unfinished(dry_run, skip=purged)


def _forget_unfinished(dry_run: bool, skip: set[int]) -> None:
    """Closed waves whose order is not forgotten yet (closed before this version, too large
    to rewrite at close, or compacting was blocked): rewrite them now."""
    from .forgetting import finish_unfinished

    for survey_id, count, done in finish_unfinished(dry_run, skip):
        waves = f"{count} closed wave{'' if count == 1 else 's'}"
        if dry_run:
            click.echo(f"Would rewrite {waves} of survey {survey_id} in random order.")
        elif done:
            click.echo(f"Rewrote {waves} of survey {survey_id} in random order and "
                       "compacted the tables.")
        else:
            click.echo(f"Could not compact the tables for survey {survey_id}: another "
                       "connection kept them locked; the next run tries again.", err=True)


@click.command("backup")
@click.option("--output", default=None, type=click.Path(dir_okay=True, writable=True),
              help="The file to write, or a folder to put a dated file in "
                   "(default: instance/backups/).")
@with_appcontext
def backup_command(output: str | None):
    """Copy the SQLite database while the app is serving; for PostgreSQL, print the pg_dump
    command (and exit with 1: nothing was copied).

    The copy is consistent (one moment of the database), a single file, mode 0600; its path
    is printed as the last line. Safe to run from cron as the app's user.
    """
    from pathlib import Path

    from .backup import BackupError, backup_sqlite, pg_dump_command, sqlite_database, target_path
    from .db import db

    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        click.echo("ikzsurvey backup copies SQLite databases only. For PostgreSQL, pg_dump is "
                   "the tool (run it as a user that may read the database; the password comes "
                   "from ~/.pgpass or PGPASSWORD). Nothing was copied. The command:", err=True)
        click.echo(pg_dump_command(url, output))
        sys.exit(1)
    if url.get_backend_name() != "sqlite":
        click.echo(f"ikzsurvey backup cannot copy a {url.get_backend_name()} database; use that "
                   "database's own backup tool.", err=True)
        sys.exit(1)
    database = sqlite_database(url)
    if database is None:
        click.echo("The database is in memory: there is nothing to back up.", err=True)
        sys.exit(1)
    target = target_path(output, Path(current_app.instance_path) / "backups")
    try:
        written = backup_sqlite(database, target)
    except BackupError as exc:
        click.echo(f"Backup failed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Backup of {database} written ({written.stat().st_size} bytes):")
    click.echo(str(written))


@click.command("serve")
@click.option("--bind", default=None, metavar="ADDRESS",
              help="Listen here (default: IKZSURVEY_BIND or 127.0.0.1:8000).")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes (default: IKZSURVEY_WORKERS or 2 × cores + 1, at most 8).")
@click.option("--certfile", default=None, type=click.Path(exists=True, dir_okay=False),
              help="Serve HTTPS with this PEM certificate (default: IKZSURVEY_CERTFILE).")
@click.option("--keyfile", default=None, type=click.Path(exists=True, dir_okay=False),
              help="The certificate's private key (default: IKZSURVEY_KEYFILE).")
def serve_command(bind: str | None, workers: int | None, certfile: str | None,
                  keyfile: str | None):
    """Serve the app in production: gunicorn with ikzsurvey.gunicorn_conf (no access log).

    Replaces this process with gunicorn, so signals reach gunicorn directly; equivalent to
    gunicorn -c python:ikzsurvey.gunicorn_conf 'ikzsurvey:create_app()'. Put a reverse proxy
    with TLS in front of it, or give it a certificate (--certfile/--keyfile) to serve HTTPS
    itself (docs/deploy.md). `ikzsurvey run` stays the development server.
    """
    import os

    if bool(certfile) != bool(keyfile):
        raise click.UsageError("--certfile and --keyfile go together.")

    argv = [sys.executable, "-m", "gunicorn", "--config", "python:ikzsurvey.gunicorn_conf"]
    if bind:
        argv += ["--bind", bind]
    if workers:
        argv += ["--workers", str(workers)]
    if certfile:
        argv += ["--certfile", certfile, "--keyfile", keyfile]
    argv.append("ikzsurvey:create_app()")
    sys.stdout.flush()
    sys.stderr.flush()
    # A fixed program (this interpreter) with arguments from click's checked options.
    os.execv(sys.executable, argv)  # noqa: S606  # nosec B606


def init_app(app: Flask) -> None:
    from .cli_releases import release_command

    for command in (
        init_db_command, plugins_command, demo_command, create_cooperation_command,
        create_user_command, create_token_command, purge_command, backup_command,
        serve_command, release_command,
    ):
        app.cli.add_command(command)


def _create_app_or_exit():
    from . import create_app

    try:
        return create_app()
    except PluginError as exc:
        click.echo(f"ikzsurvey cannot start: {exc}", err=True)
        sys.exit(1)


@click.group(cls=FlaskGroup, create_app=_create_app_or_exit, set_debug_flag=False)
def main():
    """ikzsurvey: anonymous surveys for inter-municipal cooperation."""
