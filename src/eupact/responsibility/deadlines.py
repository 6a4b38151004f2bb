"""The time limits of the procedure (Arts. 39–46, 51(5), 75) for one case: each as a date with its
article, the state that must act, whose calendar moves its last day (the ``holiday_calendar``
reading, AMBIG-30), whether it is open, met or missed on ``as_of``, and what follows if missed:

* take charge: the request (T6, or T7 after a Eurodac or VIS hit, AMBIG-19; extended under
  51(5)); the reply (T11, T12 after a hit, T13 urgent, T22 in detention) and acceptance by
  silence (40(8), AMBIG-21 for its date); a request sent late makes the registering state
  responsible (39(1) third subparagraph) except for an unaccompanied minor (fourth, AMBIG-7);
* take back: the notification (T14, no shift if late), the reply (T15, silence confirms);
* after acceptance or confirmation: the transfer decision (T16) and the transfer (T24), with the
  extensions for imprisonment (T25), absconding (T26) and reappearance (T27); a transfer not
  carried out in time makes the transferring state responsible (46(2), 37(1));
* detention: the shorter limits of Art. 45 (T21–T23), the person released if missed;
* a crisis or force majeure (Art. 12 CFMR, :mod:`.crisis`): the limits of a state a Council
  implementing decision authorises are the CFMR's (T6/T7, T11–T13, T14, T15, T24), and missing
  them makes it responsible (12(3)); transfers to it are suspended, its relief after a year
  (12(4)).
"""

from __future__ import annotations

import datetime as dt

from eupact.timelimits.periods import Unit

from .clock import Clock, Outcome, Shift
from .decision import Deadline, Status
from .model import Case, HitCategory, Request, RequestKind
from .rules import Length
from .trace import Trace

_ONE_DAY = dt.timedelta(days=1)


def _request(case: Case, kind: RequestKind, to_state: str) -> Request | None:
    found = [r for r in case.procedure.requests if r.kind is kind and r.to_state == to_state]
    return min(found, key=lambda r: r.sent_on) if found else None


def _detention_request(
    case: Case, c: Clock, registered: dt.date, acting: str, sent: dt.date | None
) -> None:
    """T21 (Art. 45(1)): a detained person's request within two weeks of the registration, or
    one week from a detention that started later; the person is released if it is missed."""
    r = c.t.rules
    until = sent or c.as_of
    for p in case.procedure.detention:
        if p.start > until or (p.end is not None and p.end < registered):
            continue
        if p.start <= registered:
            length, start, event = r.period("detention.request_weeks"), registered, "registration"
        else:
            length = r.period("detention.request_after_later_detention_weeks")
            start, event = p.start, "detention started"
        c.add(
            "T21",
            "send the request (person detained)",
            length,
            start,
            event,
            acting,
            "the person is released; Arts. 39, 41 and 46 still apply (45(4))",
            sent,
        )
        return


def humanitarian(case: Case, t: Trace) -> list[Deadline]:
    """T28: the reply to a request under the humanitarian clause (Art. 35(2)); no acceptance by
    silence and no consequence if late (AMBIG-18): an overdue reply is shown, nothing follows."""
    c = Clock(case, t)
    for q in case.procedure.requests:
        if q.kind is not RequestKind.HUMANITARIAN:
            continue
        d = c.add(
            "T28",
            f"{q.to_state} replies to the humanitarian request",
            t.rules.period("humanitarian.reply_months"),
            q.received_on or q.sent_on,
            "request received",
            q.to_state,
            "",
            q.reply.date if q.reply else None,
            other=q.from_state,
        )
        if d.status is Status.MISSED and q.reply is None:
            t.flag(
                "AMBIG-18",
                f"{q.to_state} did not reply by {d.due}: overdue, no acceptance by silence (35(2))",
            )
    return c.out


def _detained(case: Case, on: dt.date) -> bool:
    return any(p.start <= on and (p.end is None or p.end >= on) for p in case.procedure.detention)


