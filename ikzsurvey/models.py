"""The domain (see docs/design.md): cooperations, their surveys, and anonymous responses.

Privacy by construction: :class:`Response` and :class:`Answer` have no column that refers
to an invitation, a person, an address or a time of day — only the segment (municipality,
audience, wave) and the submission *date*. Their keys are random, and on SQLite their
tables have no rowid, so not even the storage order tells which came first.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .texts import SurveyTexts

BUILTIN_AUDIENCES = ("employees", "council", "citizens")
SURVEY_STATUSES = ("draft", "open", "closed")
MIN_GROUP_SIZE_FLOOR = 3
DEFAULT_MIN_GROUP_SIZE = 5


def random_id() -> str:
    """128 random bits as 32 hex digits: ids that tell nothing about order."""
    return secrets.token_hex(16)


def today() -> dt.date:
    return dt.date.today()


def now() -> dt.datetime:
    """The current time in UTC, without time zone (stored as such on both databases)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


survey_municipalities = Table(
    "survey_municipality",
    Base.metadata,
    Column("survey_id", ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
)

survey_audiences = Table(
    "survey_audience",
    Base.metadata,
    Column("survey_id", ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    Column("audience_id", ForeignKey("audience.id", ondelete="CASCADE"), primary_key=True),
)


class Cooperation(Base):
    """One IKZ network; everything else belongs to one."""

    __tablename__ = "cooperation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique, so that a command's ``--cooperation-name`` names one cooperation.
    name: Mapped[str] = mapped_column(String(200), unique=True)
    topic: Mapped[str] = mapped_column(String(200), default="")
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="cooperation", order_by="Municipality.name", cascade="all, delete-orphan"
    )
    audiences: Mapped[list[Audience]] = relationship(
        back_populates="cooperation", order_by="Audience.id", cascade="all, delete-orphan"
    )
    surveys: Mapped[list[Survey]] = relationship(
        back_populates="cooperation", order_by="Survey.id", cascade="all, delete-orphan"
    )


class Municipality(Base):
    """A partner of the cooperation."""

    __tablename__ = "municipality"
    __table_args__ = (UniqueConstraint("cooperation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))

    cooperation: Mapped[Cooperation] = relationship(back_populates="municipalities")


class Audience(Base):
    """A group of respondents: ``employees``, ``council``, ``citizens`` or the cooperation's own."""

    __tablename__ = "audience"
    __table_args__ = (UniqueConstraint("cooperation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    #: Labels per language for the cooperation's own audiences; built-in ones are translated.
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    cooperation: Mapped[Cooperation] = relationship(back_populates="audiences")

    @property
    def label(self) -> Any:
        from .i18n import audience_label

        return audience_label(self)


class Survey(Base, SurveyTexts):
    """A survey: pinned question sets, its targets, phase, status and minimum group size k."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    phase: Mapped[str] = mapped_column(String(20), default="initiation")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    min_group_size: Mapped[int] = mapped_column(Integer, default=DEFAULT_MIN_GROUP_SIZE)
    welcome: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    privacy: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    controller: Mapped[str] = mapped_column(Text, default="")
    #: The data protection officer's contact (GDPR Art. 13 (1) (b)); required to open.
    dpo_contact: Mapped[str] = mapped_column(Text, default="")
    #: The privacy notice's other items (``texts.NOTICE_ITEMS``), each a text per language;
    #: an item left out is shown with the default wording.
    notice: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    #: After this day ``ikzsurvey purge`` deletes the survey's responses and invitations.
    retain_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    #: How releases show free text: ``whole``, ``municipality`` or ``audience``
    #: (ikzsurvey/results/comment_parts.py).
    comment_partition: Mapped[str] = mapped_column(String(16), default="municipality",
                                                   server_default="municipality")

    cooperation: Mapped[Cooperation] = relationship(back_populates="surveys")
    question_sets: Mapped[list[SurveyQuestionSet]] = relationship(
        back_populates="survey",
        order_by="SurveyQuestionSet.position",
        cascade="all, delete-orphan",
    )
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=survey_municipalities, order_by="Municipality.name"
    )
    audiences: Mapped[list[Audience]] = relationship(
        secondary=survey_audiences, order_by="Audience.id"
    )
    waves: Mapped[list[Wave]] = relationship(
        back_populates="survey", order_by="Wave.number", cascade="all, delete-orphan"
    )

    @property
    def current_wave(self) -> Wave | None:
        """The open wave respondents answer in, if any."""
        open_waves = [w for w in self.waves if w.status == "open"]
        return open_waves[-1] if open_waves else None


class SurveyQuestionSet(Base):
    """A question set pinned into a survey by ``id@version``."""

    __tablename__ = "survey_question_set"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    question_set_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    survey: Mapped[Survey] = relationship(back_populates="question_sets")


class Wave(Base):
    """One round of a survey; repeating waves is how change over time is monitored."""

    __tablename__ = "wave"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_on: Mapped[dt.date] = mapped_column(Date, default=today)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: Council viewers see a wave's results only once its organizer publishes them (after
    #: closing it): running results shown early would bias the answers still to come.
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: A public summary (aggregates only, no free text) of a closed, published wave.
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Once closed, its rows were rewritten in random order and the files compacted
    #: (:mod:`ikzsurvey.forgetting`); until then ``ikzsurvey purge`` finishes that.
    order_forgotten: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())

    survey: Mapped[Survey] = relationship(back_populates="waves")


class OpenLink(Base):
    """A public link for one municipality × audience of a survey (answers the open wave)."""

    __tablename__ = "open_link"
    __table_args__ = (UniqueConstraint("survey_id", "municipality_id", "audience_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id", ondelete="CASCADE"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    survey: Mapped[Survey] = relationship()
    municipality: Mapped[Municipality] = relationship()
    audience: Mapped[Audience] = relationship()


class Invitation(Base):
    """A single-use token for one segment. Only its hash is stored; ``used`` is all we know."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id", ondelete="CASCADE"))
    used: Mapped[bool] = mapped_column(Boolean, default=False)

    wave: Mapped[Wave] = relationship()
    municipality: Mapped[Municipality] = relationship()
    audience: Mapped[Audience] = relationship()


class Response(Base):
    """One submitted questionnaire: its segment and the day — nothing else about its author."""

    __tablename__ = "response"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id", ondelete="CASCADE"))
    submitted_on: Mapped[dt.date] = mapped_column(Date, default=today)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(Base):
    """One value of one question in a response (a multiple choice keeps one row per option)."""

    __tablename__ = "answer"
    __table_args__ = {"sqlite_with_rowid": False}

    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    question_set_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    question_set_version: Mapped[int] = mapped_column(Integer)
    value_num: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_text: Mapped[str | None] = mapped_column(Text, nullable=True)

    response: Mapped[Response] = relationship(back_populates="answers")


COMMENT_STATUSES = ("pending", "released", "redacted", "withheld")


class Comment(Base):
    """A free-text answer, kept apart from the response it came with.

    It carries its segment and question only — no response id — so nobody, not even an
    organizer reviewing it, can put it beside the same respondent's other answers. It is
    shown to viewers only once an organizer released it (as written, or ``redacted``:
    names replaced) and only for groups of at least max(k, 10).
    """

    __tablename__ = "comment"
    # The released comments of a question, as the results pages select them (count and
    # first page): without it, every comment of the survey is read (docs/performance.md).
    __table_args__ = (Index("ix_comment_survey_id_question", "survey_id", "question_set_id",
                            "question_id", "status"),
                      {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id", ondelete="CASCADE"))
    question_set_id: Mapped[str] = mapped_column(String(64))
    question_set_version: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: The text as released when ``status`` is ``redacted``.
    redacted_text: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def shown_text(self) -> str | None:
        if self.status == "released":
            return self.text
        if self.status == "redacted":
            return self.redacted_text
        return None


class SubmissionReceipt(Base):
    """A spent one-time key of an open-link journey, so a double submit stores one response.

    The key is random, lives in the respondent's server-side session only until submission,
    and says nothing about which response it produced.
    """

    __tablename__ = "submission_receipt"
    __table_args__ = {"sqlite_with_rowid": False}

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)


class ParticipationSnapshot(Base):
    """How many responses and used invitations a running wave had per segment, counted on
    one day (:mod:`ikzsurvey.participation`): what the survey page shows of a running wave
    is derived from it (per segment only "k or more", and the wave's total where that pins
    no small group); deleted when the wave closes. A date, never a time of day."""

    __tablename__ = "participation_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), unique=True)
    #: ``[[municipality id, audience id, responses, used invitations], …]``, sorted.
    counts: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    taken_on: Mapped[dt.date] = mapped_column(Date, default=today)


# The staff's accounts, API tokens and audit log live in their own module.
from .staff_models import (  # noqa: E402, F401
    API_ROLES,
    API_TOKEN_DAYS,
    API_TOKEN_MAX_DAYS,
    ApiToken,
    AuditEntry,
    User,
    default_token_expiry,
)

# Releases, the stored results every surface reads, live in their own module.
from .release_models import RELEASE_STATUSES, Release  # noqa: E402, F401
