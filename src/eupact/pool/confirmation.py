"""The yearly confirmation of what was implemented (Art. 60(6) AMMR): "Each year in January from
2025 and onwards, Member States shall confirm to the EU Solidarity Coordinator the levels of each
solidarity measure implemented during the preceding year." The month is the parameter
``implementation.confirmation_month``; :func:`confirmation` gives a state's status at a date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from eupact.errors import fail
from eupact.parameters import ParametersAt


class ConfirmationStatus(StrEnum):
    UPCOMING = "upcoming"  # the window has not opened
    DUE = "due"  # within the window, none received
    RECEIVED = "received"  # received within the window
    RECEIVED_LATE = "received late"
    LATE = "late"  # the window closed, none received


@dataclass(frozen=True)
class Confirmation:
    """The Art. 60(6) confirmation of one state for the year, at a date."""

    status: ConfirmationStatus
    opens: dt.date
    closes: dt.date
    received: dt.date | None


def confirmation(
    params: ParametersAt,
    year: int,
    as_of: dt.date,
    received: dt.date | None = None,
    state: str = "",
) -> Confirmation:
    """Art. 60(6): the confirmation of the levels implemented in ``year`` is due in the month
    ``implementation.confirmation_month`` of the following year. One received after ``as_of``
    is not yet known; one dated before the window cannot confirm a year not over."""
    month = int(params("implementation.confirmation_month"))
    opens = dt.date(year + 1, month, 1)
    closes = dt.date(year + 1, month, calendar.monthrange(year + 1, month)[1])
    if received is not None and received < opens:
        raise fail(
            f"confirmations.{state}" if state else "confirmed",
            received.isoformat(),
            f"Art. 60(6): the levels implemented during {year} are confirmed in "
            f"{calendar.month_name[month]} {year + 1}, not before {opens.isoformat()}",
            summary="confirmation refused",
        )
    if received is not None and received <= as_of:
        late = received > closes
        status = ConfirmationStatus.RECEIVED_LATE if late else ConfirmationStatus.RECEIVED
        return Confirmation(status, opens, closes, received)
    if as_of < opens:
        return Confirmation(ConfirmationStatus.UPCOMING, opens, closes, None)
    late = as_of > closes
    return Confirmation(
        ConfirmationStatus.LATE if late else ConfirmationStatus.DUE, opens, closes, None
    )
