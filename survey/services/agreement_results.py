"""A round's results: agreement per code and overall, each coder against the machine, the disagreements.

The unit is a testimony and a code, coded present or absent: a coder applied the code to a passage of
the testimony, or marked the testimony coded without applying it. A testimony a coder has not marked
coded is missing for that coder. The machine's coding is its own tags (source MACHINE), as it made
them, before any person's decision. Codes that neither a coder nor the machine applied in the round
are left out: every coder and the machine agree on their absence, which says nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select

from survey.analysis.agreement import Agreement, measure_agreement
from survey.extensions import db
from survey.models import AgreementRound, CodedPassage, RoundDecision, RoundItem, TagSource, ThemeTag, User
from survey.models.base import utcnow
from survey.services.audit import record_event
from survey.services.coding import apply_agreed

NAN = math.nan


@dataclass(frozen=True)
class Disagreement:
    """A code some coders applied to a testimony and others did not, with the lead's decision if any."""

    item: RoundItem
    code: str
    applied: list[User]
    not_applied: list[User]
    decision: RoundDecision | None


@dataclass(frozen=True)
class RoundResults:
    """Everything the round's page shows."""

    coders: list[User]
    codes: list[str]
    done: dict[int, int]  # testimonies each coder marked coded, by user id
    overall: Agreement
    per_code: dict[str, Agreement]
    machine_overall: dict[int, Agreement]  # each coder against the machine, by user id
    machine_per_code: dict[int, dict[str, Agreement]]
    disagreements: list[Disagreement]


def _coded(agreement: AgreementRound) -> set[tuple[int, int, str]]:
    """(coder, testimony, code) for every code a round's coder applied to one of its testimonies."""
    ids = [i.testimonial_id for i in agreement.items]
    coders = [c.user_id for c in agreement.coders]
    query = select(CodedPassage.coder_id, CodedPassage.testimonial_id, CodedPassage.code_key).where(
        CodedPassage.testimonial_id.in_(ids), CodedPassage.coder_id.in_(coders), ~CodedPassage.agreed
    )
    return {(c, t, k) for c, t, k in db.session.execute(query) if c is not None}


def _machine(agreement: AgreementRound) -> set[tuple[int, str]]:
    """(testimony, theme) for every tag the machine put on one of a round's testimonies."""
    ids = [i.testimonial_id for i in agreement.items]
    query = select(ThemeTag.testimonial_id, ThemeTag.theme).where(
        ThemeTag.testimonial_id.in_(ids), ThemeTag.source == TagSource.MACHINE
    )
    return {(t, theme) for t, theme in db.session.execute(query)}


def round_results(agreement: AgreementRound) -> RoundResults:
    """Measure a round's agreement and list its disagreements."""
    coders = sorted((c.user for c in agreement.coders), key=lambda u: u.email)
    coded, machine = _coded(agreement), _machine(agreement)
    codes = sorted({k for _, _, k in coded} | {k for _, k in machine})
    done = {u.id: {d.item_id for i in agreement.items for d in i.done if d.coder_id == u.id} for u in coders}

    def row(user: User, code: str, items: list[RoundItem]) -> list[float]:
        return [
            (1.0 if (user.id, i.testimonial_id, code) in coded else 0.0) if i.id in done[user.id] else NAN
            for i in items
        ]

    def machine_row(code: str, items: list[RoundItem]) -> list[float]:
        return [1.0 if (i.testimonial_id, code) in machine else 0.0 for i in items]

    items = agreement.items
    matrices = {code: [row(u, code, items) for u in coders] for code in codes}
    machine_per_code: dict[int, dict[str, Agreement]] = {}
    machine_overall: dict[int, Agreement] = {}
    for user in coders:
        own = [i for i in items if i.id in done[user.id]]
        pairs = {code: [row(user, code, own), machine_row(code, own)] for code in codes}
        machine_per_code[user.id] = {code: measure_agreement(m) for code, m in pairs.items()}
        machine_overall[user.id] = measure_agreement(_joined(list(pairs.values()), 2))
    return RoundResults(
        coders=coders,
        codes=codes,
        done={user_id: len(marked) for user_id, marked in done.items()},
        overall=measure_agreement(_joined(list(matrices.values()), len(coders))),
        per_code={code: measure_agreement(m) for code, m in matrices.items()},
        machine_overall=machine_overall,
        machine_per_code=machine_per_code,
        disagreements=_disagreements(items, codes, coders, coded, done),
    )


def _joined(matrices: list[list[list[float]]], rows: int) -> list[list[float]]:
    """Put the matrices of several codes side by side: the units of every code together."""
    return [[value for m in matrices for value in m[r]] for r in range(rows)]


def _disagreements(
    items: list[RoundItem],
    codes: list[str],
    coders: list[User],
    coded: set[tuple[int, int, str]],
    done: dict[int, set[int]],
) -> list[Disagreement]:
    found = []
    for item in items:
        decisions = {d.code_key: d for d in item.decisions}
        finished = [u for u in coders if item.id in done[u.id]]
        for code in codes:
            applied = [u for u in finished if (u.id, item.testimonial_id, code) in coded]
            if applied and len(applied) < len(finished):
                not_applied = [u for u in finished if u not in applied]
                found.append(Disagreement(item, code, applied, not_applied, decisions.get(code)))
    return found


def record_decision(item: RoundItem, code: str, present: bool, lead: User) -> RoundDecision:
    """Record the version the lead agreed for a code on a round's testimony, replacing an earlier one.

    The decision becomes the testimony's people's coding for that code (survey.services.coding.apply_agreed).
    """
    decision = next((d for d in item.decisions if d.code_key == code), None)
    if decision is None:
        decision = RoundDecision(code_key=code, present=present, decided_by_id=lead.id)
        item.decisions.append(decision)
    else:
        decision.present, decision.decided_by_id, decision.decided_at = present, lead.id, utcnow()
    record_event(
        "agreement_decision",
        actor=lead,
        target_type="testimonial",  # erasing its response empties the line's details (the code says what it is about)
        target_id=item.testimonial_id,
        round=item.round_id,
        code=code,
        present=present,
    )
    apply_agreed(item.testimonial, code, present, lead)
    return decision
