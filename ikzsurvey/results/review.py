"""The organizer's publication of waves and the free-text review.

The review lists the free texts that the organizers' release of closed waves shows, in its
parts (:mod:`.comment_parts`), and says in which: the review decides only whether each is
shown there. Comments outside every part are shown to nobody, the organizer included: a
list of them beside the parts would tell whose they are (what is left after the shown
parts), and a list that grew while a wave runs would tell when each arrived
(docs/privacy.md, "Free text in releases" and "A running wave").
"""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import false, func, or_, select

from ..audit import audit
from ..auth import organizer_required
from ..db import db, write_transaction
from ..models import COMMENT_STATUSES, Comment, Wave
from . import releases
from .comment_parts import CommentPart
from .scope import Scope, compute, organizer_scope, review_scope
from .views import _labels, bp, part_name

REDACTION_MARK = "[…]"
COMMENTS_PER_PAGE = 25


@bp.route("/results/<int:survey_id>/waves/<int:number>/<action>", methods=["POST"])
@organizer_required
def publish(survey_id: int, number: int, action: str):
    scope = organizer_scope(survey_id)
    wave = next((w for w in scope.survey.waves if w.number == number), None)
    if wave is None or action not in ("publish", "unpublish", "make-public", "withdraw-public"):
        abort(404)
    if action in ("publish", "make-public") and wave.status != "closed":
        flash(_("Results of wave %(number)d can be published once the wave is closed.",
                number=number), "error")
        return redirect(url_for("results.dashboard", survey_id=survey_id))
    with write_transaction():
        wave = db.session.get(Wave, wave.id)
        if action == "publish":
            wave.published = True
        elif action == "unpublish":
            wave.published = wave.public = False
        elif action == "make-public":
            wave.published = wave.public = True
        else:
            wave.public = False
    messages = {
        "publish": _("Wave %(number)d is now visible to the council viewers.", number=number),
        "unpublish": _("Wave %(number)d is hidden from viewers again.", number=number),
        "make-public": _("The public summary of wave %(number)d is online.", number=number),
        "withdraw-public": _("The public summary of wave %(number)d is withdrawn.",
                             number=number),
    }
    audit(scope.survey.cooperation_id, f"wave.{action}",
          f"{scope.survey.title.get('de', '')}, wave {number}")
    flash(messages[action], "success")
    if releases.prepare(survey_id):
        flash(_("Viewers see the new state once its release is prepared and checked for "
                "anonymity; until then they see the previous one."), "info")
    return redirect(url_for("results.dashboard", survey_id=survey_id))


@bp.route("/results/<int:survey_id>/comments")
@organizer_required
def comments(survey_id: int):
    scope = review_scope(survey_id)
    status = request.args.get("status", "pending")
    if status not in COMMENT_STATUSES:
        abort(400, description=_("Unknown status: %(value)s", value=status))
    asked = request.args.get("page", "1")
    parts = _parts(scope)
    # Only the comments a part of the release shows: a list of the others, beside the
    # parts, would tell whose they are (what is left after the shown parts).
    in_parts = or_(*(p.condition() for p in parts)) if parts else false()
    base = select(Comment).where(Comment.survey_id == survey_id, Comment.status == status,
                                 in_parts)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    pages = max(1, -(-total // COMMENTS_PER_PAGE))
    # ASCII digits only ("²".isdigit() is true), and a page that exists: no offset past
    # what the database can count.
    if not (asked.isascii() and asked.isdigit()) or not 1 <= int(asked) <= pages:
        abort(400, description=_("There is no page %(value)s; the list has %(pages)d.",
                                 value=asked[:20], pages=pages))
    page = int(asked)
    rows = db.session.scalars(
        base.order_by(Comment.id).limit(COMMENTS_PER_PAGE).offset((page - 1) * COMMENTS_PER_PAGE)
    ).all()
    counts = dict(
        db.session.execute(
            select(Comment.status, func.count())
            .where(Comment.survey_id == survey_id, in_parts)
            .group_by(Comment.status)
        ).all()
    )
    # Which part of the release shows each comment (the review decides only whether it is
    # shown there).
    labels = _labels(scope) if parts else None
    part_of = {row.id: part_name(part, labels) for row in rows
               if (part := _part_of(row, parts)) is not None}
    questions = {}
    for result_set in _question_sets(scope.survey):
        for q in result_set.questions:
            questions[(result_set.id, q.id)] = q
    return render_template(
        "results/comments.html",
        scope=scope,
        rows=rows,
        status=status,
        page=page,
        pages=pages,
        counts=counts,
        running=scope.survey.current_wave,
        questions=questions,
        statuses=COMMENT_STATUSES,
        redaction_mark=REDACTION_MARK,
        part_of=part_of,
    )


def _parts(scope: Scope) -> list[CommentPart]:
    """The comment parts of the review's release (none without a release)."""
    return compute(scope).comments if scope.release is not None else []


def _part_of(comment: Comment, parts: list[CommentPart]) -> CommentPart | None:
    """The part that shows ``comment``, if any (a comment is in at most one: the parts of a
    question are one partition)."""
    return next((p for p in parts if p.question == (comment.question_set_id, comment.question_id)
                 and p.holds(comment.municipality_id, comment.audience_id, comment.wave_id)),
                None)


def _question_sets(survey):
    from ..surveys import pinned_question_sets

    return pinned_question_sets(survey)


@bp.route("/results/<int:survey_id>/comments/<comment_id>", methods=["POST"])
@organizer_required
def review_comment(survey_id: int, comment_id: str):
    parts = _parts(review_scope(survey_id))
    action = request.form.get("action")
    back = url_for(
        "results.comments", survey_id=survey_id,
        status=request.form.get("status", "pending")
        if request.form.get("status") in COMMENT_STATUSES else "pending",
    )
    with write_transaction():
        comment = db.session.get(Comment, comment_id)
        if (comment is None or comment.survey_id != survey_id
                or _part_of(comment, parts) is None):
            abort(404)  # only what a part of the release shows is there to review
        if action == "release":
            comment.status, comment.redacted_text = "released", None
        elif action == "withhold":
            comment.status, comment.redacted_text = "withheld", None
        elif action == "redact":
            redacted = (request.form.get("redacted_text") or "").strip()
            if not redacted or len(redacted) > len(comment.text) + 200:
                flash(_("Please enter the text as it should be shown, with names replaced "
                        "by %(mark)s.", mark=REDACTION_MARK), "error")
                return redirect(back)
            comment.status, comment.redacted_text = "redacted", redacted
        elif action == "pending":
            comment.status, comment.redacted_text = "pending", None
        else:
            abort(400, description=_("Unknown action: %(value)s", value=action or ""))
    flash(_("The answer is saved as: %(status)s.", status=status_label(comment.status)),
          "success")
    return redirect(back)


def status_label(status: str) -> str:
    return {
        "pending": _("waiting for review"),
        "released": _("released"),
        "redacted": _("released with names replaced"),
        "withheld": _("withheld"),
    }[status]
