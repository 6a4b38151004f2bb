"""The responsibility engine's English words on the Dublin pages, in the page's language: what each
time limit asks and what follows if it is missed (:mod:`eupact.responsibility.deadlines`), its
period and the event it runs from, the days a last day was moved past (Art. 75(d)), the reasons
a case may not be a responsibility offset (Art. 63(8)), and what a Council implementing decision
under Regulation (EU) 2024/1359 (CFMR) changed: a time limit's ``derogation_detail`` (Art. 12(2)
and 12(4) CFMR: the article, the decision, the AMMR limit it replaced and the day that limit
would have ended) and the suspension of transfers to the state facing the crisis (Art. 12(4)),
both read from the engine's data, never parsed from its words.

As :mod:`eupact.web.generated_text`: an ordered list of templates over the engine's fixed
phrasing, each with its French and German forms in the Babel catalogues (the ``N_`` messages
below). A group named ``s_…`` is a Member State's code, shown as the state's name in the page's
language; any other group (a date, an article, a T-number) is kept as it is. A text no template
matches — the engine may say something new — is shown in English inside ``<span lang="en">``,
never mistranslated. The chain of articles and the flags (the spec's readings) stay in English:
they are the engine's reasoning with its citations, as the assessment's reasons are.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from babel.dates import format_date
from markupsafe import Markup, escape

from eupact.responsibility.decision import CrisisChange, Suspension
from eupact.web import i18n
from eupact.web.i18n import N_

S = r"[A-Z]{2}"
DATE = r"\d{4}-\d{2}-\d{2}"

# (pattern over the engine's words, message); the first template that matches the whole text
_TEMPLATES: tuple[tuple[str, str], ...] = (
    # -- what each time limit asks (the spec's T-numbers) --
    (
        rf"send the take charge request to (?P<s_to>{S})",
        N_("send the take charge request to %(s_to)s"),
    ),
    (
        rf"send the take back notification to (?P<s_to>{S})",
        N_("send the take back notification to %(s_to)s"),
    ),
    (r"send the request \(person detained\)", N_("send the request (person detained)")),
    (r"reply to the take charge request", N_("reply to the take charge request")),
    (r"reply to the urgent request", N_("reply to the urgent request")),
    (r"reply \(person detained\)", N_("reply (person detained)")),
    (r"reply \(request on a Eurodac or VIS hit\)", N_("reply (request on a Eurodac or VIS hit)")),
    (r"confirm receipt or rebut the notification", N_("confirm receipt or rebut the notification")),
    (
        rf"(?P<s_to>{S}) replies to the humanitarian request",
        N_("%(s_to)s replies to the humanitarian request"),
    ),
    (r"take and notify the transfer decision", N_("take and notify the transfer decision")),
    (r"transfer the detained person", N_("transfer the detained person")),
    (rf"transfer to (?P<s_to>{S})", N_("transfer to %(s_to)s")),
    (rf"transfer to (?P<s_to>{S}) \(imprisonment\)", N_("transfer to %(s_to)s (imprisonment)")),
    (
        rf"transfer to (?P<s_to>{S}) \(absconded, informed\)",
        N_("transfer to %(s_to)s (absconded, informed)"),
    ),
    # -- what follows if it is missed --
    (
        rf"(?P<s_state>{S}), where the application was registered, becomes responsible \(39\(1\) third subparagraph\)",
        N_(
            "%(s_state)s, where the application was registered, becomes responsible (Art. 39(1), third subparagraph)"
        ),
    ),
    (
        r"the request may still be sent in the minor's best interests \(39\(1\) fourth subparagraph\)",
        N_(
            "the request may still be sent in the minor's best interests (Art. 39(1), fourth subparagraph)"
        ),
    ),
    (
        r"silence is acceptance, including the duty to arrange the arrival \(40\(8\)\)",
        N_("silence is acceptance, including the duty to arrange the arrival (Art. 40(8))"),
    ),
    (r"silence is confirmation \(41\(4\)\)", N_("silence is confirmation (Art. 41(4))")),
    (
        rf"no shift: (?P<s_state>{S}) must still take the person back \(recital 59\)",
        N_(
            "responsibility does not move: %(s_state)s must still take the person back (recital 59)"
        ),
    ),
    (
        r"the person is released; Arts\. 39, 41 and 46 still apply \(45\(4\)\)",
        N_("the person is released; Arts. 39, 41 and 46 still apply (Art. 45(4))"),
    ),
    (
        r"the person is released; Art\. 46 still applies \(45\(4\)\)",
        N_("the person is released; Art. 46 still applies (Art. 45(4))"),
    ),
    (
        rf"(?P<s_state>{S}) becomes responsible \(46\(2\), 37\(1\)\)",
        N_("%(s_state)s becomes responsible (Art. 46(2), 37(1))"),
    ),
    # -- what follows if it is missed, under a crisis decision (Art. 12(3), (4) CFMR) --
    (
        rf"(?P<s_state>{S}), where the application was registered, becomes responsible \(12\(3\) CFMR\)",
        N_(
            "%(s_state)s, where the application was registered, becomes responsible (Art. 12(3) CFMR)"
        ),
    ),
    (
        r"silence is acceptance, including the duty to arrange the arrival \(40\(8\)\); responsibility lies with it \(12\(3\) CFMR\)",
        N_(
            "silence is acceptance, including the duty to arrange the arrival (Art. 40(8)); responsibility lies with the requested state (Art. 12(3) CFMR)"
        ),
    ),
    (
        r"silence is confirmation \(41\(4\)\); 12\(3\) CFMR does not name point \(c\)",
        N_("silence is confirmation (Art. 41(4)); Art. 12(3) CFMR does not name point (c)"),
    ),
    (
        rf"(?P<s_state>{S}) becomes responsible \((?P<article>12\([34]\)) CFMR, 37\(1\)\)",
        N_("%(s_state)s becomes responsible (Art. %(article)s CFMR, Art. 37(1))"),
    ),
    # -- the event a period runs from --
    (r"registration", N_("registration")),
    (r"detention started", N_("detention started")),
    (r"request received", N_("request received")),
    (r"notification received", N_("notification received")),
    (r"Eurodac hit", N_("Eurodac hit")),
    (r"Eurodac or VIS hit", N_("Eurodac or VIS hit")),
    (r"acceptance or confirmation", N_("acceptance or confirmation")),
    (r"final decision on the appeal", N_("final decision on the appeal")),
    (r"reappearance", N_("reappearance")),
    # -- periods (Art. 75) --
    (r"1 day", N_("1 day")),
    (r"(?P<n>\d+) days", N_("%(n)s days")),
    (r"1 week", N_("1 week")),
    (r"(?P<n>\d+) weeks", N_("%(n)s weeks")),
    (r"1 month", N_("1 month")),
    (r"(?P<n>\d+) months", N_("%(n)s months")),
    (r"1 year", N_("1 year")),
    (r"(?P<n>\d+) years", N_("%(n)s years")),
    # -- why a case may not be a responsibility offset (Art. 63(8)) --
    (r"an unaccompanied minor \(63\(8\)\(a\)\)", N_("an unaccompanied minor (Art. 63(8)(a))")),
    (
        r"responsible under Art\. (?P<article>[\w()]+), not Arts\. 29-33 \(63\(8\)\(b\)\)",
        N_("responsible under Art. %(article)s, not under Arts. 29 to 33 (Art. 63(8)(b))"),
    ),
    (
        rf"the time limit (?P<id>T\d+) \(Art\. (?P<article>[\w()]+)\) expired on (?P<d_on>{DATE}) \(63\(8\)\(c\)\)",
        N_("the time limit %(id)s (Art. %(article)s) expired on %(d_on)s (Art. 63(8)(c))"),
    ),
    (
        r"the applicant absconded \(63\(8\)\(d\)\): check it was not from the contributing state",
        N_("the applicant absconded (Art. 63(8)(d)): check it was not from the contributing state"),
    ),
    (
        r"a beneficiary of international protection \(63\(8\)\(e\)\)",
        N_("a beneficiary of international protection (Art. 63(8)(e))"),
    ),
    (r"an admitted person \(63\(8\)\(f\)\)", N_("an admitted person (Art. 63(8)(f))")),
)
TEMPLATES = tuple((re.compile(p), m) for p, m in _TEMPLATES)

WEEKEND = {"Saturday": N_("a Saturday"), "Sunday": N_("a Sunday")}

HOLIDAY = re.compile(rf"(?P<name>.+) in (?P<state>{S})")


def english(text: str) -> Markup:
    return Markup('<span lang="en">%s</span>') % text


def weekday(day: dt.date, lang: str) -> str:
    """The day of the week in the page's language (Tuesday, mardi, Dienstag)."""
    return format_date(day, "EEEE", locale=lang)


