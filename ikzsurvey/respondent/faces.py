"""What respondents' pages show of a survey and its segment: plain values, read with Core.

The journey's views read these on every request; building ORM entities for them (identity
map, instrumentation, lazy loaders) cost more than the queries (docs/performance.md). The
properties mirror those of the models, so templates read both alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from ..texts import LocalizedText


@dataclass(frozen=True)
class SurveyFace:
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id", "status", "title", "welcome", "privacy", "controller", "min_group_size",
        "retain_until",
    )

    id: int
    status: str
    title: dict | None
    welcome: dict | None
    privacy: dict | None
    controller: str | None
    min_group_size: int
    retain_until: dt.date | None

    @property
    def title_text(self) -> LocalizedText:
        return LocalizedText(self.title or {})

    @property
    def welcome_text(self) -> LocalizedText:
        return LocalizedText(self.welcome or {})

    @property
    def privacy_text(self) -> LocalizedText:
        return LocalizedText(self.privacy or {})


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
