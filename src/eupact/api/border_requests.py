"""The request bodies of the border procedure's routes (APR Arts. 47-50), with the examples the
OpenAPI document shows. Counts are bounded here (0 to 1,000,000 a month; JSON numbers only) and
checked again, with the series' rules, by the service (:mod:`eupact.cycle.service.border`),
which says what it refuses in words."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from eupact.api.dublin_requests import Day, Note, _text
from eupact.border.notifications import MAX_TEXT
from eupact.boundary import MAX_LABEL
from eupact.data.border_inputs import MAX_MONTHLY, MAX_YEARLY

Count = Annotated[StrictInt, Field(ge=0, le=MAX_MONTHLY)]
YearCount = Annotated[StrictInt, Field(ge=0, le=MAX_YEARLY)]
Month = Annotated[
    str,
    Field(
        min_length=7,
        max_length=10,
        pattern=r"^[0-9]{4}-[0-9]{2}(-01)?$",
        description="a calendar month: 2026-07 (or 2026-07-01)",
    ),
]
Days = Annotated[
    str | StrictInt | None,
    Field(
        default=None,
        description="average duration in days, at most two decimals (a string: '12.5')",
    ),
]
Geo = Annotated[str, Field(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")]
Ref = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Reference = Annotated[str, Field(max_length=MAX_LABEL), _text(MAX_LABEL)]
Reasoning = Annotated[str, Field(max_length=MAX_TEXT), _text(MAX_TEXT)]


class BorderWeekIn(BaseModel):
    """One week's inflow and outflow in the border procedures (Art. 49(4)(b) APR)."""

    model_config = ConfigDict(extra="forbid")
    week_start: Day = Field(description="the week's Monday")
    entered: Count
    left: Count


class BorderMonthIn(BaseModel):
    """A state's figures for one calendar month (APR Arts. 48(1), (3), 49(4), 50)."""

    model_config = ConfigDict(extra="forbid")
    month: Month
    asylum_border: Count = Field(
        description="applicants in the asylum border procedure at the month's end (Art. 48(1))"
    )
    return_border: Count = Field(
        description="persons in a return border procedure (Regulation (EU) 2024/1349, or the "
        "national equivalent) at the month's end (Art. 48(1))"
    )
    entered: Count = Field(description="persons who entered the border procedures in the month")
    left: Count = Field(description="persons who left the border procedures in the month")
    examined: Count = Field(
        description="applications examined in the border procedure in the month (Art. 50)"
    )
    staff: Count | None = Field(default=None, description="Art. 49(4)(c)")
    avg_admin_days: Days = Field(default=None, description="Art. 49(4)(d), in days")
    avg_appeal_days: Days = Field(default=None, description="Art. 49(4)(e), in days")
    weekly: list[BorderWeekIn] | None = Field(
        default=None, max_length=6, description="Art. 49(4)(b): each week of the month"
    )
    note: Note = ""


class BorderFiguresIn(BaseModel):
    """A Member State's figures for one or more months (its own: the token's state by default);
    a month already recorded is corrected (its next version, the earlier one kept)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "geo": "IT",
                    "months": [
                        {
                            "month": "2026-07",
                            "asylum_border": 5200,
                            "return_border": 1400,
                            "entered": 2100,
                            "left": 900,
                            "examined": 1800,
                            "staff": 310,
                            "avg_admin_days": "9.5",
                            "avg_appeal_days": "21",
                        }
                    ],
                }
            ]
        },
    )
    geo: Geo | None = None
    months: list[BorderMonthIn] = Field(min_length=1, max_length=36)


class BorderNotificationIn(BaseModel):
    """A Member State's notification to the Commission (its own): Art. 48(1) APR, adequate
    capacity reached, with the content of Art. 49(1) — (a) the number in the asylum and return
    border procedures at the time, (b) the measure, (c) the substantiated reasoning; or Art. 50,
    the annual maximum examined this calendar year (``examined``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "article": "48",
                    "notified_on": "2026-09-02",
                    "in_procedure": 8100,
                    "measure": "apply",
                    "reasoning": "the border facilities are full; the measure frees places "
                    "for the cases of Art. 42(1)(f)",
                },
                {"article": "50", "notified_on": "2026-11-20", "examined": 16100},
            ]
        },
    )
    article: Literal["48", "50"]
    notified_on: Day
    geo: Geo | None = None
    in_procedure: Count | None = Field(default=None, description="Art. 49(1)(a) (Art. 48)")
    examined: YearCount | None = Field(
        default=None, description="applications examined since 1 January (Art. 50)"
    )
    measure: Literal["apply", "continue"] | None = Field(
        default=None, description="Art. 49(1)(b): apply, or continue applying, the measure"
    )
    reasoning: Reasoning = Field(default="", description="Art. 49(1)(c)")
    other_measures: Note = Field(default="", description="Art. 49(1)(c), where applicable")
    with_ammr_notification: bool = Field(
        default=False, description="made within the Art. 58-59 AMMR notification (Art. 49(2))"
    )
    ref: Ref | None = Field(default=None, description="correcting an earlier notification")


class BorderCommissionActIn(BaseModel):
    """The Commission's verification of an Art. 50 notification (second paragraph) or its
    implementing act authorising the state (third paragraph; after a verification that found
    the maximum reached)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "notification_ref": "IT-50-2026-1",
                    "kind": "verification",
                    "act_date": "2026-11-27",
                    "outcome": "verified",
                },
                {
                    "notification_ref": "IT-50-2026-1",
                    "kind": "implementing_act",
                    "act_date": "2026-12-03",
                    "reference": "Commission Implementing Decision (EU) 2026/0000",
                },
            ]
        },
    )
    notification_ref: Ref
    kind: Literal["verification", "implementing_act"]
    act_date: Day
    outcome: Literal["verified", "not_verified", "authorised"] | None = None
    reference: Reference = Field(default="", description="the act's reference (required for one)")
    note: Note = ""
    ref: Ref | None = Field(default=None, description="correcting an earlier record")


class BorderCrossingsIn(BaseModel):
    """One state's figures for one calendar year (Art. 47(4) APR): empty is not known (never 0)."""

    model_config = ConfigDict(extra="forbid")
    geo: Geo
    year: int = Field(ge=2008, le=2100)
    irregular_crossings: YearCount | None = None
    sar_arrivals: YearCount | None = None
    refusals_of_entry: YearCount | None = None
    source: Reference = Field(min_length=1, description="where the figures come from")
    source_class: Literal["primary", "secondary", "user"] = "user"


class BorderCapacityInputsIn(BaseModel):
    """An inputs set for the adequate capacity (Art. 47(4)): each bound state's three years
    before the act's year; computed beside the recorded Decision (EU) 2024/2150."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "act_date": "2024-08-05",
                    "figures": [
                        {
                            "geo": "IT",
                            "year": 2021,
                            "irregular_crossings": 67000,
                            "sar_arrivals": 0,
                            "refusals_of_entry": 1500,
                            "source": "an example, not data",
                        }
                    ],
                }
            ]
        },
    )
    act_date: Day | None = Field(default=None, description="default: the act in force that year")
    year: int | None = Field(default=None, ge=2024, le=2100)
    figures: list[BorderCrossingsIn] = Field(min_length=1, max_length=27 * 10)


__all__ = [
    "BorderCapacityInputsIn",
    "BorderCommissionActIn",
    "BorderCrossingsIn",
    "BorderFiguresIn",
    "BorderMonthIn",
    "BorderNotificationIn",
    "BorderWeekIn",
]
