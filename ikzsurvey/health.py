"""Liveness for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .db import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("health check: database unreachable: %s", exc)
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
