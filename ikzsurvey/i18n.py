"""Language: German first, English second; the choice comes from ?lang=, a cookie, the browser.

Core texts are marked with Flask-Babel (msgids in English, catalogs in the top-level folder
``translations/``); plugin texts use each plugin's own catalog (see :mod:`ikzsurvey.texts`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from babel import Locale
from flask import Flask, g, request
from flask_babel import Babel, format_decimal, format_percent, get_translations
from flask_babel import lazy_gettext as _l

from .text_language import lang_attribute
from .texts import DEFAULT_LOCALE, LOCALES, current_locale, localize

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

BUILTIN_AUDIENCE_LABELS = {
    "employees": _l("Employees"),
    "council": _l("Council members"),
    "citizens": _l("Citizens"),
}

PHASE_LABELS = {
    "initiation": _l("Initiation"),
    "implementation": _l("Implementation"),
    "consolidation": _l("Consolidation"),
}

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}

babel = Babel()


def select_locale() -> Locale:
    asked = request.args.get("lang")
    if asked not in LOCALES:
        asked = request.cookies.get(COOKIE)
        if asked not in LOCALES:
            asked = request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE
    # Flask-Babel parses what this returns on every request; a Locale is returned as is.
    return _PARSED[asked]


_PARSED = {code: Locale.parse(code) for code in LOCALES}


def remember_locale(response):
    """Keep a language chosen with ?lang= in a cookie (it holds nothing else)."""
    asked = request.args.get("lang")
    if asked in LOCALES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
    return response


def url_with_lang(code: str) -> str:
    """This page in another language, as a query only (``?lang=en&…``, other arguments kept).

    A query-only link stays on the page the browser shows, whatever its path. Built from
    ``request.path`` it would not: on the 404 page for ``/%5Cevil.example/x`` the path is
    ``/\\evil.example/x``, which browsers read as ``//evil.example/x`` — another site.
    """
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"?{urlencode(args, doseq=True)}"


def audience_label(audience) -> str:
    own = audience.labels or {}
    if own:
        from .texts import LocalizedText

        return localize(LocalizedText(own))
    if audience.key in BUILTIN_AUDIENCE_LABELS:
        return str(BUILTIN_AUDIENCE_LABELS[audience.key])
    return audience.key


def request_translations():
    """The current request's catalog, as ``flask_babel.get_translations()`` returns it.

    Templates translate a few dozen strings per page; Flask-Babel looks up its context,
    domain and locale again for each. Here the catalog is kept on ``g`` together with the
    locale it is for, so a locale forced or refreshed later in the request is still seen.
    """
    chosen = getattr(g.get("_flask_babel"), "babel_locale", None)
    kept = g.get("_ikzsurvey_translations")
    if kept is not None and chosen is not None and kept[0] is chosen:
        return kept[1]
    translations = get_translations()
    g._ikzsurvey_translations = (getattr(g._flask_babel, "babel_locale", None), translations)
    return translations


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # as Flask-Babel's, with request_translations
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.after_request(remember_locale)
    app.jinja_env.filters["t"] = localize
    app.jinja_env.filters["decimal"] = format_decimal
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.filters["lang_attribute"] = lang_attribute
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        url_with_lang=url_with_lang,
        current_locale=current_locale,
        LOCALES=LOCALES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        PHASE_LABELS=PHASE_LABELS,
    )
