"""The team's codes: added, renamed, described, retired, merged and split by administrators.

Each change is audited and makes a new version of the codebook (CodebookVersion), numbered in turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update

from survey.extensions import db
from survey.models import Code, CodebookVersion, CodedPassage, Memo, RoundDecision, Testimonial, User
from survey.services.audit import record_event
from survey.services.coding import code_choices, keep_theme_tag
from survey.services.engine import codebook

DESCRIBED = (
    "label_en",
    "label_es",
    "definition_en",
    "definition_es",
    "when_to_use_en",
    "when_to_use_es",
    "when_not_en",
    "when_not_es",
    "example_en",
    "example_es",
    "parent_theme",
    "retired",
)
LABELS = ("label_en", "label_es")


class CodeChangeError(ValueError):
    """A merge or split the codebook cannot take: into itself, or into a code not on offer."""


def list_codes() -> list[Code]:
    """The team's codes, retired ones included, by key."""
    return list(db.session.scalars(select(Code).order_by(Code.key)))


def key_taken(key: str) -> bool:
    """Whether a theme of the codebook or a team's code already has this key."""
    return key in codebook().by_key or db.session.scalar(select(Code.id).where(Code.key == key)) is not None


def record_version(change: str, key: str, person: User | None, **details: Any) -> CodebookVersion:
    """Write down one change to the codebook as its next version."""
    number = current_version() + 1
    version = CodebookVersion(
        number=number, change=change, code_key=key, details=details, changed_by_id=getattr(person, "id", None)
    )
    db.session.add(version)
    db.session.flush()
    return version


def current_version() -> int:
    """The number of the codebook's latest version (0: never changed)."""
    return db.session.scalar(select(func.max(CodebookVersion.number))) or 0


def list_versions() -> list[CodebookVersion]:
    """The codebook's versions, newest first."""
    return list(db.session.scalars(select(CodebookVersion).order_by(CodebookVersion.number.desc())))


def add_code(key: str, fields: Mapping[str, object], person: User, *, split_from: str | None = None) -> Code:
    """Add a team's code (the caller checked the key is free); split_from: the code it is split off from."""
    code = Code(key=key, created_by_id=person.id, **{k: v for k, v in fields.items() if k in DESCRIBED})
    db.session.add(code)
    db.session.flush()
    split = {"split_from": split_from} if split_from else {}
    record_event("add_code", actor=person, target_type="code", target_id=code.id, key=key, **split)
    if split_from is None:
        record_version("add", key, person)
    else:
        record_version("split_add", split_from, person, new=key)
    return code


def _kind_of(changed: Mapping[str, Any]) -> str:
    if "retired" in changed:
        return "retire" if changed["retired"][1] else "reinstate"
    if set(changed) <= set(LABELS):
        return "rename"
    return "describe"


def update_code(code: Code, fields: Mapping[str, object], person: User) -> None:
    """Rename, describe or retire a code; the audit records the fields changed, before and after."""
    changed = {k: [getattr(code, k), v] for k, v in fields.items() if k in DESCRIBED and getattr(code, k) != v}
    for name, (_, value) in changed.items():
        setattr(code, name, value)
    record_event("update_code", actor=person, target_type="code", target_id=code.id, key=code.key, changed=changed)
    if changed:
        record_version(_kind_of(changed), code.key, person, fields=sorted(changed))
    db.session.flush()


def merge_targets(code: Code) -> list[str]:
    """The codes another may be merged into or split towards: every code on offer but itself."""
    return [c.key for c in code_choices("en") if c.key != code.key]


def _move_passages(passages: list[CodedPassage], target: str, person: User) -> None:
    """Give passages another code, keeping the themes' tags of their testimonies."""
    touched: dict[int, set[str]] = {}
    for passage in passages:
        touched.setdefault(passage.testimonial_id, set()).update({passage.code_key, target})
        passage.code_key = target
    db.session.flush()
    for testimonial_id, keys in touched.items():
        testimonial = db.session.get(Testimonial, testimonial_id)
        if testimonial is not None:
            for key in sorted(keys):
                keep_theme_tag(testimonial, key, person)


def merge_code(code: Code, target: str, person: User) -> int:
    """Merge a team's code into another: its passages, decisions and memos move; it is retired with a pointer.

    Returns how many passages moved.
    """
    if target not in merge_targets(code):
        raise CodeChangeError(f"cannot merge {code.key} into {target}")
    passages = list(db.session.scalars(select(CodedPassage).where(CodedPassage.code_key == code.key)))
    _move_passages(passages, target, person)
    decided = set(db.session.scalars(select(RoundDecision.item_id).where(RoundDecision.code_key == target)))
    for decision in db.session.scalars(select(RoundDecision).where(RoundDecision.code_key == code.key)):
        if decision.item_id in decided:
            db.session.delete(decision)  # the target's own decision on that testimony stands
        else:
            decision.code_key = target
    db.session.execute(update(Memo).where(Memo.code_key == code.key).values(code_key=target))
    code.retired, code.merged_into = True, target
    record_event(
        "merge_code",
        actor=person,
        target_type="code",
        target_id=code.id,
        key=code.key,
        into=target,
        passages=len(passages),
    )
    record_version("merge", code.key, person, into=target, passages=len(passages))
    db.session.flush()
    return len(passages)


def split_code(code: Code, moves: Mapping[int, str], person: User) -> int:
    """Move some of a code's passages (by id) to other codes; returns how many moved."""
    targets = set(merge_targets(code))
    if not set(moves.values()) <= targets:
        raise CodeChangeError(f"cannot move passages of {code.key} to {sorted(set(moves.values()) - targets)}")
    passages = list(
        db.session.scalars(select(CodedPassage).where(CodedPassage.code_key == code.key, CodedPassage.id.in_(moves)))
    )
    by_target: dict[str, list[CodedPassage]] = {}
    for passage in passages:
        by_target.setdefault(moves[passage.id], []).append(passage)
    for target, moved in sorted(by_target.items()):
        _move_passages(moved, target, person)
    counts = {target: len(moved) for target, moved in sorted(by_target.items())}
    if counts:
        record_event("split_code", actor=person, target_type="code", target_id=code.id, key=code.key, moved=counts)
        record_version("split", code.key, person, moved=counts)
    db.session.flush()
    return len(passages)


def passages_of(code: Code, limit: int = 500) -> list[tuple[CodedPassage, str]]:
    """The passages coded with a code, by testimony and place, each with its words (of the redacted text)."""
    query = (
        select(CodedPassage, Testimonial.redacted_text)
        .join(Testimonial, Testimonial.id == CodedPassage.testimonial_id)
        .where(CodedPassage.code_key == code.key)
        .order_by(CodedPassage.testimonial_id, CodedPassage.start, CodedPassage.id)
        .limit(limit)
    )
    return [(passage, text[passage.start : passage.end]) for passage, text in db.session.execute(query)]
