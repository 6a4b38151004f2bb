"""The request body of the register's progress (issue 19 item 2), with the example the OpenAPI
document shows. The party, the obligation and the dates are checked by the service
(:mod:`eupact.cycle.service.register`), which says what it refuses in words."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from eupact.api.dublin_requests import Day, _text
from eupact.boundary import MAX_NOTE

Evidence = Annotated[str, Field(max_length=MAX_NOTE), _text(MAX_NOTE)]


class RegisterProgressIn(BaseModel):
    """A party's status on one obligation of the register: a Member State its own (the token's
    state by default), the Commission, the Council or the Coordinator theirs (the Commission
    also the agencies' and the European Parliament's)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "obligation_id": "register.ammr.7.national_strategies",
                    "status": "done",
                    "status_date": "2025-06-10",
                    "evidence": "https://example.org/national-strategy",
                }
            ]
        },
    )
    obligation_id: str = Field(min_length=1, max_length=128)
    party: str | None = Field(
        default=None,
        max_length=32,
        description="a Member State's geo code, or commission, council, coordinator, euaa, "
        "frontex, eu_lisa, fra, european_parliament, high_level_forum (default: the token's "
        "state, or the institution addressed)",
    )
    status: Literal["not_started", "in_progress", "done"]
    status_date: Day | None = Field(default=None, description="default: today (UTC)")
    due_on: Day | None = Field(
        default=None,
        description="the occurrence the status is about (a recurring duty: its date that "
        "year); default: the latest on or before status_date unless done, else the next",
    )
    evidence: Evidence = Field(
        default="", description="a link (http:// or https://) or a note; required when done"
    )


__all__ = ["RegisterProgressIn"]
