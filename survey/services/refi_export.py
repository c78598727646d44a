"""A survey's coding as a REFI-QDA project (.qdpx), or its codes alone as a codebook (.qdc).

The .qdpx is a zip of project.qde and one UTF-8 text file per testimony under sources/, which NVivo,
ATLAS.ti, MAXQDA and QualCoder open. Each testimony leaves as its redacted text only; people's coded
passages become selections with the same character offsets into that text; memos become notes;
site, date, language and the answers evaluators may read are each response's variables, as a case.
The sources come from the responses the export's filters and the small-group rule let out.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from lxml import etree
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import Answer, CodedPassage, Memo, Response, Testimonial, User
from survey.models.response import ConsentScope
from survey.models.tag_rule import TagSource
from survey.services.codes import DESCRIBED
from survey.services.explore import redacted_answers
from survey.services.exports import Export, response_id_batches
from survey.services.refi_codes import (
    CODEBOOK_NS,
    PROJECT_NS,
    RefiCode,
    code_tree,
    flatten,
    guid,
    text_source_guid,
    user_guid,
)

SIDECAR = "voces.json"  # what REFI-QDA has no place for (a code's key, its Spanish texts), for a Voces import
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # what XML 1.0 cannot hold
# Named as the CSV export names a response's facts, with "_", so no question's name can take their place.
FACTS = (("_site", "Text"), ("_date", "Date"), ("_language", "Text"), ("_question", "Text"))


@dataclass
class QdpxCounts:
    """What a .qdpx holds."""

    sources: int = 0
    selections: int = 0
    notes: int = 0


def _when(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def xml_safe(text: str) -> str:
    """The text without the control characters XML 1.0 cannot hold (a form may have let one through)."""
    return NOT_XML.sub("", text)


class _Builder:
    """Elements in one namespace, their texts and attributes made XML-safe."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def __call__(self, tag: str, parent: Any = None, text: str | None = None, **attrib: str | None) -> Any:
        values = {k: xml_safe(v) for k, v in attrib.items() if v is not None and v != ""}
        qualified = f"{{{self.namespace}}}{tag}"
        if parent is None:
            element = etree.Element(qualified, values, nsmap={None: self.namespace})
        else:
            element = etree.SubElement(parent, qualified, values)
        if text is not None:
            element.text = xml_safe(text)
        return element


def _code_element(make: _Builder, parent: Any, code: RefiCode, notes: dict[str, list[str]]) -> None:
    element = make("Code", parent, guid=code.guid, name=code.name, isCodable="true", color=code.colour)
    if code.description:
        make("Description", element, code.description)
    for note in notes.get(code.key, []):
        make("NoteRef", element, targetGUID=note)
    for child in code.children:
        _code_element(make, element, child, notes)


def codebook_element(make: _Builder, codes: list[RefiCode], notes: dict[str, list[str]], parent: Any = None) -> Any:
    """A CodeBook element with every code, sub-codes inside their parents."""
    book = make("CodeBook", parent)
    holder = make("Codes", book)
    for code in codes:
        _code_element(make, holder, code, notes)
    return book


def write_qdc(language: str, target: IO[bytes]) -> int:
    """Write the codebook's themes and the team's codes as a REFI-QDA codebook; return how many codes."""
    codes = code_tree(language)
    book = codebook_element(_Builder(CODEBOOK_NS), codes, {})
    book.set("origin", "Voces")
    target.write(etree.tostring(book, xml_declaration=True, encoding="utf-8", pretty_print=True))
    return len(flatten(codes))


def code_details(codes: list[RefiCode]) -> dict[str, dict[str, Any]]:
    """The team's codes as Voces knows them, by GUID: what a Voces import restores in full."""
    return {
        c.guid: {"key": c.key} | {name: getattr(c.team, name) for name in DESCRIBED}
        for c in flatten(codes)
        if c.team is not None
    }


def _memos(export: Export) -> list[Memo]:
    query = select(Memo).where(Memo.survey_id == export.survey.id).options(selectinload(Memo.author))
    return [m for m in db.session.scalars(query.order_by(Memo.id)) if export.blindfold.shows_memo(m)]


