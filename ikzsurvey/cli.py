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
    default=300,
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
        "results_url": f"{base}/surveys/{result.survey_id}/results",
        "admin": {"email": result.admin_email, "password": result.admin_password},
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
    click.echo(f"\nResults (the results pages are not built yet): {info['results_url']}")
    click.echo(
        f"Organizer account (login pages are not built yet): {result.admin_email} / "
        f"password {result.admin_password}"
    )


def init_app(app: Flask) -> None:
    for command in (init_db_command, plugins_command, demo_command):
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
