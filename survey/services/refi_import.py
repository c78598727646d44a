"""Import a REFI-QDA codebook (.qdc) into the team's codes, or a project (.qdpx)'s coding of Voces's testimonies.

Codes are matched by GUID, then by name; a code Voces does not know becomes a team's code. A project's
text sources are matched to a survey's testimonies by GUID (survey.services.refi_codes), so only the
testimonies that came from Voces receive codings and memos; the others are reported, never created.
Everything is checked before anything is stored: a file is imported whole or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import Code, CodedPassage, Memo, Response, Survey, Testimonial, User
from survey.services.audit import record_event
from survey.services.codes import DESCRIBED, add_code, update_code
from survey.services.coding import add_passage
from survey.services.engine import codebook
from survey.services.refi_codes import code_tree, flatten, text_source_guid, user_guid
from survey.services.refi_read import FileCode, FileSelection, RefiFile, RefiFileError, read_refi_file

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
BATCH = 500


@dataclass
class ImportReport:
    """What an import changed, and the sources it could not place."""

    codes_added: list[str] = field(default_factory=list)
    codes_updated: list[str] = field(default_factory=list)
    passages: int = 0
    memos: int = 0
    unknown_sources: list[str] = field(default_factory=list)  # not from this survey of Voces
    changed_sources: list[str] = field(default_factory=list)  # their text is not the testimony's redacted text
    machine_codings: int = 0  # the machine's tags, which Voces finds again itself


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:70] or "code"
    base = base if base[0].isalpha() else f"code_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _fields(details: dict[str, Any], top_level: set[str]) -> dict[str, Any]:
    """A Voces export's description of a team's code, keeping only what a code may hold."""
    texts = {k: v for k, v in details.items() if k in DESCRIBED and isinstance(v, str)}
    fields: dict[str, Any] = {k: v[:120] if k.startswith("label_") else v for k, v in texts.items()}
    fields["parent_theme"] = details.get("parent_theme") if details.get("parent_theme") in top_level else None
    fields["retired"] = details.get("retired") is True
    return fields


class _CodePlan:
    """Which Voces code each of the file's codes is, and what to add or change."""

    def __init__(self, file: RefiFile) -> None:
        book = codebook()
        self.top_level = {t.key for t in book.top_level}
        self.teams = {c.key: c for c in db.session.scalars(select(Code).order_by(Code.key))}
        known = {c.guid: c.key for c in flatten(code_tree("en"))}
        names: dict[str, str] = {}
        for theme in book.themes:
            names.update({label.strip().lower(): theme.key for label in theme.label.values()})
        for team in self.teams.values():
            names.update({label.strip().lower(): team.key for label in (team.label_en, team.label_es) if label})
        taken = set(book.by_key) | set(self.teams)
        self.keys: dict[str, str] = {}  # the file's code GUID -> Voces key
        self.new: dict[str, dict[str, Any]] = {}
        self.changes: dict[str, dict[str, Any]] = {}
        for code in file.codes:
            details = file.details.get(code.guid) or {}
            key = known.get(code.guid) or names.get(code.name.lower())
            if key is None:
                wanted = str(details.get("key") or "")
                key = (
                    wanted
                    if KEY.fullmatch(wanted) and wanted not in taken and len(wanted) <= 80
                    else _slug(code.name, taken)
                )
                taken.add(key)
                self.new[key] = _fields(details, self.top_level) if details else self._described(code)
            elif key in self.teams:
                self._change(self.teams[key], _fields(details, self.top_level) if details else self._renamed(code, key))
            self.keys[code.guid] = key
            names.setdefault(code.name.lower(), key)

    def _described(self, code: FileCode) -> dict[str, Any]:
        parent = self.keys.get(code.parent or "")
        return {
            "label_en": code.name[:120],
            "definition_en": code.description,
            "parent_theme": parent if parent in self.top_level else None,
        }

    def _renamed(self, code: FileCode, key: str) -> dict[str, Any]:
        team = self.teams[key]
        fields: dict[str, Any] = {}
        if code.name not in (team.label_en, team.label_es):
            fields["label_en"] = code.name[:120]
        if code.description and code.description not in (team.definition_en, team.definition_es):
            fields["definition_en"] = code.description
        return fields

    def _change(self, team: Code, fields: dict[str, Any]) -> None:
        changed = {k: v for k, v in fields.items() if getattr(team, k) != v}
        if changed:
            self.changes[team.key] = changed

    def apply(self, person: User, report: ImportReport) -> None:
        for key, fields in self.new.items():
            add_code(key, fields, person)
            report.codes_added.append(key)
        for key, fields in self.changes.items():
            update_code(self.teams[key], fields, person)
            report.codes_updated.append(key)


