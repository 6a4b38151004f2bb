"""Cycles: open a pool year, move it on, reconvene the Forum (Art. 7-13, 57 AMMR)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from eupact.api.deps import Key, Service, Who, YearPath, perm
from eupact.api.requests import CycleIn, ReconveneIn, TransitionIn, to_vote
from eupact.api.schemas import CycleOut

router = APIRouter(prefix="/cycles", tags=["cycle"])


@router.get("", response_model=list[CycleOut], openapi_extra=perm("cycle.read"))
def list_cycles(service: Service, who: Who) -> Any:
    """Every cycle with its phase and legal calendar."""
    return [c.as_dict() for c in service.list_cycles(who)]


@router.post("", status_code=201, response_model=CycleOut, openapi_extra=perm("cycle.create"))
def create_cycle(service: Service, body: CycleIn, who: Who, key: Key = None) -> Any:
    """Open the cycle that prepares the pool for ``year`` (Commission)."""
    return service.create_cycle(who, body.year, key).as_dict()


@router.get("/{year}", response_model=CycleOut, openapi_extra=perm("cycle.read"))
def get_cycle(service: Service, year: YearPath, who: Who) -> Any:
    """Phase and calendar: each legal deadline, when it was met, what is late."""
    return service.get_cycle(who, year).as_dict()


@router.post("/{year}/transitions", response_model=CycleOut, openapi_extra=perm("cycle.transition"))
def transition(
    service: Service,
    year: YearPath,
    body: TransitionIn,
    who: Who,
    response: Response,
    key: Key = None,
) -> Any:
    """Move the cycle on (who may take which step is in the state machine)."""
    record = service.transition(who, year, body.action, body.on, key, to_vote(body.vote))
    response.headers["ETag"] = f'"{record.version}"'
    return record.as_dict()


@router.post(
    "/{year}/forum/reconvene",
    response_model=CycleOut,
    openapi_extra=perm("cycle.reconvene_forum"),
)
def reconvene(
    service: Service,
    year: YearPath,
    who: Who,
    body: Annotated[ReconveneIn, Body(default_factory=ReconveneIn)],  # optional: no vote
    key: Key = None,
) -> Any:
    """Art. 13(4): the Council reconvenes the High-Level Forum to ask for additional pledges
    (open until it closes the exercise); an optional vote is checked (simple majority)."""
    return service.reconvene_forum(who, year, key, to_vote(body.vote)).as_dict()


@router.post(
    "/{year}/forum/close",
    response_model=CycleOut,
    openapi_extra=perm("cycle.reconvene_forum"),
)
def close_reconvened(service: Service, year: YearPath, who: Who, key: Key = None) -> Any:
    """Art. 13(4), 57(1): the Council closes the reconvened Forum's pledging exercise; the test
    of Art. 63(3) runs on the pledges after it."""
    return service.close_reconvened_pledging(who, year, key).as_dict()