def take_charge(
    case: Case,
    t: Trace,
    *,
    registered: dt.date,
    requesting: str,
    requested: str,
    article: str,
    unaccompanied: bool,
    no_decision_on_substance: bool,
) -> Outcome:
    """The take charge procedure from ``requesting`` (the determining state) to ``requested``."""
    r = t.rules
    c = Clock(case, t)
    base = r.period("take_charge.request_months")
    hit_len = r.period("take_charge.request_after_hit_months")
    eurodac = [
        h.received_on
        for h in case.eurodac_hits
        if h.category in (HitCategory.IRREGULAR_CROSSING, HitCategory.SAR)
    ]
    vis = [h.received_on for h in case.vis_hits]
    relied = (article.startswith("33") and eurodac) or (article.startswith("29") and vis)
    hits = sorted(eurodac + vis)
    req = _request(case, RequestKind.TAKE_CHARGE, requested)
    sent = req.sent_on if req else None
    general, _ = c.limit(registered, base, requesting)
    due, id_, start, start_event, length = general.due, "T6", registered, "registration", base
    base_end = general.period_end
    if hits:
        h = hits[0]
        after_hit, _ = c.limit(h, hit_len, requesting)
        policy = t.reading("take_charge.hit_deadline")
        if relied or policy == "earlier_always":
            if after_hit.due < general.due:
                due, id_, start, start_event, length = (
                    after_hit.due,
                    "T7",
                    h,
                    "Eurodac or VIS hit",
                    hit_len,
                )
                base_end = after_hit.period_end
            t.flag(
                "AMBIG-19",
                f"request limit: the earlier of {general.due} ({base.text()} from "
                f"registration) and {after_hit.due} ({hit_len.text()} from the hit)",
                "take_charge.hit_deadline",
            )
        else:
            t.flag(
                "AMBIG-19",
                f"a qualifying hit was received on {h}: a request resting on it "
                f"would be due by {after_hit.due}; this request rests on Art. {article}",
                "take_charge.hit_deadline",
            )
    crisis = c.derogated(
        "12(2)(a)", "its take charge request", requesting, registered, length, due=due
    )
    if crisis is not None:  # from registration, the hit's shorter limit included (recital 51)
        tl, _ = c.limit(registered, crisis.length, requesting)
        due, id_, start, start_event, length = (
            tl.due,
            "T6",
            registered,
            "registration",
            crisis.length,
        )
        base_end = tl.period_end
    extension = _withheld_delay(case, c, requested)
    if extension:
        t.step(
            "51(5)",
            f"{requested} withheld information showing its responsibility: the "
            f"request limit is extended by {extension.days} days",
        )
        # the delay lengthens the period; the end is then moved past a non-working day (75(d))
        longer, _ = c.limit(base_end, Length(extension.days, Unit.DAYS, "", ""), requesting)
        due = longer.due
    _detention_request(case, c, registered, requesting, sent)
    exception = unaccompanied and no_decision_on_substance
    if exception:
        t.reading("minor_deadline_exception")
        t.flag(
            "AMBIG-7",
            "an unaccompanied minor: the request may be sent after the limit, "
            "before a first decision on the substance, if in the best interests (39(1) "
            "fourth subparagraph)",
            "minor_deadline_exception",
        )
    shift_basis = "12(3) CFMR" if crisis else "39(1)"
    if_missed = (
        "the request may still be sent in the minor's best interests (39(1) fourth subparagraph)"
        if exception
        else f"{requesting}, where the application was registered, becomes responsible "
        + ("(12(3) CFMR)" if crisis else "(39(1) third subparagraph)")
    )
    d = c.add(
        id_,
        f"send the take charge request to {requested}",
        length,
        start,
        start_event,
        requesting,
        if_missed,
        sent,
        due=due,
        derogation=crisis,
    )
    out = Outcome(c.out)
    if d.status is Status.MISSED and not exception:
        out.shift = Shift(
            requesting, shift_basis, "38(3)(d)", f"the take charge request was not sent by {d.due}"
        )
        return out
    if d.status is not Status.MET and not (exception and req):
        return out
    assert req is not None
    received = req.received_on or req.sent_on
    reply_crisis = None
    if _detained(case, received):
        length, id_, what = r.period("detention.reply_weeks"), "T22", "reply (person detained)"
        _not_derogated(t, requested, "45(2)")
    elif req.urgent_period_days is not None:
        length, id_, what = (
            r.period("take_charge.urgent_reply_weeks"),
            "T13",
            "reply to the urgent request",
        )
        t.flag(
            "AMBIG-20",
            f"urgent request: {req.urgent_period_days} days requested; acceptance "
            "by silence after two weeks",
            "take_charge.urgent_deemed_acceptance",
        )
    elif req.based_on_hit or relied:  # 40(2): a request resting on the hit's data
        length, id_, what = (
            r.period("take_charge.reply_after_hit_weeks"),
            "T12",
            "reply (request on a Eurodac or VIS hit)",
        )
    else:
        length, id_, what = (
            r.period("take_charge.reply_months"),
            "T11",
            "reply to the take charge request",
        )
    if id_ != "T22":
        reply_crisis = c.derogated(
            "12(2)(b)",
            "its reply to the take charge request",
            requested,
            received,
            length,
            requesting,
        )
        length = reply_crisis.length if reply_crisis else length
    reply = req.reply
    rd = c.add(
        id_,
        what,
        length,
        received,
        "request received",
        requested,
        "silence is acceptance, including the duty to arrange the arrival (40(8))"
        + ("; responsibility lies with it (12(3) CFMR)" if reply_crisis else ""),
        reply.date if reply else None,
        other=requesting,
        derogation=reply_crisis,
    )
    if reply is not None and reply.date <= rd.due:
        if reply.kind == "refuse":
            t.flag(
                "manual:40(6)",
                f"{requested} refused on {reply.date}: re-examination or conciliation (Art. 55)",
            )
            if reply.fraud_after_issue:
                t.flag(
                    "AMBIG-12",
                    "the refusal rests on fraud after issue (29(5)): record it on "
                    "the document (fraud_after_issue_established) to pass over that state",
                )
            return out
        out.accepted_on = reply.date
    elif rd.status is Status.MISSED:
        out.accepted_on = _deemed(rd.due, t)
        t.step(
            "40(8)",
            f"{requested} did not reply by {rd.due}: acceptance by silence",
            accepted=out.accepted_on,
        )
        if reply_crisis is not None:
            t.step(
                "12(3) CFMR",
                f"{requested} missed the limit of 12(2)(b) CFMR: responsibility lies with it",
                state=requested,
            )
    else:
        return out
    transfer(case, c, t, out, transferring=requesting, responsible=requested)
    return out


