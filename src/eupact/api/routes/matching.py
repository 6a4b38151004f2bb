"""Relocation matching (Art. 67 AMMR): optimal, explained; nothing is stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from eupact.api.deps import Service, Who, YearPath, perm
from eupact.api.requests import MatchIn
from eupact.api.schemas import MatchingOut

router = APIRouter(prefix="/cycles/{year}", tags=["matching"])


@router.post("/matching", response_model=MatchingOut, openapi_extra=perm("matching.run"))
def run_matching(service: Service, year: YearPath, body: MatchIn, who: Who) -> Any:
    """Match applicants to pledged places (Art. 67): optimal, explained; nothing is stored."""
    applicants, places = body.to_domain()
    result = service.match(who, year, applicants, places, body.agreements())
    return {
        "summary": result.summary().as_dict(),
        "assignments": [e.as_dict() for e in result.explanations()],
    }
