"""The language of a free-text answer, recognised from its words, for ``lang`` (WCAG 3.1.2).

A respondent may write in German on an English page or the other way round; a screen reader
then needs ``lang`` on the answer to pronounce it. Nothing about the respondent is stored for
this — not the language they answered in, which in a small group could tell who wrote it.
The language is read from the text as shown, by counting short function words that occur in
one language only (and ä, ö, ü, ß). Where the text does not say clearly, the answer gets no
``lang`` and inherits the page's.
"""

from __future__ import annotations

import re

from markupsafe import Markup

# Frequent function words of one language that are not (common) words of the other.
GERMAN = frozenset("""
    der die das den dem des und ist sind nicht kein keine keinen ein eine einen einem einer
    ich wir ihr sie es uns unsere unser unseren mit auf für von zu zum zur im ins bei aus
    nach über unter auch noch nur mehr sehr aber oder wenn dass weil wie wird werden wurde
    sollte sollten müssen muss kann können hat haben gibt viel viele schon immer mal doch
    gemeinde gemeinden zusammenarbeit
""".split())
ENGLISH = frozenset("""
    the and is are not no a an we they you it its our us with on for of to at by from
    about more very but or if that this these those because how would should must can
    could has have had there their than been being also only just much many always
    municipality municipalities cooperation
""".split())
_WORD = re.compile(r"[^\W\d_]+")
_GERMAN_LETTERS = re.compile(r"[äöüß]", re.IGNORECASE)


def text_language(text: str) -> str | None:
    """"de", "en" or None (too short or mixed to tell)."""
    words = [w.casefold() for w in _WORD.findall(text)]
    german = sum(w in GERMAN for w in words) + min(2, len(_GERMAN_LETTERS.findall(text)))
    english = sum(w in ENGLISH for w in words)
    if german >= 2 and german >= 2 * english + 1:
        return "de"
    if english >= 2 and english >= 2 * german + 1:
        return "en"
    return None


def lang_attribute(text: str) -> Markup:
    """`` lang="de"`` for a template's element, or nothing when the language is not clear."""
    found = text_language(text or "")
    return Markup(f' lang="{found}"') if found else Markup("")
