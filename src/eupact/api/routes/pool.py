"""The pool's figures: the Commission proposal (RESTREINT UE until the Council act, Art. 12(6))
and the outcome from the recorded pledges and deductions (Art. 57-63 AMMR)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from eupact.api.deps import Format, Service, Who, YearPath, perm
from eupact.api.exports import csv_response
from eupact.api.schemas import OutcomeOut, ProposalOut
from eupact.reports.documents import outcome_document, proposal_document

router = APIRouter(prefix="/cycles/{year}", tags=["pool"])


@router.get("/proposal", response_model=ProposalOut, openapi_extra=perm("proposal.read"))
def proposal(service: Service, year: YearPath, who: Who, format: Format = "json") -> Any:
    """The Commission proposal: RESTREINT UE until the Council act (Art. 12(6))."""
    body = proposal_document(service.proposal(who, year))
    return csv_response(body["rows"], "proposal") if format == "csv" else body


@router.get(
    "/outcome",
    response_model=OutcomeOut,
    response_model_exclude_none=True,
    openapi_extra=perm("outcome.read"),
)
def outcome(service: Service, year: YearPath, who: Who, format: Format = "json") -> Any:
    """The pool's outcome from the recorded pledges and deductions (Art. 57-63)."""
    read = service.outcome(who, year)
    body = outcome_document(read.outcome, read.own_state)
    return csv_response(body["rows"], "outcome") if format == "csv" else body