def _people(export: Export, exporter: User | None) -> list[User]:
    """The people who coded or wrote memos in this survey, and who exports."""
    coders = (
        select(CodedPassage.coder_id)
        .join(Testimonial, Testimonial.id == CodedPassage.testimonial_id)
        .join(Response, Response.id == Testimonial.response_id)
        .where(Response.survey_version_id.in_([v.id for v in export.survey.versions]))
    )
    authors = select(Memo.author_id).where(Memo.survey_id == export.survey.id)
    query = select(User).where(or_(User.id.in_(coders), User.id.in_(authors), User.id == getattr(exporter, "id", -1)))
    return list(db.session.scalars(query.order_by(User.id)))


def _speakable(export: Export, testimonial: Testimonial) -> bool:
    return not (export.publication and testimonial.response.consent_scope == ConsentScope.INTERNAL)


def _testimonies(export: Export, ids: list[int]) -> list[Testimonial]:
    query = (
        select(Testimonial)
        .where(Testimonial.response_id.in_(ids))
        .options(
            selectinload(Testimonial.response).selectinload(Response.site),
            selectinload(Testimonial.passages).selectinload(CodedPassage.coder),
            selectinload(Testimonial.tags),
        )
        .order_by(Testimonial.response_id, Testimonial.id)
    )
    return [t for t in db.session.scalars(query) if _speakable(export, t)]


def _variable_value(make: _Builder, parent: Any, variable: str, kind: str, value: str) -> None:
    holder = make("VariableValue", parent)
    make("VariableRef", holder, targetGUID=variable)
    make(f"{kind}Value", holder, value)


