"""Read a REFI-QDA project (.qdpx) or codebook (.qdc) into plain records, naming the element and line at fault.

Reading writes nothing: survey.services.refi_import checks the records against Voces before anything
is stored, so a file is imported whole or not at all.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, NoReturn

from lxml import etree

from survey.services.refi_codes import CODEBOOK_NS, PROJECT_NS
from survey.services.refi_export import SIDECAR

MAX_XML = 64 * 1024 * 1024  # what project.qde may hold once unzipped
MAX_TEXT = 8 * 1024 * 1024  # what one source's text may hold once unzipped
GUID = re.compile(r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?")
# No DTD, no entities, no network: a file from elsewhere cannot make the parser read files or URLs.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)


class RefiFileError(ValueError):
    """A REFI-QDA file that cannot be imported, with the element and line at fault."""


@dataclass
class FileCode:
    """A code of the file's codebook."""

    guid: str
    name: str
    description: str
    parent: str | None
    line: int
    notes: list[str] = field(default_factory=list)


@dataclass
class FileCoding:
    """A code applied to a selection, by whom."""

    code: str
    coder: str | None


@dataclass
class FileSelection:
    """A selection of a text source, with its codings and notes."""

    guid: str
    start: int
    end: int
    line: int
    codings: list[FileCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class FileSource:
    """A source of the project: a text source has its text when the file holds it."""

    guid: str
    name: str
    text: str | None
    line: int
    selections: list[FileSelection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class FileNote:
    """A note (a memo)."""

    guid: str
    body: str
    author: str | None
    line: int


@dataclass
class RefiFile:
    """What a .qdpx or .qdc holds."""

    is_project: bool
    codes: list[FileCode]
    users: dict[str, str] = field(default_factory=dict)  # GUID -> name
    sources: list[FileSource] = field(default_factory=list)
    notes: dict[str, FileNote] = field(default_factory=dict)
    project_notes: list[str] = field(default_factory=list)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # what a Voces export adds, by code GUID


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _fail(element: Any, message: str) -> NoReturn:
    raise RefiFileError(f"line {element.sourceline}: <{_local(element)}> {message}")


def _guid(element: Any, name: str = "guid") -> str:
    match = GUID.fullmatch((element.get(name) or "").strip())
    if match is None:
        _fail(element, f"has no valid {name}")
    return match.group(1).lower()


def _position(element: Any, name: str) -> int:
    value = element.get(name)
    if value is None or not value.strip().lstrip("-").isdigit():
        _fail(element, f"has no whole number {name}")
    return int(value)


class _Reader:
    def __init__(self, root: Any, archive: zipfile.ZipFile | None) -> None:
        self.root, self.archive = root, archive
        self.ns = etree.QName(root).namespace

    def children(self, element: Any, name: str) -> list[Any]:
        return list(element.iterchildren(f"{{{self.ns}}}{name}"))

    def child_text(self, element: Any, name: str) -> str | None:
        found = self.children(element, name)
        return (found[0].text or "") if found else None

    def notes_of(self, element: Any) -> list[str]:
        return [_guid(ref, "targetGUID") for ref in self.children(element, "NoteRef")]

    def codes(self, holder: Any, parent: str | None, found: list[FileCode]) -> list[FileCode]:
        for element in self.children(holder, "Code"):
            name = (element.get("name") or "").strip()
            if not name:
                _fail(element, "has no name")
            description = (self.child_text(element, "Description") or "").strip()
            code = FileCode(_guid(element), name, description, parent, element.sourceline, self.notes_of(element))
            found.append(code)
            self.codes(element, code.guid, found)
        return found

    def text_of(self, element: Any) -> str | None:
        """A text source's or a note's plain text: inline, or a file of the archive's sources folder."""
        inline = self.child_text(element, "PlainTextContent")
        if inline is not None:
            return inline
        path = element.get("plainTextPath") or ""
        if not path.startswith("internal://") or self.archive is None:
            return None  # kept outside the file: its offsets cannot be checked
        name = "sources/" + path.removeprefix("internal://")
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            _fail(element, f"names {path}, which the archive does not hold")
        if info.file_size > MAX_TEXT:
            _fail(element, f"names {path}, larger than {MAX_TEXT // 1024 // 1024} MB")
        try:
            return self.archive.read(info).decode("utf-8-sig")
        except UnicodeDecodeError:
            _fail(element, f"names {path}, which is not UTF-8 text")

    def selection(self, element: Any) -> FileSelection:
        start, end = _position(element, "startPosition"), _position(element, "endPosition")
        if not 0 <= start < end:
            _fail(element, f"selects {start}-{end}, which is not a passage")
        selection = FileSelection(_guid(element), start, end, element.sourceline, notes=self.notes_of(element))
        for coding in self.children(element, "Coding"):
            refs = self.children(coding, "CodeRef")
            if not refs:
                _fail(coding, "has no CodeRef")
            coder = _guid(coding, "creatingUser") if coding.get("creatingUser") else None
            if coder is None and element.get("creatingUser"):
                coder = _guid(element, "creatingUser")
            selection.codings.append(FileCoding(_guid(refs[0], "targetGUID"), coder))
        return selection

    def sources(self) -> list[FileSource]:
        found = []
        for holder in self.children(self.root, "Sources"):
            for element in holder:
                if not isinstance(element.tag, str):
                    continue
                source = FileSource(_guid(element), element.get("name") or "", None, element.sourceline)
                if _local(element) == "TextSource":
                    source.text = self.text_of(element)
                    source.selections = [self.selection(s) for s in self.children(element, "PlainTextSelection")]
                    source.notes = self.notes_of(element)
                found.append(source)
        return found

    def notes(self) -> dict[str, FileNote]:
        found = {}
        for holder in self.children(self.root, "Notes"):
            for element in self.children(holder, "Note"):
                author = _guid(element, "creatingUser") if element.get("creatingUser") else None
                note = FileNote(_guid(element), self.text_of(element) or "", author, element.sourceline)
                found[note.guid] = note
        return found


def _project_xml(archive: zipfile.ZipFile) -> bytes:
    names = {n.lower(): n for n in archive.namelist()}
    if "project.qde" not in names:
        raise RefiFileError("the archive holds no project.qde")
    info = archive.getinfo(names["project.qde"])
    if info.file_size > MAX_XML:
        raise RefiFileError(f"project.qde is larger than {MAX_XML // 1024 // 1024} MB")
    return archive.read(info)


def _details(archive: zipfile.ZipFile) -> dict[str, dict[str, Any]]:
    if SIDECAR not in archive.namelist() or archive.getinfo(SIDECAR).file_size > MAX_TEXT:
        return {}
    try:
        codes = json.loads(archive.read(SIDECAR)).get("codes", {})
    except (ValueError, AttributeError):
        raise RefiFileError(f"{SIDECAR} is not the JSON a Voces export writes") from None
    return {str(k).lower(): v for k, v in codes.items() if isinstance(v, dict)} if isinstance(codes, dict) else {}


def read_refi_file(data: bytes) -> RefiFile:
    """Read a .qdpx (a zip holding project.qde) or a .qdc (a codebook's XML)."""
    archive = None
    xml = data
    if data[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise RefiFileError("the file is not a readable zip archive") from None
        xml = _project_xml(archive)
    try:
        root = etree.fromstring(xml, PARSER)
    except etree.XMLSyntaxError as error:
        raise RefiFileError(f"line {error.lineno}: not well-formed XML: {error.msg}") from None
    namespace = etree.QName(root).namespace
    if (namespace, _local(root)) not in ((PROJECT_NS, "Project"), (CODEBOOK_NS, "CodeBook")):
        raise RefiFileError(f"line {root.sourceline}: <{_local(root)}> is not a REFI-QDA Project or CodeBook")
    reader = _Reader(root, archive)
    book = reader.children(root, "CodeBook") if namespace == PROJECT_NS else [root]
    codes: list[FileCode] = []
    for holder in (c for b in book for c in reader.children(b, "Codes")):
        reader.codes(holder, None, codes)
    if namespace == CODEBOOK_NS:
        return RefiFile(False, codes)
    users = {
        _guid(u): (u.get("name") or "").strip()
        for h in reader.children(root, "Users")
        for u in reader.children(h, "User")
    }
    return RefiFile(
        True,
        codes,
        users,
        reader.sources(),
        reader.notes(),
        reader.notes_of(root),
        _details(archive) if archive is not None else {},
    )
