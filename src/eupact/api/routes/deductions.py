"""Deductions (Art. 61, 62 AMMR): requests, the Commission's assessment, the Council's act."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from eupact.api.deps import Format, IdPath, Key, Limit, Offset, Service, Who, YearPath, perm
from eupact.api.exports import page_of
from eupact.api.requests import AssessmentIn, DeductionDecisionIn, DeductionIn, to_vote
from eupact.api.schemas import DeductionOut, DeductionPage

router = APIRouter(prefix="/cycles/{year}/deductions", tags=["deductions"])


@router.get("", response_model=DeductionPage, openapi_extra=perm("deduction.list"))
def list_deductions(
    service: Service,
    year: YearPath,
    who: Who,
    offset: Offset = 0,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """Deduction requests and decisions (Art. 61, 62)."""
    return page_of(service.list_deductions(who, year), offset, limit, format, "deductions")


@router.post(
    "", status_code=201, response_model=DeductionOut, openapi_extra=perm("deduction.request")
)
def request_deduction(
    service: Service, year: YearPath, body: DeductionIn, who: Who, key: Key = None
) -> Any:
    """A Member State requests a full or partial deduction (Art. 61(1), 62(1))."""
    return service.request_deduction(who, year, body.to_domain(), body.reasons, key).as_dict()


@router.post(
    "/{deduction_id}/assessment",
    response_model=DeductionOut,
    openapi_extra=perm("deduction.assess"),
)
def assess(
    service: Service,
    year: YearPath,
    deduction_id: IdPath,
    body: AssessmentIn,
    who: Who,
    key: Key = None,
) -> Any:
    """The Commission's assessment to the Council, within four weeks (Art. 61(3), 62(4))."""
    return service.assess_deduction(who, year, deduction_id, body.to_domain(), key).as_dict()


@router.post(
    "/{deduction_id}/decision",
    response_model=DeductionOut,
    openapi_extra=perm("deduction.decide"),
)
def decide(
    service: Service,
    year: YearPath,
    deduction_id: IdPath,
    body: DeductionDecisionIn,
    who: Who,
    key: Key = None,
) -> Any:
    """The Council's implementing act grants or refuses it (Art. 61(4), 62(5)); a recorded
    vote is checked against the qualified majority and kept in the audit."""
    granted, act = body.to_domain()
    record = service.decide_deduction(
        who, year, deduction_id, granted, act, key, to_vote(body.vote)
    )
    return record.as_dict()
