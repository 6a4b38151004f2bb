"""Monitoring implementation at a date (Art. 60(3), 60(6), 63(5), 65(3), 67(12) AMMR): per state
and type what is to be implemented and what was, the rate and proportion, the year-end deadline,
the 63(5) offsets after the year and the January confirmation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from eupact.api.deps import Service, Who, YearPath, perm
from eupact.api.schemas import MonitoringOut
from eupact.boundary.benefit import Day

router = APIRouter(prefix="/cycles/{year}", tags=["implementation"])

On = Annotated[
    Day | None,
    Query(description="The date implementation is checked as of, YYYY-MM-DD (default: today)"),
]


@router.get("/monitoring", response_model=MonitoringOut, openapi_extra=perm("monitoring.read"))
def monitoring(service: Service, year: YearPath, who: Who, on: On = None) -> Any:
    """Each state's implementation as of ``on``: to implement, implemented (carry-overs
    included), rate, behind proportion (60(3) second subparagraph), deadline status (60(3)),
    year-end offsets once the year is over (63(5)), confirmation (60(6)). Rates are exact
    fractions ("2/5"); amounts are persons for relocations, EUR otherwise. Before the Council
    act it answers as the outcome does (Art. 12(6))."""
    return service.monitoring(who, year, on).as_dict()
