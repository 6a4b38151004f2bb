"""One dashboard request's context (:class:`Page`): the visitor (a session, else an observer),
the language, the pool year shown, and how to answer with a page; the template environments (one
per language) and the navigation. Every page module (:mod:`routes`, :mod:`calendar_page`,
:mod:`what_if`, :mod:`matching_page`) answers through it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from eupact import __version__
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.tokens import WebSession
from eupact.errors import EupactError, Forbidden, NotFound, Problem
from eupact.web import forms, generated_text, i18n, labels, views
from eupact.web.security import from_another_site

SESSION_COOKIE = "eupact_session"
SIGNIN_COOKIE = "eupact_signin"  # the sign-in form's double-submit value (CSRF)
LANG_COOKIE = "eupact_lang"
PUBLIC = Actor("public", Role.OBSERVER)
KEPT_OUT = frozenset({"lang", "year"})  # set by the language links themselves
MAX_KEPT_QUERY = 2_000
MAX_KEPT_VALUE = 100
NAV = (
    ("overview", "/", i18n.N_("Cycle")),
    ("calendar", "/calendar", i18n.N_("Legal calendar")),
    ("pool", "/pool", i18n.N_("Fair shares and pool")),
    ("assessment", "/assessment", i18n.N_("Migratory pressure")),
    ("what-if", "/what-if", i18n.N_("What if")),
    ("states", "/state", i18n.N_("Member States")),
    ("workspace", "/workspace", i18n.N_("Member-State workspace")),
    ("matching", "/matching", i18n.N_("Relocation matching")),
    ("audit", "/audit", i18n.N_("Audit trail")),
    ("sources", "/sources", i18n.N_("Data sources")),
    ("downloads", "/downloads", i18n.N_("Downloads")),
)


@cache
def environment(lang: str) -> jinja2.Environment:
    """One template environment per language (translations bound once: thread-safe)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("eupact.web", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    names = i18n.state_names(lang)
    env.filters["num"] = lambda value, decimals=0: i18n.number(value, lang, decimals)
    env.filters["state"] = lambda geo: names.get(geo, geo)
    env.filters["generated"] = lambda text: generated_text.shown(text, lang)
    # French sets a (narrow no-break) space before a colon; English and German do not.
    env.filters["colon"] = lambda text: f"{text}\u202f:" if lang == "fr" else f"{text}:"
    env.globals.update(
        lang=lang,
        languages=i18n.LANGUAGES,
        labels=labels,
        version=__version__,
        nav=NAV,
    )
    return env


class Page:
    """One request's context: the visitor, the language, and how to answer with a page."""

    def __init__(self, service: CycleService, request: Request) -> None:
        self.service = service
        self.request = request
        asked = request.query_params.get("lang")
        self.lang = i18n.negotiate(
            asked, request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
        )
        self.remember_lang = asked in i18n.LANGUAGES and asked != request.cookies.get(LANG_COOKIE)
        self.session_id = request.cookies.get(SESSION_COOKIE, "")
        # an ended or expired session, or one whose token was revoked: a visitor again
        self.session: WebSession | None = (
            service.tokens.session(self.session_id) if self.session_id else None
        )
        self.actor = self.session.actor if self.session else PUBLIC
        self.signed_in = self.session is not None
        self.https = request.url.scheme == "https"
        # the pool year a posted form was shown for (its hidden ``year``), over ``?year=``
        self.form_year: int | None = None
        self._cycle: tuple[int | None, dict[str, Any]] | None = None
        self.env = environment(self.lang)
        self.gettext = i18n.translations(self.lang).gettext

    @property
    def csrf(self) -> str:
        return self.session.form_token() if self.session else ""

    def check_csrf(self, form: Mapping[str, str]) -> None:
        if from_another_site(self.request.headers) or not (
            self.session and self.session.form_token_matches(form.get("csrf", ""))
        ):
            raise self.form_expired()

    def form_expired(self) -> Forbidden:
        rule = self.gettext(
            "the form has expired, or another site sent it: reload the page and submit again"
        )
        return Forbidden([Problem("csrf", "", rule)], "form expired")

    def year(self, years: list[int]) -> int | None:
        asked = self.form_year or forms.year(self.request.query_params)  # '²' is no year
        if asked in years:
            return asked
        return years[-1] if years else None

    def pin_year(self, form: Mapping[str, str]) -> int:
        """The pool year a posted form acts on: the one the page showed it for (the form's
        hidden ``year``, or ``?year=``), else the latest cycle. A form must never act on
        another cycle than the one it was shown for: once the next year's cycle is opened, its
        pledging runs while this year's deductions and offsets are still answered."""
        given = form.get("year") or self.request.query_params.get("year", "")
        years = views.cycle_years(self.service, self.actor)
        if given:
            asked = forms.year({"year": given})
            if asked is None or asked not in years:
                rule = "no cycle of this pool year is open to you"
                raise NotFound([Problem("year", given, rule)], "not found")
            self.form_year, self._cycle = asked, None
            return asked
        if not years:
            raise NotFound([Problem("year", "", "no cycle has been opened yet")], "not found")
        return years[-1]

    def cycle(self) -> tuple[int | None, dict[str, Any]]:
        """The pool year shown (``?year=``, else the latest cycle), and whether it holds the
        demo's SYNTHETIC records (every page then says so)."""
        if self._cycle is None:
            years = views.cycle_years(self.service, self.actor)
            year = self.year(years)
            synthetic = views.synthetic(self.service, year) if year else False
            self._cycle = year, {"years": years, "year": year, "synthetic": synthetic}
        return self._cycle

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        started = time.perf_counter()
        try:
            context = {**self.cycle()[1], **context}
        except EupactError:  # the error page of a failing database read still renders
            context = {"years": [], "year": None, "synthetic": False, **context}
        html = self.env.get_template(template).render(
            actor=self.actor,
            signed_in=self.signed_in,
            csrf=self.csrf,
            path=self.request.url.path,
            query=self.request.url.query,
            lang_query=self.kept_query(),
            form_key=str(uuid.uuid4()),
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        response.headers["Server-Timing"] = (
            f"render;dur={(time.perf_counter() - started) * 1000:.1f}"
        )
        response.headers["Content-Language"] = self.lang
        if self.remember_lang:
            response.set_cookie(
                LANG_COOKIE, self.lang, max_age=365 * 86400, samesite="lax", secure=self.https
            )
        if self.signed_in:  # what a session sees stays out of caches (and the back button)
            response.headers["Cache-Control"] = "no-store"
        return response

    def kept_query(self) -> str:
        """The query the language links keep (a filter, a What-if question), without the
        language and the year they set themselves; a long value, or a long query, is not kept
        (no figure needs more than 40 characters)."""
        kept = [
            (k, v)
            for k, v in self.request.query_params.multi_items()
            if k not in KEPT_OUT and len(k) <= MAX_KEPT_VALUE and len(v) <= MAX_KEPT_VALUE
        ]
        text = urlencode(kept)
        return text if len(text) <= MAX_KEPT_QUERY else ""

    def error(self, exc: EupactError) -> HTMLResponse:
        return self.render("error.html", exc.http_status, error=exc)