class _ProjectWriter:
    """Writes project.qde a section at a time and the sources into the zip, so memory stays flat."""

    def __init__(self, export: Export, language: str, machine_tags: bool, exporter: User | None) -> None:
        self.export, self.language, self.machine_tags, self.exporter = export, language, machine_tags, exporter
        self.make = _Builder(PROJECT_NS)
        self.codes = code_tree(language)
        self.known = {c.key for c in flatten(self.codes)}
        self.memos = _memos(export)
        self.note_guids = {m.id: guid("memo", export.survey.slug, str(m.id)) for m in self.memos}
        self.on_passage: dict[int, list[str]] = {}
        self.on_testimony: dict[int, list[str]] = {}
        for memo in self.memos:
            if memo.passage_id is not None:
                self.on_passage.setdefault(memo.passage_id, []).append(self.note_guids[memo.id])
            elif memo.testimonial_id is not None:
                self.on_testimony.setdefault(memo.testimonial_id, []).append(self.note_guids[memo.id])
        self.exported_testimonies: set[int] = set()
        self.exported_passages: set[int] = set()
        self.counts = QdpxCounts()
        self.answer_variables = {q.name: guid("variable", "answer", q.name) for q in export.answers}

    def header(self) -> list[Any]:
        """Users, the codebook and the variables."""
        make, sections = self.make, []
        people = _people(self.export, self.exporter)
        if people or self.machine_tags:
            users = make("Users")
            for person in people:
                make("User", users, guid=user_guid(person), name=person.email)
            if self.machine_tags:
                make("User", users, guid=user_guid(None), name="Voces (machine tags)")
            sections.append(users)
        code_notes: dict[str, list[str]] = {}
        for memo in self.memos:
            if memo.code_key is not None:
                code_notes.setdefault(memo.code_key, []).append(self.note_guids[memo.id])
        sections.append(codebook_element(make, self.codes, code_notes))
        variables = make("Variables")
        for name, kind in FACTS:
            make("Variable", variables, guid=guid("variable", "fact", name), name=name, typeOfVariable=kind)
        for name, variable in self.answer_variables.items():
            make("Variable", variables, guid=variable, name=name, typeOfVariable="Text")
        sections.append(variables)
        return sections

    def cases(self) -> Iterator[Any]:
        """One case per response: its site, date, language and answers, and its testimonies as sources."""
        make, export = self.make, self.export
        for ids in response_id_batches(export):
            answers: dict[int, dict[str, Any]] = {i: {} for i in ids}
            for response_id, name, text, number in db.session.execute(
                select(Answer.response_id, Answer.question, Answer.value_text, Answer.value_number).where(
                    Answer.response_id.in_(ids)
                )
            ):
                answers[response_id][name] = text if text is not None else number
            by_response: dict[int, list[Testimonial]] = {}
            for testimonial in _testimonies(export, ids):
                by_response.setdefault(testimonial.response_id, []).append(testimonial)
            for response_id in ids:
                testimonies = by_response.get(response_id, [])
                if not testimonies:
                    continue
                response = testimonies[0].response
                case = make("Case", guid=guid("case", response.uuid), name=f"{export.survey.slug} {response.id}")
                facts = {"_site": response.site.name if response.site else None, "_language": response.language}
                facts["_date"] = response.submitted_at.date().isoformat()
                for name, kind in FACTS:
                    if facts.get(name):
                        _variable_value(make, case, guid("variable", "fact", name), kind, str(facts[name]))
                readable = redacted_answers(export.answers, export.personal, answers[response_id])
                for question in export.answers:
                    if readable.get(question.name) not in (None, ""):
                        value = str(readable[question.name])
                        _variable_value(make, case, self.answer_variables[question.name], "Text", value)
                for testimonial in testimonies:
                    make("SourceRef", case, targetGUID=text_source_guid(response.uuid, testimonial.question))
                yield case

    def sources(self, archive: zipfile.ZipFile) -> Iterator[Any]:
        """Each testimony's redacted text as a file in the zip, and its TextSource."""
        for ids in response_id_batches(self.export):
            for testimonial in _testimonies(self.export, ids):
                yield self._source(testimonial, archive)

    def _source(self, testimonial: Testimonial, archive: zipfile.ZipFile) -> Any:
        make, response = self.make, testimonial.response
        source_guid = text_source_guid(response.uuid, testimonial.question)
        text = testimonial.redacted_text  # only the redacted text ever leaves
        archive.writestr(f"sources/{source_guid}.txt", text.encode("utf-8"))
        name = f"{self.export.survey.slug} {response.id} {testimonial.question}"
        source = make(
            "TextSource",
            guid=source_guid,
            name=name,
            plainTextPath=f"internal://{source_guid}.txt",
            creationDateTime=_when(response.submitted_at),
        )
        seen: set[str] = set()
        for passage in testimonial.passages:
            if passage.code_key not in self.known or not 0 <= passage.start < passage.end <= len(text):
                continue
            if not self.export.blindfold.shows_passage(passage):
                continue
            coder = user_guid(passage.coder) if passage.coder is not None else None
            key, start, end = passage.code_key, passage.start, passage.end
            selection_guid = guid("passage", source_guid, key, str(start), str(end), coder or "")
            if selection_guid in seen:
                continue
            seen.add(selection_guid)
            self._selection(source, selection_guid, key, start, end, coder, passage.created_at)
            for note in self.on_passage.get(passage.id, []):
                make("NoteRef", source[-1], targetGUID=note)
            self.exported_passages.add(passage.id)
        if self.machine_tags:
            self._machine_selections(source, testimonial, source_guid, seen)
        for note in self.on_testimony.get(testimonial.id, []):
            make("NoteRef", source, targetGUID=note)
        _variable_value(make, source, guid("variable", "fact", "_question"), "Text", testimonial.question)
        self.exported_testimonies.add(testimonial.id)
        self.counts.sources += 1
        return source

    def _machine_selections(self, source: Any, testimonial: Testimonial, source_guid: str, seen: set[str]) -> None:
        text = testimonial.redacted_text
        blind = self.export.blindfold
        shown = blind.tags(testimonial.id, testimonial.tags, [t for t in testimonial.tags if t.counts])
        for tag in shown:
            if tag.source != TagSource.MACHINE or tag.theme not in self.known:
                continue
            for evidence in tag.evidence or []:
                start, end = int(evidence["start"]), int(evidence["end"])
                selection_guid = guid("machine", source_guid, tag.theme, str(start), str(end))
                if 0 <= start < end <= len(text) and selection_guid not in seen:
                    seen.add(selection_guid)
                    self._selection(source, selection_guid, tag.theme, start, end, user_guid(None), tag.created_at)

    def _selection(
        self, source: Any, selection_guid: str, key: str, start: int, end: int, coder: str | None, when: datetime
    ) -> None:
        make = self.make
        selection = make(
            "PlainTextSelection",
            source,
            guid=selection_guid,
            startPosition=str(start),
            endPosition=str(end),
            creatingUser=coder,
            creationDateTime=_when(when),
        )
        coding = make("Coding", selection, guid=guid("coding", selection_guid), creatingUser=coder)
        coding.set("creationDateTime", _when(when))
        make("CodeRef", coding, targetGUID=guid("code", key))
        self.counts.selections += 1

    def notes(self) -> Any | None:
        """The memos on the project, on codes, and on the testimonies and passages exported."""
        make = self.make
        kept = [
            m
            for m in self.memos
            if (m.testimonial_id is None or m.testimonial_id in self.exported_testimonies)
            and (m.passage_id is None or m.passage_id in self.exported_passages)
        ]
        if not kept:
            return None
        notes = make("Notes")
        for memo in kept:
            note = make(
                "Note",
                notes,
                guid=self.note_guids[memo.id],
                name=memo.body.splitlines()[0][:60] if memo.body.strip() else str(memo.id),
                creatingUser=user_guid(memo.author) if memo.author is not None else None,
                creationDateTime=_when(memo.created_at),
                modifiedDateTime=_when(memo.updated_at) if memo.updated_at else None,
            )
            make("PlainTextContent", note, memo.body)
        self.counts.notes = len(kept)
        return notes

    def project_notes(self) -> list[Any]:
        """NoteRefs to the memos on the project as a whole."""
        project_memos = [m for m in self.memos if m.testimonial_id is None and m.code_key is None]
        return [self.make("NoteRef", targetGUID=self.note_guids[m.id]) for m in project_memos]


