"""The dashboard's languages: the French and German catalogues are complete and keep every
placeholder, the template (messages.pot) is in step with the templates and Python sources, and
state names and figures follow each language's conventions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

from eupact.web import i18n

TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
WEB_DIR = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[a-z]")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _template() -> Catalog:
    return _read(i18n.LOCALE_DIR / "messages.pot")


def _catalog(lang: str) -> Catalog:
    return _read(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", locale=lang)


def _messages(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _variants(text: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if text is None:
        return ()
    return text if isinstance(text, tuple) else (text,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_every_language_is_offered() -> None:
    assert set(TRANSLATED) == {"fr", "de"}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_of_the_template_is_translated(lang: str) -> None:
    catalog = _catalog(lang)
    untranslated = []
    for message in _messages(_template()):
        entry = catalog.get(message.id)
        strings = _variants(entry.string) if entry is not None else ()
        if not strings or not all(s.strip() for s in strings):
            untranslated.append(message.id)
    assert untranslated == [], f"{lang}: run `python -m eupact.web.i18n` and translate these"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_translation_is_fuzzy(lang: str) -> None:
    catalog = _catalog(lang)
    assert not catalog.fuzzy, f"{lang}: the catalogue header is marked fuzzy"
    fuzzy = [message.id for message in _messages(catalog) if message.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders_and_percent_signs(lang: str) -> None:
    problems = []
    for message in _messages(_catalog(lang)):
        ids = _variants(message.id)
        for string in _variants(message.string):
            if not string:
                continue
            wanted = set().union(*(_placeholders(i) for i in ids))
            if _placeholders(string) != wanted:
                problems.append((message.id, "placeholders", string))
            if string.count("%%") != ids[0].count("%%"):
                problems.append((message.id, "%%", string))
    assert problems == []


def test_the_template_is_up_to_date_with_the_sources() -> None:
    """Every message of the templates and the Python sources is in messages.pot; a message added
    without re-running ``python -m eupact.web.i18n`` fails here (the same extraction as there)."""
    template = _template()
    extracted = [
        (message, filename, lineno)
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(WEB_DIR),
            [("templates/**.html", "jinja2"), ("**.py", "python")],
            options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
        )
    ]
    assert len(extracted) > 100
    missing = [(f"{f}:{n}", m) for m, f, n in extracted if m not in template]
    assert missing == [], "run `python -m eupact.web.i18n`, then translate the new messages"


def test_french_catalogue_is_used() -> None:
    assert i18n.translations("fr").gettext("Downloads") == "Téléchargements"
    assert i18n.translations("de").gettext("Downloads") == "Downloads"
    assert i18n.translations("de").gettext("Fair share") == "Gerechter Anteil"
    assert i18n.translations("en").gettext("Downloads") == "Downloads"


def test_templates_render_percent_signs_and_placeholders() -> None:
    """Newstyle gettext %-formats every message: ``%%`` shows as one percent sign."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_translations(i18n.translations("fr"), newstyle=True)  # type: ignore[attr-defined]
    page = env.from_string('{{ _("Key share %%") }} | {{ _("%(days)s days late", days=3) }}')
    assert page.render() == "Part selon la clé, % | 3 jours de retard"


def test_state_names_come_from_cldr() -> None:
    assert i18n.state_name("DE", "fr") == "Allemagne"
    assert i18n.state_name("EL", "de") == "Griechenland"
    assert i18n.state_name("EL", "en") == "Greece"
    assert i18n.state_name("XX", "fr") == "XX"


def test_numbers_follow_the_language() -> None:
    assert i18n.number(1234.5, "fr", 1) in {"1\u202f234,5", "1\u00a0234,5"}
    assert i18n.number(1234.5, "de", 1) == "1.234,5"
    assert i18n.number(1234.5, "en", 1) == "1,234.5"
    assert i18n.number(None, "fr") == "–"


def test_language_negotiation() -> None:
    assert i18n.negotiate(None, None, "de-DE,de;q=0.9") == "de"
    assert i18n.negotiate("fr", "de", "de-DE") == "fr"
    assert i18n.negotiate(None, "de", "fr-FR") == "de"
    assert i18n.negotiate("xx", None, "it-IT,es;q=0.8") == "en"


def test_translated_rules_are_the_services_rules() -> None:
    """The workspace translates the service's phase rules by their English text: if a rule in
    phases.py changes, its catalogue entry must change with it."""
    from eupact.cycle.phases import DEDUCTION_RULE, PLEDGE_RULE
    from eupact.web.labels import RULES

    assert set(RULES) == {PLEDGE_RULE, DEDUCTION_RULE}
    for rule in RULES:
        assert i18n.translations("de").gettext(rule) != rule