def dated(day: dt.date | str, lang: str) -> Markup:
    """A date as the dashboard shows dates (ISO, in a ``<time>``), with its day of the week."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    iso = d.isoformat()
    return Markup('<time datetime="%s">%s</time> (%s)') % (iso, iso, weekday(d, lang))


@cache
def _translated(text: str, lang: str) -> Markup | None:
    gettext = i18n.translations(lang).gettext
    names = i18n.state_names(lang)
    for pattern, message in TEMPLATES:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        parts = {
            k: escape(names.get(v, v) if k.startswith("s_") else v)
            for k, v in found.groupdict().items()
        }
        return escape(gettext(message)) % parts
    return None


def shown(text: str, lang: str) -> Markup:
    """The engine's ``text`` in ``lang``, or the English marked ``lang="en"``; "" stays ""."""
    line = text.strip()
    if not line:
        return Markup("")
    translated = _translated(line, lang)
    return english(line) if translated is None else translated


def skipped(entry: str, lang: str) -> Markup:
    """A day the last day was moved past (``"2026-12-25 Christmas Day in IT"``): the date with
    its weekday and why — a weekend day, or an official holiday (its name as the ``holidays``
    package gives it, in English) of the state whose calendar applies."""
    day, _, why = entry.partition(" ")
    try:
        when = dated(day, lang)
    except ValueError:
        return english(entry)
    gettext = i18n.translations(lang).gettext
    colon = Markup("\u202f: " if lang == "fr" else ": ")  # as the templates' ``colon`` filter
    holiday = HOLIDAY.fullmatch(why)
    if why in WEEKEND:
        reason = escape(gettext(WEEKEND[why]))
    elif holiday is not None:
        said = escape(gettext("%(holiday)s, an official holiday in %(state)s"))
        name = escape(i18n.state_name(holiday["state"], lang))
        reason = said % {"holiday": english(holiday["name"]), "state": name}
    else:
        reason = english(why)
    return when + colon + reason


def derogation(change: CrisisChange | None, lang: str) -> dict[str, object] | None:
    """What a Council implementing decision changed in a time limit (its ``derogation_detail``,
    Art. 12(2), 12(4) CFMR), in parts for the page: the CFMR article applied, the decision (its
    reference kept in English, ``lang="en"``), the state facing the crisis, the period under the
    decision, and the AMMR limit it replaced with its article and the day it would have ended;
    None for a time limit no decision changed."""
    if change is None:
        return None
    return {
        "article": change.cited,
        "decision": english(change.decision),
        "state": change.state,
        "period": shown(change.period, lang),
        "normal_period": shown(change.replaced_period, lang),
        "normal_article": change.replaced_article,
        "normal_due": dated(change.ammr_due, lang),
    }


def suspension(held: Suspension, lang: str) -> dict[str, object]:
    """Art. 12(4) CFMR, the engine's step as data: transfers to the state facing the crisis
    suspended from a day until another (``until``, None when no end is recorded), under the
    decision."""
    return {
        "state": held.state,
        "begins": dated(held.begins, lang),
        "until": dated(held.until, lang) if held.until else None,
        "decision": english(held.decision),
    }


__all__ = ["dated", "derogation", "english", "shown", "skipped", "suspension", "weekday"]