def write_qdpx(
    export: Export, target: IO[bytes], *, language: str, machine_tags: bool = False, exporter: User | None = None
) -> QdpxCounts:
    """Write the export's testimonies, the codes, people's coded passages and the memos as a .qdpx."""
    writer = _ProjectWriter(export, language, machine_tags, exporter)
    versions = sorted(export.survey.versions, key=lambda v: v.id)
    title = versions[-1].title(language) if versions else ""
    attrib = {"name": title or export.survey.slug, "origin": "Voces"}
    attrib["creationDateTime"] = _when(None)
    if exporter is not None:
        attrib["creatingUserGUID"] = user_guid(exporter)
    with (
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive,
        tempfile.TemporaryFile() as project,
    ):
        with etree.xmlfile(project, encoding="utf-8") as xml:
            xml.write_declaration(standalone=True)
            with xml.element(f"{{{PROJECT_NS}}}Project", attrib, nsmap={None: PROJECT_NS}):
                for section in writer.header():
                    xml.write(section)
                cases = writer.cases()
                first = next(cases, None)
                if first is not None:
                    with xml.element(f"{{{PROJECT_NS}}}Cases"):
                        xml.write(first)
                        for case in cases:
                            xml.write(case)
                sources = writer.sources(archive)
                first = next(sources, None)
                if first is not None:
                    with xml.element(f"{{{PROJECT_NS}}}Sources"):
                        xml.write(first)
                        for source in sources:
                            xml.write(source)
                notes = writer.notes()
                if notes is not None:
                    xml.write(notes)
                for note_ref in writer.project_notes():
                    xml.write(note_ref)
        project.seek(0)
        with archive.open("project.qde", "w") as entry:
            while chunk := project.read(64 * 1024):
                entry.write(chunk)
        details = {"codes": code_details(writer.codes)}
        archive.writestr(SIDECAR, json.dumps(details, ensure_ascii=False, indent=1))
    return writer.counts