class _People:
    """Who a file's coder or author is in Voces: the same GUID, the same e-mail address, or else the importer."""

    def __init__(self, file: RefiFile, importer: User) -> None:
        self.importer, self.names = importer, file.users
        self.by_guid = {user_guid(u): u for u in db.session.scalars(select(User).order_by(User.id))}
        self.by_email = {u.email.lower(): u for u in self.by_guid.values()}

    def of(self, guid: str | None) -> User:
        if guid is None:
            return self.importer
        return self.by_guid.get(guid) or self.by_email.get(self.names.get(guid, "").lower()) or self.importer


def _testimonies_of(survey: Survey, guids: list[str]) -> dict[str, Testimonial]:
    """The survey's testimonies these GUIDs name, with their passages and tags loaded a batch at a time."""
    rows = db.session.execute(
        select(Testimonial.id, Response.uuid, Testimonial.question)
        .join(Response, Response.id == Testimonial.response_id)
        .where(Response.survey_version_id.in_([v.id for v in survey.versions]))
    )
    wanted = set(guids)
    ids = {tid: guid for tid, uuid, question in rows if (guid := text_source_guid(uuid, question)) in wanted}
    found: dict[str, Testimonial] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        query = (
            select(Testimonial)
            .where(Testimonial.id.in_(ordered[start : start + BATCH]))
            .options(selectinload(Testimonial.passages), selectinload(Testimonial.tags))
        )
        found.update({ids[t.id]: t for t in db.session.scalars(query)})
    return found


def _check_selection(selection: FileSelection, text: str, codes: dict[str, str]) -> None:
    if selection.end > len(text):
        where = f"line {selection.line}: <PlainTextSelection>"
        raise RefiFileError(f"{where} ends at {selection.end}, after the text's {len(text)} characters")
    for coding in selection.codings:
        if coding.code not in codes:
            raise RefiFileError(
                f"line {selection.line}: <Coding> names code {coding.code}, which the CodeBook does not hold"
            )


def import_refi(data: bytes, survey: Survey | None, importer: User) -> ImportReport:
    """Import a .qdc's codes, or a .qdpx's codes, codings and memos into a survey; raise RefiFileError on a bad file."""
    file = read_refi_file(data)
    if file.is_project and survey is None:
        raise RefiFileError("a project (.qdpx) goes into a survey: choose one")
    for guid in _note_refs(file) | set(file.project_notes):
        if guid not in file.notes:
            raise RefiFileError(f"a <NoteRef> names note {guid}, which the project does not hold")
    plan = _CodePlan(file)
    report = ImportReport()
    placed: list[tuple[Testimonial, list[FileSelection], list[str]]] = []
    if file.is_project and survey is not None:
        testimonies = _testimonies_of(survey, [s.guid for s in file.sources])
        for source in file.sources:
            testimonial = testimonies.get(source.guid)
            if testimonial is None:
                report.unknown_sources.append(source.name or source.guid)
                continue
            if source.text is not None and source.text != testimonial.redacted_text:
                report.changed_sources.append(source.name or source.guid)
                continue
            for selection in source.selections:
                _check_selection(selection, testimonial.redacted_text, plan.keys)
            placed.append((testimonial, source.selections, source.notes))
    plan.apply(importer, report)
    if survey is not None and file.is_project:
        _import_coding(file, survey, placed, plan, _People(file, importer), report)
    record_event(
        "import_refi_qda",
        actor=importer,
        target_type="survey" if survey is not None and file.is_project else "code",
        target_id=survey.slug if survey is not None and file.is_project else None,
        codes_added=report.codes_added,
        codes_updated=report.codes_updated,
        passages=report.passages,
        memos=report.memos,
        unknown_sources=len(report.unknown_sources),
        changed_sources=len(report.changed_sources),
    )
    db.session.flush()
    return report


