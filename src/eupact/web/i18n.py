"""Languages of the dashboard: English (the source), French and German.

Messages live in Babel/gettext catalogues (``web/locale/<lang>/LC_MESSAGES/messages.po``), read at
first use and compiled in memory (no compiled ``.mo`` files to keep in step). State names come
from the CLDR data Babel ships, so every state is named in every language without our own list.
``eupact.web.i18n.extract()`` regenerates the template (``messages.pot``) and merges it into the
catalogues; a test fails if a message has no French or German translation.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "de": "Deutsch"}
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
# Eurostat's geo codes that differ from ISO 3166 (CLDR is keyed by ISO).
ISO_TERRITORY = {"EL": "GR", "UK": "GB"}


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def negotiate(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page's language: ``?lang=``, then the remembered choice, then the browser's."""
    for choice in (asked, cookie):
        if choice in LANGUAGES:
            return choice
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT


@cache
def state_names(lang: str) -> Mapping[str, str]:
    """Eurostat geo code → the state's name in ``lang`` (CLDR)."""
    territories = Locale.parse(lang).territories
    names = {code: name for code, name in territories.items() if len(code) == 2}
    for geo, iso in ISO_TERRITORY.items():
        names[geo] = territories[iso]
    return names


def state_name(geo: str, lang: str) -> str:
    return state_names(lang).get(geo, geo)


def number(value: object, lang: str, decimals: int = 0) -> str:
    """A figure in the language's notation (1,234.5 / 1 234,5 / 1.234,5); blanks stay blank."""
    if value is None or str(value) == "":  # also Jinja's Undefined (a column not shown)
        return "–"
    amount = Decimal(str(value))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(amount, format=pattern, locale=lang, decimal_quantization=True)


def extract() -> None:  # pragma: no cover - a maintainer's tool (python -m eupact.web.i18n)
    """Regenerate messages.pot from the templates and the Python sources; merge into the .po."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    root = Path(__file__).parent
    template = Catalog(project="eupact", msgid_bugs_address="")
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for filename, lineno, message, comments, _ctx in extract_from_dir(
        str(root),
        method_map,
        options_map=options,
        keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments)
    with (LOCALE_DIR / "messages.pot").open("wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True)
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="eupact")
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, ignore_obsolete=True, width=100)


if __name__ == "__main__":  # pragma: no cover
    extract()