def take_back(case: Case, t: Trace, *, notifying: str, notified: str, basis: str) -> Outcome:
    """The take back notification from ``notifying`` (where the person is) to ``notified``."""
    r = t.rules
    c = Clock(case, t)
    shows = (HitCategory.APPLICANT, HitCategory.ADMISSION)  # 36(1)(b) and (c)
    hits = sorted(
        h.received_on
        for h in case.eurodac_hits
        if h.responsible_state == notified or (h.category in shows and h.state == notified)
    )
    req = _request(case, RequestKind.TAKE_BACK, notified)
    out = Outcome(c.out)
    if hits:
        notify = r.period("take_back.notify_weeks")
        crisis = c.derogated("12(2)(c)", "its take back notification", notifying, hits[-1], notify)
        c.add(
            "T14",
            f"send the take back notification to {notified}",
            crisis.length if crisis else notify,
            hits[-1],
            "Eurodac hit",
            notifying,
            f"no shift: {notified} must still take the person back (recital 59)",
            req.sent_on if req else None,
            derogation=crisis,
        )
    else:
        t.flag(
            "AMBIG-22",
            "no Eurodac hit recorded: the notification is due immediately, no time limit runs",
        )
    if req is None:
        return out
    received = req.received_on or req.sent_on
    reply = req.reply
    confirm = r.period("take_back.reply_weeks")
    crisis = c.derogated(
        "12(2)(c)", "its confirmation of receipt", notified, received, confirm, notifying
    )
    rd = c.add(
        "T15",
        "confirm receipt or rebut the notification",
        crisis.length if crisis else confirm,
        received,
        "notification received",
        notified,
        "silence is confirmation (41(4))"
        + ("; 12(3) CFMR does not name point (c)" if crisis else ""),
        reply.date if reply else None,
        other=notifying,
        derogation=crisis,
    )
    if reply is not None and reply.date <= rd.due:
        if reply.kind in ("rebut", "refuse"):
            t.flag(
                "manual:41(3)",
                f"{notified} rebutted on {reply.date} (Art. 37 or a wrong Eurodac indication)",
            )
            return out
        out.accepted_on = reply.date
    elif rd.status is Status.MISSED:
        out.accepted_on = _deemed(rd.due, t)
        t.step(
            "41(4)",
            f"{notified} did not reply by {rd.due}: confirmation by silence",
            confirmed=out.accepted_on,
        )
    else:
        return out
    transfer(case, c, t, out, transferring=notifying, responsible=notified)
    return out


def _not_derogated(t: Trace, state: str, article: str) -> None:
    """Art. 12 CFMR names Arts 39, 40, 41 and 46 AMMR, not the detention limits of Art. 45."""
    if t.crisis is not None and t.crisis.authorised(state):
        t.flag(
            "CFMR-12",
            f"the limit of Art. {article} AMMR (detention) is kept: Art. 12 CFMR derogates from "
            "Arts 39, 40, 41 and 46 only",
        )


def _deemed(due: dt.date, t: Trace) -> dt.date:
    return due if t.reading("deemed_acceptance_date") == "last_day_of_period" else due + _ONE_DAY


