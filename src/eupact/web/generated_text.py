"""Generated English text in the page's language: the assessment's reasons, verdicts, category
labels and rule outcomes (built in English by :mod:`eupact.assessment.classify`), and the rules
an error page names (:class:`eupact.errors.Problem`).

The translator is an ordered list of templates: each a regular expression over the fixed English
phrasing, with named groups for the parts that are kept as they are (figures, periods, rule and
series names, routes, article numbers: "Art. 11(1) AMMR" stays "Art. 11(1) AMMR"). Each template's
French and German forms come from the Babel catalogues (the ``N_`` messages below, placeholders as
``%(name)s``). A group whose name starts with ``t_`` is itself translated with the same templates
(a line is translated only if every such part is); one whose name starts with ``en_`` (a source's
citation) is kept in English and marked ``lang="en"``. A line no template matches is shown in
English inside ``<span lang="en">`` (screen readers switch language): never mistranslated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup, escape

from eupact.web import i18n
from eupact.web.i18n import N_

NUM = r"[+-]?\d[\d,]*(?:\.\d+)?%?"  # a figure as the assessment writes it (English notation)
PERIOD = r"\d{4}(?:-\d{2})?(?:/\d{4}-\d{2})?"
TITLE = (
    r"(?P<t_title>irregular arrivals|sea arrivals|first-time applicants|temporary-protection "
    r"beneficiaries|(?:outgoing|incoming) Dublin (?:requests|transfers)|SAR disembarkations)"
)
CITATION = r"(?P<en_cite>.+)"


@dataclass(frozen=True)
class Template:
    pattern: re.Pattern[str]
    message: str | None  # None: the text is the same in every language (a period, a code)


def _t(pattern: str, message: str | None) -> Template:
    return Template(re.compile(pattern), message)


TEMPLATES: tuple[Template, ...] = (
    # -- what is the same in every language --
    _t(rf"{PERIOD}", None),
    _t(r"Art\. \d+\(\d+\)(?:, \d+\(\d+\))* AMMR", None),
    _t(
        r"(?P<first>Art\. \d+\(\d+\)(?:, \d+\(\d+\))*) and (?P<last>\d+\(\d+\)) AMMR",
        N_("%(first)s and %(last)s AMMR"),
    ),
    # -- the categories and the verdicts --
    _t(r"under migratory pressure", N_("under migratory pressure")),
    _t(r"at risk", N_("at risk of migratory pressure")),
    _t(r"at risk of migratory pressure", N_("at risk of migratory pressure")),
    _t(r"significant migratory situation", N_("significant migratory situation")),
    _t(r"facing a significant migratory situation", N_("facing a significant migratory situation")),
    _t(r"(?P<t_a>at risk) \+ (?P<t_b>significant migratory situation)", N_("%(t_a)s + %(t_b)s")),
    _t(r"none", N_("none of the three")),
    _t(r"undetermined \(lack of data\)", N_("undetermined (lack of data)")),
    _t(r"not bound \(Protocol No 22\)", N_("not bound (Protocol No 22)")),
    _t(
        r"not assessed: Denmark is not bound by the AMMR \(recital 90, Protocol No 22\)",
        N_("not assessed: Denmark is not bound by the AMMR (recital 90, Protocol No 22)"),
    ),
    _t(
        r"(?P<t_cat>under migratory pressure|at risk of migratory pressure|facing a significant "
        r"migratory situation) \((?P<t_art>Art\. [^:]+ AMMR)\): (?P<t_verdict>.+?)"
        r" — basis: (?P<t_basis>.+)",
        N_("%(t_cat)s (%(t_art)s): %(t_verdict)s — basis: %(t_basis)s"),
    ),
    _t(
        r"(?P<t_cat>under migratory pressure|at risk of migratory pressure|facing a significant "
        r"migratory situation) \((?P<t_art>Art\. [^:]+ AMMR)\): (?P<t_verdict>.+)",
        N_("%(t_cat)s (%(t_art)s): %(t_verdict)s"),
    ),
    _t(
        r"not assessed separately \(the state is under migratory pressure\)",
        N_("not assessed separately (the state is under migratory pressure)"),
    ),
    _t(r"YES \((?P<t_grounds>.+)\)", N_("YES (%(t_grounds)s)")),
    _t(r"(?P<t_a>by the .+ numbers); (?P<t_b>.+)", N_("%(t_a)s; %(t_b)s")),
    _t(r"score (?P<score>\d+) from (?P<n>\d+) rule\(s\)", N_("score %(score)s from %(n)s rule(s)")),
    _t(
        r"by the search and rescue \(Art\. 11\(3\)\) rule: recurring SAR disembarkations in "
        r"large numbers",
        N_(
            "by the search and rescue (Art. 11(3)) rule: recurring SAR disembarkations in large numbers"
        ),
    ),
    _t(
        r"the other rules: score (?P<score>\d+) of (?P<needed>\d+) needed",
        N_("the other rules: score %(score)s of %(needed)s needed"),
    ),
    _t(
        r"no \((?P<n>\d+) rule\(s\) with data, none fired\)",
        N_("no (%(n)s rule(s) with data, none fired)"),
    ),
    _t(
        r"UNDETERMINED for lack of data \((?P<n>\d+) rule\(s\) with data, none fired; too few to "
        r"conclude 'no'\)",
        N_(
            "UNDETERMINED for lack of data (%(n)s rule(s) with data, none fired; too few to conclude 'no')"
        ),
    ),
    _t(
        r"UNDETERMINED for lack of data \(no rule of this category has a figure\)",
        N_("UNDETERMINED for lack of data (no rule of this category has a figure)"),
    ),
    # -- the grounds of a finding of migratory pressure --
    _t(r"search and rescue \(Art\. 11\(3\)\)", N_("search and rescue (Art. 11(3))")),
    _t(r"(?P<t_a>search and rescue \(Art\. 11\(3\)\)); (?P<t_b>.+)", N_("%(t_a)s; %(t_b)s")),
    _t(r"disproportionate level of arrivals", N_("disproportionate level of arrivals")),
    _t(
        r"disproportionate level of applications for international protection \(arrivals: no "
        r"figure\)",
        N_(
            "disproportionate level of applications for international protection (arrivals: no figure)"
        ),
    ),
    _t(
        rf"disproportionate number of arrivals following search and rescue at sea \(sea arrivals "
        rf"(?P<sea>{NUM}) are (?P<share>{NUM}) of arrivals, at least (?P<least>[\d/]+) — sea "
        r"arrivals stand in for SAR disembarkations, of which the data hold no figure, so the "
        r"Art\. 11\(3\) rule itself is undetermined\)",
        N_(
            "disproportionate number of arrivals following search and rescue at sea (sea arrivals "
            "%(sea)s are %(share)s of arrivals, at least %(least)s — sea arrivals stand in for SAR "
            "disembarkations, of which the data hold no figure, so the Art. 11(3) rule itself is "
            "undetermined)"
        ),
    ),
    _t(
        r"disproportionate obligations \((?P<rules>[a-z_, ]+)\)",
        N_("disproportionate obligations (%(rules)s)"),
    ),
    # -- each rule's outcome: "  · <body> [<rule>, <article>, as read by eupact's methodology]" --
    _t(
        r"\s*· (?P<t_body>.+) \[(?P<t_where>[a-z_]+\.[a-z_]+, .+)\]",
        N_("· %(t_body)s [%(t_where)s]"),
    ),
    _t(
        r"(?P<rule>[a-z_]+\.[a-z_]+), (?P<t_art>Art\. .+ AMMR), as read by eupact's methodology",
        N_("%(rule)s, %(t_art)s, as read by eupact's methodology"),
    ),
    _t(
        r"(?P<rule>[a-z_]+\.[a-z_]+), (?P<t_art>Art\. .+ AMMR), as read by eupact's methodology; "
        r"(?P<param>[a-z_]+\.[a-z_]+ \d+)",
        N_("%(rule)s, %(t_art)s, as read by eupact's methodology; %(param)s"),
    ),
    _t(r"(?P<rule>[a-z_]+\.[a-z_]+), (?P<t_art>Art\. .+ AMMR)", N_("%(rule)s, %(t_art)s")),
    # the search-and-rescue rule of Art. 11(3), before the threshold's generic split
    _t(
        r"(?P<t_ground>search and rescue \(Art\. 11\(3\)\)): (?P<t_recurring>[^;]+(?:; no figure "
        r"for \d+ month\(s\): [^:]+)?: [a-z ]+); (?P<t_large>.+) → (?P<t_verdict>fires|does not "
        r"fire|UNDETERMINED \(lack of data\))",
        N_("%(t_ground)s: %(t_recurring)s; %(t_large)s → %(t_verdict)s"),
    ),
    _t(
        rf"no figure of disembarkations for any of the (?P<n>\d+) months of (?P<window>{PERIOD}): "
        r"recurrence undetermined",
        N_(
            "no figure of disembarkations for any of the %(n)s months of %(window)s: recurrence undetermined"
        ),
    ),
    _t(
        rf"disembarkations in (?P<found>\d+) of the (?P<n>\d+) months of (?P<window>{PERIOD}) "
        r"\(at least (?P<needed>\d+) needed for 'recurring'\): (?P<t_v>recurring|not recurring)",
        N_(
            "disembarkations in %(found)s of the %(n)s months of %(window)s (at least %(needed)s needed for 'recurring'): %(t_v)s"
        ),
    ),
    _t(r"recurring", N_("recurring")),
    _t(r"not recurring", N_("not recurring")),
    _t(r"UNDETERMINED \(lack of data\)", N_("UNDETERMINED (lack of data)")),
    _t(r"fires", N_("fires")),
    _t(r"does not fire", N_("does not fire")),
    # "<figure and comparison>; threshold <value>: met"
    _t(r"(?P<t_body>.+); (?P<t_threshold>threshold [^;]+)", N_("%(t_body)s; %(t_threshold)s")),
    _t(
        rf"threshold (?P<value>{NUM}|\d+/\d+|[+-]\d+%|[\d.]+ ×): met",
        N_("threshold %(value)s: met"),
    ),
    _t(
        rf"threshold (?P<value>{NUM}|\d+/\d+|[+-]\d+%|[\d.]+ ×): not met",
        N_("threshold %(value)s: not met"),
    ),
    _t(
        rf"threshold (?P<value>{NUM}|\d+/\d+) \((?P<pct>[+-]\d+%)\): fires",
        N_("threshold %(value)s (%(pct)s): fires"),
    ),
    _t(rf"threshold (?P<value>{NUM}|\d+/\d+): fires", N_("threshold %(value)s: fires")),
    _t(
        rf"threshold (?P<value>{NUM}|\d+/\d+): does not fire",
        N_("threshold %(value)s: does not fire"),
    ),
    # the figures and comparisons
    _t(
        r"route trend: no growth figure for no route assigned \(crossings of both years needed\)",
        N_("route trend: no growth figure for no route assigned (crossings of both years needed)"),
    ),
    _t(
        r"route trend: no growth figure for (?P<routes>.+) \(crossings of both years needed\)",
        N_("route trend: no growth figure for %(routes)s (crossings of both years needed)"),
    ),
    _t(
        rf"route trend: (?P<route>.+) (?P<n>{NUM}) crossings in (?P<year>\d{{4}}) vs "
        rf"(?P<before>{NUM}) in (?P<previous>\d{{4}}) = (?P<growth>{NUM})",
        N_(
            "route trend: %(route)s %(n)s crossings in %(year)s vs %(before)s in %(previous)s = %(growth)s"
        ),
    ),
    _t(
        rf"{TITLE}: (?P<value>{NUM}) \((?P<t_figure>.+)\) = (?P<share>{NUM}) of the EU's "
        rf"(?P<eu>{NUM}) → (?P<ratio>{NUM}) × its key share (?P<key>{NUM})",
        N_(
            "%(t_title)s: %(value)s (%(t_figure)s) = %(share)s of the EU's %(eu)s → %(ratio)s × its key share %(key)s"
        ),
    ),
    _t(
        rf"{TITLE}: (?P<value>{NUM}) \((?P<t_figure>.+)\) = (?P<rate>{NUM}) per 1,000 inhabitants "
        rf"vs the EU's (?P<eu>{NUM}) → (?P<ratio>{NUM}) × the EU average",
        N_(
            "%(t_title)s: %(value)s (%(t_figure)s) = %(rate)s per 1,000 inhabitants vs the EU's %(eu)s → %(ratio)s × the EU average"
        ),
    ),
    _t(
        rf"{TITLE}, cumulative: (?P<value>{NUM}) over (?P<periods>[\d, -]+) \((?P<n>\d+) of "
        rf"(?P<window>\d+) years\) = (?P<share>{NUM}) of the EU's (?P<eu>{NUM}) → "
        rf"(?P<ratio>{NUM}) × its key share (?P<key>{NUM})",
        N_(
            "%(t_title)s, cumulative: %(value)s over %(periods)s (%(n)s of %(window)s years) = %(share)s of the EU's %(eu)s → %(ratio)s × its key share %(key)s"
        ),
    ),
    _t(
        rf"{TITLE}, cumulative: (?P<value>{NUM}) over (?P<periods>[\d, -]+) \((?P<n>\d+) of "
        rf"(?P<window>\d+) years\) = (?P<share>{NUM}) of the EU's (?P<eu>{NUM}) → "
        rf"(?P<ratio>{NUM}) × its population share (?P<key>{NUM})",
        N_(
            "%(t_title)s, cumulative: %(value)s over %(periods)s (%(n)s of %(window)s years) = %(share)s of the EU's %(eu)s → %(ratio)s × its population share %(key)s"
        ),
    ),
    _t(
        rf"(?P<t_body>.+ in the series [a-z_, ]+); a secondary figure exists but is not used "
        rf"without --allow-secondary: (?P<value>{NUM}) \((?P<t_figure>.+)\)",
        N_(
            "%(t_body)s; a secondary figure exists but is not used without --allow-secondary: %(value)s (%(t_figure)s)"
        ),
    ),
    _t(
        rf"{TITLE} \((?P<measure>[a-z_]+)\): no figure for (?P<t_basis>.+) in the series "
        r"(?P<series>[a-z_, ]+)",
        N_("%(t_title)s (%(measure)s): no figure for %(t_basis)s in the series %(series)s"),
    ),
    _t(
        rf"{TITLE} \((?P<measure>[a-z_]+)\): no EU total to compare with for (?P<t_basis>.+) "
        r"\(the EU total is not held in (?P<series>[a-z_, ]+); the states' sum stands in only "
        r"when every state has a figure for the same period, lacking (?P<lacking>[A-Z ]+)\)",
        N_(
            "%(t_title)s (%(measure)s): no EU total to compare with for %(t_basis)s (the EU total is not held in %(series)s; the states' sum stands in only when every state has a figure for the same period, lacking %(lacking)s)"
        ),
    ),
    _t(
        rf"(?P<year>\d{{4}}) \(proxy for (?P<period>{PERIOD})\)",
        N_("%(year)s (proxy for %(period)s)"),
    ),
    _t(
        rf"end of (?P<period>{PERIOD}) \(latest figure from (?P<start>{PERIOD}) to "
        rf"(?P<end>{PERIOD})\)",
        N_("end of %(period)s (latest figure from %(start)s to %(end)s)"),
    ),
    # a figure's period and source, as the reasons cite it
    _t(rf"(?P<period>{PERIOD}), proxy", N_("%(period)s, proxy")),
    _t(
        rf"(?P<period>{PERIOD}); proxy: calendar year (?P<year>\d{{4}}) stands in for the "
        rf"reporting period (?P<window>{PERIOD}) \(assessment\.period\.calendar_year_proxy\); "
        + CITATION,
        N_(
            "%(period)s; proxy: calendar year %(year)s stands in for the reporting period %(window)s (assessment.period.calendar_year_proxy); %(en_cite)s"
        ),
    ),
    _t(
        rf"(?P<period>{PERIOD}); secondary \(a page quoting the figure\): " + CITATION,
        N_("%(period)s; secondary (a page quoting the figure): %(en_cite)s"),
    ),
    _t(rf"(?P<period>{PERIOD}); (?P<en_cite>Eurostat .+)", N_("%(period)s; %(en_cite)s")),
    _t(r"irregular arrivals", N_("irregular arrivals")),
    _t(r"sea arrivals", N_("sea arrivals")),
    _t(r"first-time applicants", N_("first-time applicants")),
    _t(r"temporary-protection beneficiaries", N_("temporary-protection beneficiaries")),
    _t(r"outgoing Dublin requests", N_("outgoing Dublin requests")),
    _t(r"incoming Dublin requests", N_("incoming Dublin requests")),
    _t(r"outgoing Dublin transfers", N_("outgoing Dublin transfers")),
    _t(r"incoming Dublin transfers", N_("incoming Dublin transfers")),
    _t(r"SAR disembarkations", N_("SAR disembarkations")),
    _t(
        r"Rules resting on secondary figures \(pages\): (?P<rules>[a-z_., ]+)",
        N_("Rules resting on secondary figures (pages): %(rules)s"),
    ),
    _t(
        r"Rules resting on a user's import: (?P<rules>[a-z_., ]+)",
        N_("Rules resting on a user's import: %(rules)s"),
    ),
    # -- the rules an error page names --
    _t(
        r"(?P<t_rule>.+); (?P<t_hint>Greece is EL in Eurostat geo codes)",
        N_("%(t_rule)s; %(t_hint)s"),
    ),
    _t(r"Greece is EL in Eurostat geo codes", N_("Greece is EL in Eurostat geo codes")),
    _t(
        r"not a Member State's code; the codes are (?P<codes>[A-Z ]+)",
        N_("not a Member State's code; the codes are %(codes)s"),
    ),
    _t(
        r"unknown Member State \(use Eurostat geo codes; EL = Greece\)",
        N_("unknown Member State (use Eurostat geo codes; EL = Greece)"),
    ),
    _t(
        r"a Member State's code, e\.g\. (?P<code>[A-Z]{2})",
        N_("a Member State's code, e.g. %(code)s"),
    ),
    _t(r"at most (?P<n>[\d,]+) characters", N_("at most %(n)s characters")),
    _t(
        r"at most (?P<n>[\d,]+) characters: no figure needs more",
        N_("at most %(n)s characters: no figure needs more"),
    ),
    _t(r"must be text", N_("must be text")),
    _t(r"a finite number", N_("a finite number")),
    _t(r"one line of text: no line breaks or tabs", N_("one line of text: no line breaks or tabs")),
    _t(r"a real calendar date written YYYY-MM-DD", N_("a real calendar date written YYYY-MM-DD")),
    _t(r"a date, e\.g\. (?P<date>\d{4}-\d{2}-\d{2})", N_("a date, e.g. %(date)s")),
    _t(r"one of (?P<choices>[\w.,\- ]+)", N_("one of %(choices)s")),
)


def _english(text: str) -> Markup:
    return Markup('<span lang="en">%s</span>') % text


@cache
def _translated(text: str, lang: str) -> Markup | None:
    """``text`` in ``lang`` with its kept parts escaped, or None when a part matches no template."""
    gettext = i18n.translations(lang).gettext
    for template in TEMPLATES:
        found = template.pattern.fullmatch(text)
        if found is None:
            continue
        if template.message is None:
            return escape(text)
        parts: dict[str, Markup] = {}
        for name, value in found.groupdict().items():
            if name.startswith("t_"):
                inner = _translated(value, lang)
                if inner is None:
                    break
                parts[name] = inner
            elif name.startswith("en_"):
                parts[name] = _english(value)
            else:
                parts[name] = escape(value)
        else:
            return escape(gettext(template.message)) % parts
    return None


def translate(text: str, lang: str) -> Markup | None:
    """``text`` translated into ``lang`` (escaped), or None when no template matches it."""
    if lang == i18n.DEFAULT or lang not in i18n.LANGUAGES:
        return escape(text)
    return _translated(text.strip(), lang)


def shown(text: object, lang: str) -> Markup:
    """What a page shows for a generated English ``text``: its translation, or the English
    marked ``lang="en"`` when no template matches it."""
    line = str(text)
    translated = translate(line, lang)
    if translated is None:
        return _english(line)
    return translated
