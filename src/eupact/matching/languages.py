"""Official languages of the Member States (ISO 639-1 codes), for the outcome model.

Data, not law: the national official languages as listed on each state's page of the EU's
official website (european-union.europa.eu, "Country profiles"), co-official regional languages
left out except where they are official nation-wide (Irish in Ireland, Luxembourgish, Maltese,
Turkish in Cyprus, Swedish in Finland). A state's profile may give other languages for matching
(e.g. English as a working language), which then replace these.

The keys, in Eurostat geo code order, are also the universe of state codes a matching input may
name (``GEO``); Greece is ``EL``.
"""

from __future__ import annotations

OFFICIAL_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("de",),
    "BE": ("nl", "fr", "de"),
    "BG": ("bg",),
    "CY": ("el", "tr"),
    "CZ": ("cs",),
    "DE": ("de",),
    "DK": ("da",),
    "EE": ("et",),
    "EL": ("el",),
    "ES": ("es",),
    "FI": ("fi", "sv"),
    "FR": ("fr",),
    "HR": ("hr",),
    "HU": ("hu",),
    "IE": ("en", "ga"),
    "IT": ("it",),
    "LT": ("lt",),
    "LU": ("lb", "fr", "de"),
    "LV": ("lv",),
    "MT": ("mt", "en"),
    "NL": ("nl",),
    "PL": ("pl",),
    "PT": ("pt",),
    "RO": ("ro",),
    "SE": ("sv",),
    "SI": ("sl",),
    "SK": ("sk",),
}

GEO: tuple[str, ...] = tuple(OFFICIAL_LANGUAGES)
"""Every Member State's geo code; indices into this tuple are how tables store states."""

GEO_INDEX: dict[str, int] = {geo: i for i, geo in enumerate(GEO)}

COMMON_MISTAKES: dict[str, str] = {
    "GR": "Greece is EL in Eurostat geo codes",
    "UK": "the United Kingdom is not a Member State",
    "GB": "the United Kingdom is not a Member State",
}
