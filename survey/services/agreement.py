"""Agreement rounds: draw a sample, give it to coders who code it blind, mark it done, close it.

Administrators act as the lead evaluator: they draw the sample, read the results and record the
agreed version of each disagreement (survey.services.agreement_results).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from survey.analysis.agreement import stratified_sample
from survey.extensions import db
from survey.models import (
    AgreementRound,
    CodedPassage,
    Response,
    Role,
    RoundCoder,
    RoundDone,
    RoundItem,
    RoundStatus,
    Survey,
    SurveyVersion,
    TagSource,
    Testimonial,
    ThemeTag,
    User,
)
from survey.services.audit import record_event

CODERS = (Role.EVALUATOR, Role.LEAD_EVALUATOR)


class RoundError(ValueError):
    """A round that cannot be drawn: fewer than two coders, or no testimony to sample."""


def possible_coders() -> list[User]:
    """The active evaluators and lead evaluators, who may be asked to code a round."""
    query = select(User).where(User.role.in_(CODERS), User.active).order_by(User.email)
    return list(db.session.scalars(query))


def testimonies_by_site(survey: Survey) -> dict[int | None, list[int]]:
    """The ids of a survey's testimonies (every version), by the site of their response (None: no site)."""
    query = (
        select(Testimonial.id, Response.site_id)
        .join(Response, Response.id == Testimonial.response_id)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(SurveyVersion.survey_id == survey.id)
        .order_by(Testimonial.id)
    )
    strata: dict[int | None, list[int]] = defaultdict(list)
    for testimonial_id, site_id in db.session.execute(query):
        strata[site_id].append(testimonial_id)
    return dict(strata)


def create_round(
    survey: Survey,
    name: str,
    size: int,
    coders: Sequence[User],
    lead: User,
    *,
    hide_machine: bool = False,
    seed: int | None = None,
) -> AgreementRound:
    """Draw a random sample of a survey's testimonies, stratified by site, for two or more coders."""
    if len({c.id for c in coders}) < 2:
        raise RoundError("a round needs at least two coders")
    seed = secrets.randbelow(2**31) if seed is None else seed
    drawn = stratified_sample(testimonies_by_site(survey), size, seed)
    if not drawn:
        raise RoundError("the survey has no testimony to sample")
    agreement = AgreementRound(
        survey=survey, name=name, seed=seed, hide_machine=hide_machine, created_by_id=lead.id, status=RoundStatus.OPEN
    )
    agreement.items = [RoundItem(testimonial_id=t) for t in drawn]
    agreement.coders = [RoundCoder(user_id=i) for i in sorted({c.id for c in coders})]
    db.session.add(agreement)
    db.session.flush()
    record_event(
        "create_agreement_round",
        actor=lead,
        target_type="agreement_round",
        target_id=agreement.id,
        survey=survey.slug,
        size=len(drawn),
        coders=sorted(c.id for c in coders),
        hide_machine=hide_machine,
        seed=seed,
    )
    return agreement


def list_rounds() -> list[AgreementRound]:
    """Every round, newest first."""
    return list(db.session.scalars(select(AgreementRound).order_by(AgreementRound.id.desc())))


def is_coder(agreement: AgreementRound, person: User) -> bool:
    """Whether a person is one of a round's coders."""
    return any(c.user_id == person.id for c in agreement.coders)


def rounds_of(person: User) -> list[AgreementRound]:
    """The rounds a person codes, open ones first, newest first."""
    query = (
        select(AgreementRound)
        .join(RoundCoder, RoundCoder.round_id == AgreementRound.id)
        .where(RoundCoder.user_id == person.id)
        .order_by(AgreementRound.status.desc(), AgreementRound.id.desc())
    )
    return list(db.session.scalars(query))


def blind_round(testimonial: Testimonial, person: User) -> AgreementRound | None:
    """The open round, if any, in which this person codes this testimony: they code it blind."""
    query = (
        select(AgreementRound)
        .join(RoundItem, RoundItem.round_id == AgreementRound.id)
        .join(RoundCoder, RoundCoder.round_id == AgreementRound.id)
        .where(
            RoundItem.testimonial_id == testimonial.id,
            RoundCoder.user_id == person.id,
            AgreementRound.status == RoundStatus.OPEN,
        )
        .order_by(AgreementRound.hide_machine.desc(), AgreementRound.id)
    )
    return db.session.scalars(query).first()


def item_of(agreement: AgreementRound, testimonial: Testimonial) -> RoundItem | None:
    """The round's item for a testimony."""
    return next((i for i in agreement.items if i.testimonial_id == testimonial.id), None)


def is_done(item: RoundItem, person: User) -> bool:
    """Whether a coder has marked a round's testimony as coded."""
    return any(d.coder_id == person.id for d in item.done)


def mark_done(item: RoundItem, coder: User) -> None:
    """Count a round's testimony as coded by this coder (the caller checked they are one of its coders)."""
    if is_done(item, coder):
        return
    item.done.append(RoundDone(coder_id=coder.id))
    # On the testimony: erasing its response empties the line's details, as for any line about it.
    record_event(
        "agreement_item_done",
        actor=coder,
        target_type="testimonial",
        target_id=item.testimonial_id,
        round=item.round_id,
    )
    db.session.flush()


def close_round(agreement: AgreementRound, lead: User) -> None:
    """Close a round: its coders no longer code blind and mark nothing more."""
    agreement.status = RoundStatus.CLOSED
    record_event("close_agreement_round", actor=lead, target_type="agreement_round", target_id=agreement.id)
    db.session.flush()


@dataclass(frozen=True)
class BlindCoding:
    """A testimony a person codes in an open round: what they may see of it, and whether they marked it coded."""

    round: AgreementRound
    item: RoundItem
    passages: list[CodedPassage]  # their own
    tags: list[ThemeTag]  # the machine's, unless the round hides them; never other people's
    done: bool


def blind_coding(testimonial: Testimonial, person: User) -> BlindCoding | None:
    """What a person coding this testimony blind may see of it; None when they do not code it blind."""
    agreement = blind_round(testimonial, person)
    item = item_of(agreement, testimonial) if agreement is not None else None
    if agreement is None or item is None:
        return None
    machine = [] if agreement.hide_machine else [t for t in testimonial.tags if t.source == TagSource.MACHINE]
    own = [p for p in testimonial.passages if p.coder_id == person.id]
    return BlindCoding(agreement, item, own, machine, is_done(item, person))
