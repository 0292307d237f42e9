"""Texts shown to people, in whatever language they read.

Three kinds of text reach a template:

* a plain ``str`` — shown as it is (ids, names typed by organizers in one language);
* a :class:`PluginText` — a msgid marked with ``ikzsurvey.plugin_api._`` in a plugin's
  code, translated through *that plugin's own* catalog (its translation domain);
* a :class:`LocalizedText` — one text per language, as TOML question sets and organizers
  supply them (``{"de": "…", "en": "…"}``).

All of them become a ``str`` in the current request's locale through :func:`localize`;
``str(text)`` does the same, so Jinja templates can print them directly.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

DEFAULT_LOCALE = "de"
LOCALES = ("de", "en")


def current_locale() -> str:
    """The locale of the current request, or the default outside a request."""
    from flask import current_app, g, has_request_context
    from flask_babel import get_locale

    if has_request_context() and "babel" in current_app.extensions:
        # Flask-Babel keeps the request's locale on g once chosen (also while forced);
        # read it there, as get_locale() would after several lookups of its own.
        chosen = getattr(g.get("_flask_babel"), "babel_locale", None)
        locale = chosen if chosen is not None else get_locale()
        if locale is not None:
            return str(locale.language)
    return DEFAULT_LOCALE


class PluginText:
    """A msgid from a plugin, translated lazily with the plugin's own catalog.

    The catalog is looked up in the folder ``translations/`` of the package that called
    ``_`` (or of the nearest package above it that has one); its domain is that package's
    last name part, e.g. ``translations/de/LC_MESSAGES/ikz_energy.mo`` for ``ikz_energy``.
    """

    __slots__ = ("msgid", "module")

    def __init__(self, msgid: str, module: str) -> None:
        if not isinstance(msgid, str):
            raise TypeError("_() takes a literal string")
        self.msgid = msgid
        self.module = module

    def translate(self, locale: str) -> str:
        return _catalog(self.module, locale).gettext(self.msgid)

    def __str__(self) -> str:
        return self.translate(current_locale())

    def __html__(self) -> str:  # escaped like any other text: never markup
        from markupsafe import escape

        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"_({self.msgid!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PluginText):
            return (self.msgid, self.module) == (other.msgid, other.module)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.msgid, self.module))

    def __bool__(self) -> bool:
        return bool(self.msgid.strip())


#: The items of a survey's privacy notice (GDPR Art. 13) an organizer may word per survey;
#: the welcome page shows the default wording for an item left empty. The controller and the
#: data protection officer's contact have no default: a survey cannot open without them.
NOTICE_ITEMS = ("purpose", "legal_basis", "recipients", "authority")


class SurveyTexts:
    """A survey's texts in the reader's language: for the model and for the plain values
    the respondent's pages read (``ikzsurvey.respondent.faces``) alike."""

    title: dict | None
    welcome: dict | None
    privacy: dict | None
    notice: dict | None

    def notice_text(self, item: str) -> LocalizedText | None:
        """The organizer's wording of a privacy-notice item, or ``None`` for the default."""
        texts = (self.notice or {}).get(item) or {}
        text = LocalizedText(texts)
        return text if text.translate(current_locale()) else None

    @property
    def title_text(self) -> LocalizedText:
        return LocalizedText(self.title or {})

    @property
    def welcome_text(self) -> LocalizedText:
        return LocalizedText(self.welcome or {})

    @property
    def privacy_text(self) -> LocalizedText:
        return LocalizedText(self.privacy or {})


class LocalizedText(Mapping[str, str]):
    """One text per language code; falls back to German, then to any language given."""

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = {str(k): str(v) for k, v in texts.items()}

    def translate(self, locale: str) -> str:
        for code in (locale, DEFAULT_LOCALE, *self._texts):
            if self._texts.get(code):
                return self._texts[code]
        return ""

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def __iter__(self):
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __str__(self) -> str:
        return self.translate(current_locale())

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"LocalizedText({self._texts!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LocalizedText):
            return self._texts == other._texts
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._texts.items())))

    def __bool__(self) -> bool:
        return any(v.strip() for v in self._texts.values())


Text = str | PluginText | LocalizedText


def localize(text: Text | None, locale: str | None = None) -> str:
    """Render any text kind as a ``str`` in ``locale`` (default: the request's)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, (PluginText, LocalizedText)):
        return text.translate(locale or current_locale())
    return str(text)  # e.g. a lazy core string: translated in the request's locale


def is_text(value: object) -> bool:
    return isinstance(value, (str, PluginText, LocalizedText))


def caller_module(depth: int = 2) -> str:
    """The ``__name__`` of the module that called our caller."""
    return sys._getframe(depth).f_globals.get("__name__", "__main__")


@cache
def translations_dir(module: str) -> tuple[Path, str] | None:
    """Find ``(folder, domain)`` of the catalog that belongs to ``module``."""
    parts = module.split(".")
    while parts:
        name = ".".join(parts)
        mod = sys.modules.get(name)
        file = getattr(mod, "__file__", None)
        if file:
            base = Path(file).parent
            is_package = Path(file).name == "__init__.py"
            if is_package and (base / "translations").is_dir():
                return base / "translations", parts[-1]
        parts.pop()
    return None


@cache
def _catalog(module: str, locale: str) -> NullTranslations:
    found = translations_dir(module)
    if found is None:
        return NullTranslations()
    folder, domain = found
    return Translations.load(str(folder), [locale], domain=domain)


def clear_caches() -> None:
    """Forget loaded plugin catalogs (tests that compile catalogs call this)."""
    translations_dir.cache_clear()
    _catalog.cache_clear()
