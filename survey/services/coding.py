"""People code passages of testimonies with the codebook's themes and the team's own codes.

A passage coded with a theme of the codebook counts the testimony for that theme in the summary, as a
person's "yes" does: the testimony keeps one tag of source PASSAGE per theme while any passage of it
carries that theme's code (survey.models.tag_rule), and the rollup hears of it as of any tag written
(survey.services.rollups watches the flush). The team's own codes are not themes of the summary.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from survey.extensions import db
from survey.models import Code, CodedPassage, Role, TagSource, Testimonial, ThemeTag, User
from survey.models.tag_rule import counts
from survey.services.audit import record_event
from survey.services.engine import codebook


class CodingError(ValueError):
    """A passage or code that cannot be applied: offsets outside the text, or a code not on offer."""


@dataclass(frozen=True)
class CodeChoice:
    """A code on offer: a theme of the codebook (a sub-theme has a parent) or one the team added."""

    key: str
    label: str
    parent: str | None
    is_theme: bool


def code_choices(language: str, *, with_retired: bool = False) -> list[CodeChoice]:
    """The codes people may apply: the codebook's themes and sub-themes, then the team's codes."""
    book = codebook()
    choices = [CodeChoice(t.key, t.label_in(language), t.parent, True) for t in book.themes]
    team = select(Code).order_by(Code.key) if with_retired else select(Code).where(~Code.retired).order_by(Code.key)
    choices += [CodeChoice(c.key, c.label_in(language), c.parent_theme, False) for c in db.session.scalars(team)]
    return choices


def code_labels(language: str) -> dict[str, str]:
    """Every code's label, retired ones included, by key."""
    return {c.key: c.label for c in code_choices(language, with_retired=True)}


def code_passage(testimonial: Testimonial, keys: Collection[str], start: int, end: int, coder: User) -> None:
    """Apply codes to the characters start to end (end excluded) of a testimony's redacted text."""
    if not 0 <= start < end <= len(testimonial.redacted_text):
        raise CodingError(f"passage {start}-{end} is outside a text of {len(testimonial.redacted_text)} characters")
    offered = {c.key for c in code_choices("en")}
    unknown = set(keys) - offered
    if not keys or unknown:
        raise CodingError(f"codes not on offer: {sorted(unknown)}" if unknown else "no code chosen")
    for key in sorted(set(keys)):
        add_passage(testimonial, key, start, end, coder)
    record_event(
        "code_passage",
        actor=coder,
        target_type="testimonial",
        target_id=testimonial.id,
        codes=sorted(set(keys)),
        start=start,
        end=end,
    )
    db.session.flush()


def add_passage(testimonial: Testimonial, key: str, start: int, end: int, coder: User) -> CodedPassage:
    """Add one coded passage (the caller checked the offsets and the code) and keep the theme's tag."""
    passage = CodedPassage(code_key=key, start=start, end=end, coder_id=coder.id)
    testimonial.passages.append(passage)
    keep_theme_tag(testimonial, key, coder)
    return passage


def apply_agreed(testimonial: Testimonial, key: str, present: bool, lead: User) -> None:
    """Make the agreed version of a round's disagreement the testimony's people's coding for a code.

    The round's unit is the whole testimony: "present" codes all of it, by the lead, as an agreed
    passage; a later decision on the code replaces it. On a theme of the codebook the decision is
    also a person's yes or no on the whole testimony, which counts and trains the next learned
    codebook; a "no" sets aside the coders' passages of that theme in the counts (they stay, as
    the round's record).
    """
    for old in [p for p in testimonial.passages if p.agreed and p.code_key == key]:
        testimonial.passages.remove(old)
    if present and testimonial.redacted_text:
        passage = CodedPassage(code_key=key, start=0, end=len(testimonial.redacted_text), coder_id=lead.id, agreed=True)
        testimonial.passages.append(passage)
    keep_theme_tag(testimonial, key, lead)
    if key in codebook().by_key:
        _decide_theme(testimonial, key, present, lead)
    record_event(
        "apply_agreed_version",
        actor=lead,
        target_type="testimonial",
        target_id=testimonial.id,
        code=key,
        present=present,
    )
    db.session.flush()


