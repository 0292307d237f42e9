"""The core's catalogs: complete in German and never stale against the source."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def _key(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def source_msgids() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "ikzsurvey"),
        method_map=METHODS,
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}},
        keywords=KEYWORDS,
    )
    return {_key(message) for _file, _line, message, _comments, _context in found}


def catalog(locale: str | None):
    path = CATALOGS / "messages.pot" if locale is None else (
        CATALOGS / locale / "LC_MESSAGES" / "messages.po"
    )
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def test_the_catalogs_match_the_source():
    in_source = source_msgids()
    assert len(in_source) > 100
    for locale in (None, "de", "en"):
        ids = {_key(m.id) for m in catalog(locale) if m.id}
        assert in_source - ids == set(), f"{locale or 'pot'}: missing, run make update-catalogs"
        assert ids - in_source == set(), f"{locale or 'pot'}: no longer in the source"


def test_every_core_message_has_a_german_translation():
    for message in catalog("de"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        assert all(s and s.strip() for s in strings), f"untranslated: {message.id!r}"
    assert not list(catalog("de").check())  # placeholders agree