def _import_coding(
    file: RefiFile,
    survey: Survey,
    placed: list[tuple[Testimonial, list[FileSelection], list[str]]],
    plan: _CodePlan,
    people: _People,
    report: ImportReport,
) -> None:
    """Add the placed sources' codings as coded passages, and the notes as memos on what they were written on."""
    targets: dict[str, dict[str, Any]] = {}
    with db.session.no_autoflush:  # one flush at the end, not one per testimony read
        _add_passages(placed, plan, people, report, targets)
    for code in file.codes:
        for guid in code.notes:
            targets.setdefault(guid, {"code_key": plan.keys[code.guid]})
    db.session.flush()
    referred = _note_refs(file)
    for guid, note in file.notes.items():
        target = targets.get(guid)
        if target is None and guid in referred:
            continue  # written on a source or passage this import did not place
        target = target or {}
        passage = target.get("passage")
        memo = Memo(
            survey_id=survey.id,
            testimonial_id=target.get("testimonial_id"),
            passage_id=passage.id if passage is not None else None,
            code_key=target.get("code_key"),
            body=note.body,
            author_id=people.of(note.author).id,
        )
        if not _exists(memo):
            db.session.add(memo)
            report.memos += 1


def _add_passages(
    placed: list[tuple[Testimonial, list[FileSelection], list[str]]],
    plan: _CodePlan,
    people: _People,
    report: ImportReport,
    targets: dict[str, dict[str, Any]],
) -> None:
    """Add each person's coding as a passage (unless the same passage is there) and note what memos are on."""
    machine = user_guid(None)
    for testimonial, selections, notes in placed:
        for selection in selections:
            passage: CodedPassage | None = None
            for coding in selection.codings:
                if coding.coder == machine:
                    report.machine_codings += 1
                    continue
                key, coder = plan.keys[coding.code], people.of(coding.coder)
                passage = next(
                    (
                        p
                        for p in testimonial.passages
                        if (p.code_key, p.start, p.end, p.coder_id) == (key, selection.start, selection.end, coder.id)
                    ),
                    None,
                ) or _added(testimonial, key, selection, coder, report)
            for guid in selection.notes:
                if passage is not None:
                    targets.setdefault(guid, {"testimonial_id": testimonial.id, "passage": passage})
        for guid in notes:
            targets.setdefault(guid, {"testimonial_id": testimonial.id})


def _note_refs(file: RefiFile) -> set[str]:
    """The notes written on a source, a selection or a code; the others are on the project."""
    refs = {g for s in file.sources for g in (*s.notes, *(n for sel in s.selections for n in sel.notes))}
    return refs | {g for c in file.codes for g in c.notes}


def _added(
    testimonial: Testimonial, key: str, selection: FileSelection, coder: User, report: ImportReport
) -> CodedPassage:
    report.passages += 1
    return add_passage(testimonial, key, selection.start, selection.end, coder)


def _exists(memo: Memo) -> bool:
    """Whether the same memo is already written on the same thing (the file was imported before)."""
    query = select(func.count(Memo.id)).where(
        Memo.survey_id == memo.survey_id,
        Memo.testimonial_id.is_(None) if memo.testimonial_id is None else Memo.testimonial_id == memo.testimonial_id,
        Memo.passage_id.is_(None) if memo.passage_id is None else Memo.passage_id == memo.passage_id,
        Memo.code_key.is_(None) if memo.code_key is None else Memo.code_key == memo.code_key,
        Memo.body == memo.body,
    )
    return bool(db.session.scalar(query))