def _decide_theme(testimonial: Testimonial, key: str, present: bool, lead: User) -> None:
    """Record a person's decision on a theme for the whole testimony, as correcting its themes does."""
    human = next((t for t in testimonial.tags if t.source == TagSource.HUMAN and t.theme == key), None)
    if human is None:
        human = ThemeTag(theme=key, source=TagSource.HUMAN, evidence=[])
        testimonial.tags.append(human)
    machine = next((t for t in testimonial.tags if t.source == TagSource.MACHINE and t.theme == key), None)
    human.confidence = 1.0 if present else 0.0
    human.polarity = (machine.polarity if machine else testimonial.polarity) if present else None
    human.created_by_id = lead.id
    for tag in testimonial.tags:
        if tag.source == TagSource.PASSAGE and tag.theme == key:
            tag.confidence = 1.0 if present else 0.0


def may_remove(passage: CodedPassage, person: User) -> bool:
    """Whether a person may remove a coded passage: its coder, a lead evaluator or an administrator."""
    if person.has_role(Role.ADMIN, Role.LEAD_EVALUATOR):
        return True
    return passage.coder_id is not None and passage.coder_id == person.id


def remove_passage(testimonial: Testimonial, passage: CodedPassage, person: User) -> None:
    """Take a code off a passage (the caller checked may_remove)."""
    testimonial.passages.remove(passage)
    keep_theme_tag(testimonial, passage.code_key, person)
    record_event(
        "uncode_passage",
        actor=person,
        target_type="testimonial",
        target_id=testimonial.id,
        code=passage.code_key,
        start=passage.start,
        end=passage.end,
        coder_id=passage.coder_id,
    )
    db.session.flush()


def keep_theme_tag(testimonial: Testimonial, key: str, person: User) -> None:
    """Keep the testimony's PASSAGE tag on a theme exactly while a passage of it carries the theme's code."""
    if key not in codebook().by_key:
        return  # a team's code: not a theme of the summary
    passages = [p for p in testimonial.passages if p.code_key == key]
    tag = next((t for t in testimonial.tags if t.source == TagSource.PASSAGE and t.theme == key), None)
    if not passages:
        if tag is not None:
            testimonial.tags.remove(tag)
        return
    if tag is None:
        machine = next((t for t in testimonial.tags if t.source == TagSource.MACHINE and t.theme == key), None)
        # As a person's "yes": the sentiment of the sentences the machine found, or else the whole text's.
        polarity = machine.polarity if machine is not None else testimonial.polarity
        tag = ThemeTag(theme=key, source=TagSource.PASSAGE, confidence=1.0, polarity=polarity, created_by_id=person.id)
        testimonial.tags.append(tag)
    text = testimonial.redacted_text
    tag.evidence = [
        {"start": p.start, "end": p.end, "text": text[p.start : p.end], "term": "coded"}
        for p in sorted(passages, key=lambda p: (p.start, p.end))
    ]


@dataclass
class Segment:
    """A piece of the redacted text with the machine's themes and people's coded passages that cover it."""

    text: str
    start: int
    machine: list[str] = field(default_factory=list)
    passages: list[CodedPassage] = field(default_factory=list)


def coding_segments(
    testimonial: Testimonial,
    passages: Sequence[CodedPassage] | None = None,
    tags: Sequence[ThemeTag] | None = None,
) -> list[Segment]:
    """Cut the redacted text where a machine's evidence or a coded passage starts or ends.

    passages and tags: those the viewer may see (by default all of them); someone coding blind in an
    agreement round sees only their own passages, and the machine's tags or none.
    """
    text = testimonial.redacted_text
    cuts = {0, len(text)}
    machine: list[tuple[int, int, str]] = []
    # The machine's tags a person did not reject: coding a passage with the same theme sets the
    # machine's tag aside in the counts, but its evidence stays worth seeing next to the person's.
    decided = [t for t in (testimonial.tags if tags is None else tags) if t.source != TagSource.PASSAGE]
    for tag in decided:
        if tag.source != TagSource.MACHINE or "." in tag.theme or not counts(tag, decided):
            continue  # a sub-theme's words are its parent's too
        for e in tag.evidence:
            start, end = max(0, int(e["start"])), min(len(text), int(e["end"]))
            if start < end:
                machine.append((start, end, tag.theme))
                cuts |= {start, end}
    if passages is None:
        passages = testimonial.passages
    for p in passages:
        cuts |= {p.start, p.end}
    ordered = sorted(c for c in cuts if 0 <= c <= len(text))
    return [
        Segment(
            text[start:end],
            start,
            sorted({theme for s, e, theme in machine if s <= start and end <= e}),
            [p for p in passages if p.start <= start and end <= p.end],
        )
        for start, end in zip(ordered, ordered[1:], strict=False)
    ]
