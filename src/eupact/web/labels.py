"""The words the dashboard shows for the service's codes (phases, steps, roles, kinds, categories),
marked for translation. The service speaks English codes; only the web edge translates them.
"""

from __future__ import annotations

from eupact.web.i18n import N_

PHASES: dict[str, str] = {
    "opened": N_("Cycle opened"),
    "report_adopted": N_("Annual report adopted"),
    "decision_adopted": N_("Decision on migratory pressure adopted"),
    "proposal_adopted": N_("Pool proposal adopted (restricted)"),
    "forum_convened": N_("High-Level Forum convened"),
    "pledging_open": N_("Pledging open"),
    "pledging_closed": N_("Pledging closed"),
    "council_act_adopted": N_("Council implementing act adopted"),
    "implementation": N_("Implementation"),
    "closed": N_("Year closed"),
}

STEPS: dict[str, str] = {
    "Art. 10 information provided by the Member States and agencies": N_(
        "Art. 10 information provided by the Member States and agencies"
    ),
    "Initial assessment presented (EU migration preparedness and crisis mechanism)": N_(
        "Initial assessment presented (EU migration preparedness and crisis mechanism)"
    ),
    "Updated information provided": N_("Updated information provided"),
    "Consolidated assessment presented (EU migration preparedness and crisis mechanism)": N_(
        "Consolidated assessment presented (EU migration preparedness and crisis mechanism)"
    ),
    "Technical-Level Forum: first meeting": N_("Technical-Level Forum: first meeting"),
    "European Annual Asylum and Migration Report": N_(
        "European Annual Asylum and Migration Report"
    ),
    "Decision on migratory pressure": N_("Decision on migratory pressure"),
    "Proposal for the Annual Solidarity Pool": N_("Proposal for the Annual Solidarity Pool"),
    "High-Level Forum convened": N_("High-Level Forum convened"),
    "Council implementing act (before the end of the year)": N_(
        "Council implementing act (before the end of the year)"
    ),
    "Non-financial pledges implemented": N_("Non-financial pledges implemented"),
    "States confirm what they implemented": N_("States confirm what they implemented"),
}

ROLES: dict[str, str] = {
    "commission": N_("European Commission"),
    "council": N_("Council presidency"),
    "coordinator": N_("EU Solidarity Coordinator"),
    "member_state": N_("Member State"),
    "observer": N_("Observer (published data only)"),
}

KINDS: dict[str, str] = {
    "relocation": N_("Relocation"),
    "financial": N_("Financial contribution"),
    "alternative": N_("Alternative solidarity measure"),
}

CATEGORIES: dict[str, str] = {
    "under migratory pressure": N_("under migratory pressure"),
    "at risk": N_("at risk of migratory pressure"),
    "significant migratory situation": N_("significant migratory situation"),
    "at risk + significant migratory situation": N_(
        "at risk of migratory pressure + significant migratory situation"
    ),
    "none": N_("none of the three"),
    "undetermined (lack of data)": N_("undetermined (lack of data)"),
    "not bound (Protocol No 22)": N_("not bound (Protocol No 22)"),
}

# How eupact's recomputation compares with the Commission's decision (Art. 11(4)); the codes of
# eupact.assessment.classify.DecisionComparison.status.
COMPARISONS: dict[str, str] = {
    "match": N_("same categories"),
    "consistent": N_("consistent: what the data allow to determine matches"),
    "mismatch": N_("differs"),
    "undetermined": N_("undetermined (lack of data)"),
    "not bound": N_("not bound (Protocol No 22)"),
}

STATE_ROLES: dict[str, str] = {
    "contributing": N_("contributing"),
    "benefitting": N_("benefitting"),
}

STATUSES: dict[str, str] = {
    "requested": N_("requested"),
    "assessed": N_("assessed"),
    "granted": N_("granted"),
    "refused": N_("refused"),
    "pending": N_("pending"),
    "accepted": N_("accepted"),
    "partly accepted": N_("partly accepted"),
    "declined": N_("declined"),
    "owed": N_("owed (Art. 63(3))"),
    "identified": N_("identified (Art. 63(6))"),
}

OFFSETS: dict[str, str] = {
    "obligatory": N_("obligatory (Art. 63(3))"),
    "triggered, pending the reconvened Forum": N_("triggered, pending the reconvened Forum"),
    "not triggered": N_("not triggered"),
}

# Why a state need not implement its pledges this year (Art. 60(3)): its balance is no deficit.
EXEMPTIONS: dict[str, str] = {
    "benefitting": N_("exempt: benefitting (Art. 60(3))"),
    "full deduction": N_("exempt: full deduction (Art. 60(3))"),
}

# The year-end deadline's status of a type of pledge (Art. 60(3), 65(3), 67(12); the codes of
# eupact.pool.monitoring.DeadlineStatus).
DEADLINES: dict[str, str] = {
    "not applicable": N_("not applicable"),
    "due": N_("to be implemented by the deadline"),
    "met": N_("met"),
    "carrying over": N_("carrying over (Art. 65(3), 67(12))"),
    "missed": N_("missed"),
}

# Monthly series shown as sparklines: per family, the count first, else the rate; a rate is
# always shown per 1,000 inhabitants (the factor turns the series' own unit into that; None: a
# count of persons).
MONTHLY_SERIES: tuple[tuple[tuple[str, str, float | None], ...], ...] = (
    (
        ("asylum_applicants_first_time", N_("first-time asylum applicants"), None),
        (
            "asylum_applicants_first_time_per_100000",
            N_("first-time asylum applicants per 1,000 inhabitants"),
            0.01,
        ),
    ),
    (
        ("temporary_protection_beneficiaries", N_("beneficiaries of temporary protection"), None),
        (
            "temporary_protection_beneficiaries_per_1000",
            N_("beneficiaries of temporary protection per 1,000 inhabitants"),
            1,
        ),
    ),
)

