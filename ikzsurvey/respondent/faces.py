"""What respondents' pages show of a survey and its segment: plain values, read with Core.

The journey's views read these on every request; building ORM entities for them (identity
map, instrumentation, lazy loaders) cost more than the queries (docs/performance.md). The
properties mirror those of the models, so templates read both alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from ..texts import SurveyTexts


def frozen(texts: dict | None) -> tuple | None:
    """A text per language as a hashable value."""
    return None if texts is None else tuple(sorted((str(k), str(v)) for k, v in texts.items()))


@dataclass(frozen=True)
class SurveyFace(SurveyTexts):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id", "status", "title", "welcome", "privacy", "controller", "dpo_contact", "notice",
        "min_group_size", "retain_until",
    )

    id: int
    status: str
    title: dict | None
    welcome: dict | None
    privacy: dict | None
    controller: str | None
    dpo_contact: str | None
    notice: dict | None
    min_group_size: int
    retain_until: dt.date | None

    def key(self) -> tuple:
        """Everything a page shows of the survey, hashable (for ``kept.render_kept``)."""
        return (self.id, self.status, frozen(self.title), frozen(self.welcome),
                frozen(self.privacy), self.controller, self.dpo_contact,
                tuple(sorted((k, frozen(v)) for k, v in (self.notice or {}).items())),
                self.min_group_size, self.retain_until)


@dataclass(frozen=True)
class AudienceFace:
    key: str
    labels: dict | None

    @property
    def label(self) -> Any:
        from ..i18n import audience_label

        return audience_label(self)


@dataclass(frozen=True)
class MunicipalityFace:
    name: str