def _withheld_delay(case: Case, c: Clock, requested: str) -> dt.timedelta:
    delay = dt.timedelta(0)
    for q in case.procedure.info_requests:
        if q.to_state != requested or not q.withheld_responsibility_information:
            continue
        tl, _ = c.limit(q.received_on, c.t.rules.period("information.reply_weeks"), requested)
        answered = q.replied_on or c.as_of
        if answered > tl.due:
            delay = max(delay, answered - tl.due)
    return delay


def transfer(
    case: Case, c: Clock, t: Trace, out: Outcome, *, transferring: str, responsible: str
) -> None:
    """The transfer decision (T16) and the transfer (T24, extended T25–T27) after acceptance."""
    r = t.rules
    p = case.procedure
    assert out.accepted_on is not None
    start, start_event = out.accepted_on, "acceptance or confirmation"
    if p.appeal is not None and p.appeal.suspensive_effect_granted_on is not None:
        if p.appeal.final_decision_on is None:
            t.step(
                "46(1)",
                "suspensive effect granted: the transfer period runs from the final "
                "decision on the appeal, not yet taken",
            )
            return
        start, start_event = p.appeal.final_decision_on, "final decision on the appeal"
    c.add(
        "T16",
        "take and notify the transfer decision",
        r.period("transfer.decision_weeks"),
        out.accepted_on,
        "acceptance or confirmation",
        transferring,
        "",
        p.transfer_decision_notified_on,
        information=True,
    )
    if _detained(case, out.accepted_on):
        _not_derogated(t, transferring, "45(3)")
        c.add(
            "T23",
            "transfer the detained person",
            r.period("detention.transfer_weeks"),
            out.accepted_on,
            "acceptance or confirmation",
            transferring,
            "the person is released; Art. 46 still applies (45(4))",
            p.transfer_done_on,
        )
    six = r.period("transfer.months")
    tl, _ = c.limit(start, six, transferring)
    crisis = None
    if t.crisis is not None:  # 12(4): the transfer to the state in crisis; 12(2)(d): its own
        crisis = c.derogated(
            "12(4)", "the transfer to it", responsible, start, six, due=tl.due
        ) or c.derogated("12(2)(d)", "its transfer", transferring, start, six, due=tl.due)
        six = crisis.length if crisis else six
        tl, _ = c.limit(start, six, transferring)
    due, length, id_, what = tl.due, six, "T24", f"transfer to {responsible}"
    if p.imprisonment and any(i.start <= due for i in p.imprisonment):
        prison = r.period("transfer.imprisonment_years")
        base = start
        if t.reading("transfer.imprisonment_from") == "imprisonment_start":
            base = min(i.start for i in p.imprisonment)
        ext, _ = c.limit(base, prison, transferring)
        if ext.due > due:
            due, length, id_, what = (
                ext.due,
                prison,
                "T25",
                f"transfer to {responsible} (imprisonment)",
            )
            start = base
            t.flag(
                "AMBIG-24",
                "the imprisonment extension runs from the start of the transfer period",
                "transfer.imprisonment_from",
            )
    event = start_event
    informed = [a for a in p.absconding if a.informed_on <= due]
    if informed:  # 46(2): up to three years from when the responsible state was informed
        ext3 = r.period("transfer.absconding_years")
        told = min(a.informed_on for a in informed)
        ext, _ = c.limit(told, ext3, transferring)
        if ext.due > due:
            due, length, id_, start, event = (
                ext.due,
                ext3,
                "T26",
                told,
                "responsible state informed",
            )
            what = f"transfer to {responsible} (absconded, informed)"
        back = [a.reappeared_on for a in informed if a.reappeared_on is not None]
        if back:
            three = r.period("transfer.reappearance_months")
            again, _ = c.limit(max(back), three, transferring)
            if again.due > due:
                t.flag(
                    "AMBIG-24",
                    "the person reappeared with less than three months left: the "
                    "latest permitted date is kept",
                )
                due, length, id_, start, event = again.due, three, "T27", max(back), "reappearance"
    basis = "46(2)"
    if crisis is not None:
        basis = "12(4) CFMR" if crisis.length.article.startswith("12(4)") else "12(3) CFMR"
        if basis == "12(4) CFMR" and t.crisis is not None:
            t.crisis.suspension(
                crisis.measures, responsible, transferring, start, due, p.transfer_done_on
            )
    d = c.add(
        id_,
        what,
        length,
        start,
        event,
        transferring,
        f"{transferring} becomes responsible ({basis}, 37(1))",
        p.transfer_done_on,
        due=due,
        derogation=crisis,
    )
    if d.status is Status.MISSED:
        out.shift = Shift(transferring, basis, "", f"the transfer was not carried out by {d.due}")


__all__ = ["Outcome", "Shift", "humanitarian", "take_back", "take_charge"]
