"""Free-text answers carry ``lang`` where their words say which language they are in
(WCAG 3.1.2), recognised from the text as shown — nothing about the respondent is stored."""

from __future__ import annotations

import re

import pytest

from ikzsurvey.text_language import lang_attribute, text_language

from .test_results_access import (
    free_text_world,
    get_html,
    set_status,
    signed_in,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("Die Gemeinde sollte mehr informieren.", "de"),
    ("Vertraulich: der Kämmerer blockiert alles", "de"),
    ("Wir haben Angst, dass unsere Kompetenz verloren geht.", "de"),
    ("We should share the heating plan with the other towns.", "en"),
    ("The cooperation is good for our staff and the budget.", "en"),
    ("ok", None),  # too short to tell
    ("Kosten", None),
    ("remark00", None),
    ("Ich finde the idea gut", None),  # mixed
    ("", None),
])
def test_the_language_is_read_from_the_words(text, expected):
    assert text_language(text) == expected


def test_the_attribute_is_escaped_markup_or_nothing():
    assert str(lang_attribute("Die Gemeinde sollte mehr informieren.")) == ' lang="de"'
    assert str(lang_attribute("ok")) == ""
    assert str(lang_attribute(None)) == ""


def test_released_answers_carry_their_language_on_every_page_that_shows_them(app):
    german = "Die Gemeinde sollte mehr über die Wärmeplanung informieren."
    english = "We would like the plan to be shared with the other towns."
    texts = [german, english] + [f"remark{i:02d}" for i in range(8)]
    w = free_text_world(app, {"Altdorf": texts})
    set_status(app, [german, english, "remark00"], "released")
    viewer = signed_in(app, w.cooperation_id, "viewer")  # the English interface
    for url in (f"/results/{w.survey_id}/", f"/results/{w.survey_id}/questions/sample/remarks"):
        shown = get_html(viewer, url)
        items = {text: lang for lang, text in
                 re.findall(r'<li(?: lang="(\w+)")?>([^<]*)</li>', shown)}
        assert items[german] == "de" and items[english] == "en", url
        assert items["remark00"] == "", url  # not clear: the page's language
    admin = signed_in(app, w.cooperation_id, "admin")
    review = get_html(admin, f"/results/{w.survey_id}/comments?status=released")
    assert f'<blockquote lang="de">{german}</blockquote>' in review
    assert f'<blockquote lang="en">{english}</blockquote>' in review