# The service's rules shown as notices in the workspace (keys: phases.py's constants; a test
# keeps them equal, so a changed rule cannot silently lose its translation).
RULES: tuple[str, ...] = (
    N_("pledges are made during the High-Level Forum's pledging exercise (Art. 13(3), 57(3) AMMR)"),
    N_(
        "a deduction is requested of contributions set out in the Council implementing act "
        "(Art. 61(1), 62(1) AMMR): only after the act and before the year is closed"
    ),
)

#: The classes of source of a figure (docs/data.md, "Source classes").
SOURCE_CLASSES = {
    "primary": N_("primary"),
    "secondary": N_("secondary"),
    "user": N_("user"),
}

# The items of the pool's totals (eupact.reports.tables.totals_table), as the What-if page shows
# them; an item not listed (one naming states) is shown in English.
TOTALS: dict[str, str] = {
    "reference number: relocations (Art. 57(1))": N_("reference number: relocations (Art. 57(1))"),
    "reference number: financial contributions, EUR (Art. 57(1))": N_(
        "reference number: financial contributions, EUR (Art. 57(1))"
    ),
    "pledged relocations": N_("pledged relocations"),
    "pledged financial contributions, EUR (incl. converted alternative measures)": N_(
        "pledged financial contributions, EUR (incl. converted alternative measures)"
    ),
    "pledged alternative measures, EUR (requested by a benefitting state)": N_(
        "pledged alternative measures, EUR (requested by a benefitting state)"
    ),
    "pledged in total, EUR-equivalent": N_("pledged in total, EUR-equivalent"),
    "shortfall against the reference number, EUR-equivalent": N_(
        "shortfall against the reference number, EUR-equivalent"
    ),
    "pledged beyond the reference number, EUR-equivalent": N_(
        "pledged beyond the reference number, EUR-equivalent"
    ),
    "relocations short of the reference number": N_("relocations short of the reference number"),
    "granted deductions, EUR-equivalent (Art. 61, 62)": N_(
        "granted deductions, EUR-equivalent (Art. 61, 62)"
    ),
    "to implement after deductions and exemptions, EUR-equivalent (Art. 60(3))": N_(
        "to implement after deductions and exemptions, EUR-equivalent (Art. 60(3))"
    ),
    "relocations to implement": N_("relocations to implement"),
    "offsets may be requested by benefitting states (Art. 63(1))": N_(
        "offsets may be requested by benefitting states (Art. 63(1))"
    ),
    "released toward benefitting states with systemic shortcomings, EUR-equivalent (Art. 60(3))": N_(
        "released toward benefitting states with systemic shortcomings, EUR-equivalent (Art. 60(3))"
    ),
    "benefitting Member States (Art. 58(1), 59(4))": N_(
        "benefitting Member States (Art. 58(1), 59(4))"
    ),
    "obligatory offsets triggered (Art. 63(3)-(4))": N_(
        "obligatory offsets triggered (Art. 63(3)-(4))"
    ),
    "obligatory offsets apply (Art. 63(3)-(4))": N_("obligatory offsets apply (Art. 63(3)-(4))"),
    "High-Level Forum reconvened (Art. 13(4))": N_("High-Level Forum reconvened (Art. 13(4))"),
    "offsets: higher of the two numbers (Art. 63(3))": N_(
        "offsets: higher of the two numbers (Art. 63(3))"
    ),
    "offsets obliged in total (Art. 63(3), (7))": N_("offsets obliged in total (Art. 63(3), (7))"),
    "offsets released toward states with systemic shortcomings (Art. 60(3))": N_(
        "offsets released toward states with systemic shortcomings (Art. 60(3))"
    ),
    "gap not covered because of the fair-share ceiling (Art. 63(7))": N_(
        "gap not covered because of the fair-share ceiling (Art. 63(7))"
    ),
    "indicative SAR share (Art. 57(2))": N_("indicative SAR share (Art. 57(2))"),
    "SAR part: relocations": N_("SAR part: relocations"),
    "SAR part: EUR": N_("SAR part: EUR"),
}

# Why a person was, or was not, relocated (eupact.matching.result.Reason); the explanation itself
# is the result's own words, in English.
MATCH_REASONS: dict[str, str] = {
    "relocated": N_("relocated"),
    "not_eligible": N_("not eligible (Art. 56(2)(a)(ii), 67(4))"),
    "no_places_for_benefitting_state": N_("no place open to its benefitting state"),
    "excluded_everywhere": N_("excluded by every state with places"),
    "no_capacity_left": N_("no capacity left"),
    "unit_too_large_for_places_left": N_("family larger than the places left (Art. 67(6))"),
    "balance_rule": N_("balance among benefitting states (Art. 60(1)-(2))"),
    "left_out_within_gap": N_("left out within the optimality gap"),
}

__all__ = [
    "CATEGORIES",
    "COMPARISONS",
    "DEADLINES",
    "EXEMPTIONS",
    "KINDS",
    "MATCH_REASONS",
    "MONTHLY_SERIES",
    "OFFSETS",
    "PHASES",
    "ROLES",
    "SOURCE_CLASSES",
    "STATE_ROLES",
    "STATUSES",
    "STEPS",
    "TOTALS",
]
