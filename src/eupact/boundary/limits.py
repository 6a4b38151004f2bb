"""How much input the boundary reads: characters, list lengths, ids.

These are not legal values either. A number longer than :data:`MAX_NUMBER_CHARS` characters is
refused before it is converted (``1e1000000`` once cost 30 s of CPU in ``int(Decimal(...))``);
free text is bounded so that a note cannot fill a database or a page. The bounds on amounts
(persons, euros) are :mod:`eupact.pool.limits`', re-exported here so that the boundary's models
and the pool's rules cannot disagree.
"""

from __future__ import annotations

from eupact.pool.limits import MAX_EUR, MAX_PERSONS

# "10 000 000 000 000,00" written with spaces is 21 characters; twice that leaves room for odd
# spacing, and no number of eupact's needs more.
MAX_NUMBER_CHARS = 40
EUR_DECIMALS = 2  # cents: the Council act and the Union budget count no finer
# An offsets request names applications, far fewer than the persons pledged in a year (the
# 2026 pool holds 21 000 relocations); the API has refused more than this since its first version.
MAX_APPLICATIONS = 1_000_000
MAX_NOTE = 2_000  # a pledge's note
MAX_REASONS = 10_000  # a deduction request's reasons, an assessment
MAX_OFFSET_CASES = (
    1_000  # applications identified in one offsets reply (a request body stays < 64 KiB)
)
MAX_LABEL = 200  # a token's label, a council act's reference, an applicant's id
MAX_STATES = 27  # a list of Member States: there are 27
MAX_ID = 2**31 - 1  # a database id (PostgreSQL integer)
MAX_OFFSET = 10_000_000  # a page offset: beyond the longest audit log eupact keeps
MAX_VERSION = 2**31 - 1  # a pledge's version (ETag)

__all__ = [
    "EUR_DECIMALS",
    "MAX_APPLICATIONS",
    "MAX_EUR",
    "MAX_ID",
    "MAX_LABEL",
    "MAX_NOTE",
    "MAX_NUMBER_CHARS",
    "MAX_OFFSET",
    "MAX_PERSONS",
    "MAX_REASONS",
    "MAX_STATES",
    "MAX_VERSION",
]
