"""REFI-QDA export: a .qdpx that validates against the schema, holding only redacted text, with stable GUIDs."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from survey.services.explore import ExploreFilters
from survey.services.exports import prepare_export
from survey.services.memos import write_memo
from survey.services.refi_codes import CODEBOOK_NS, PROJECT_NS, text_source_guid
from survey.services.refi_export import write_qdc, write_qdpx

# The schema sits beside the shared data: VOCES_SHARED_DATA names that folder, by default ../shared/data.
SHARED_DATA = Path(os.environ.get("VOCES_SHARED_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data")
SCHEMA = SHARED_DATA.parent / "standards" / "refi-qda" / "Project-mrt2019.xsd"
NS = {"q": PROJECT_NS}


def qdpx_of(survey, **options) -> zipfile.ZipFile:
    export = prepare_export(survey, ExploreFilters(), publication=False, min_group=5)
    target = io.BytesIO()
    write_qdpx(export, target, language="en", **options)
    return zipfile.ZipFile(io.BytesIO(target.getvalue()))


def test_the_project_validates_against_the_refi_qda_schema(coded):
    if not SCHEMA.exists():
        pytest.skip(f"the REFI-QDA schema is not at {SCHEMA}")
    import xmlschema

    survey, _, alice = coded
    archive = qdpx_of(survey, machine_tags=True, exporter=alice)
    xmlschema.XMLSchema(str(SCHEMA)).validate(io.BytesIO(archive.read("project.qde")))


def test_offsets_name_the_same_characters_in_the_exported_text(coded):
    survey, named, _ = coded
    archive = qdpx_of(survey)
    root = etree.fromstring(archive.read("project.qde"))
    source_guid = text_source_guid(named.response.uuid, "change_story")
    source = root.find(f".//q:TextSource[@guid='{source_guid}']", NS)
    text = archive.read(f"sources/{source_guid}.txt").decode("utf-8")
    assert source.get("plainTextPath") == f"internal://{source_guid}.txt" and text == named.redacted_text
    spans = sorted(
        (int(s.get("startPosition")), int(s.get("endPosition"))) for s in source.findall("q:PlainTextSelection", NS)
    )
    assert spans == sorted((p.start, p.end) for p in named.passages)
    assert text[spans[0][0] : spans[0][1]] == "the clinic closed"


def test_only_redacted_text_leaves(coded):
    survey, named, _ = coded
    archive = qdpx_of(survey, machine_tags=True)
    assert "[name]" in named.redacted_text
    for entry in archive.namelist():
        assert "Ramírez" not in archive.read(entry).decode("utf-8"), entry


def test_guids_are_the_same_on_every_export(coded):
    survey, _, _ = coded
    guids = [sorted(etree.fromstring(qdpx_of(survey).read("project.qde")).xpath("//@guid")) for _ in range(2)]
    assert guids[0] == guids[1] and len(set(guids[0])) == len(guids[0])


def test_the_machine_tags_come_only_when_asked(coded):
    survey, _, _ = coded
    plain = etree.fromstring(qdpx_of(survey).read("project.qde"))
    machine = etree.fromstring(qdpx_of(survey, machine_tags=True).read("project.qde"))
    count = "count(//q:PlainTextSelection)"
    assert machine.xpath(count, namespaces=NS) > plain.xpath(count, namespaces=NS) == 3
    assert "Voces (machine tags)" in machine.xpath("//q:User/@name", namespaces=NS)


def test_memos_become_notes_referred_to_where_they_were_written(coded):
    survey, _, _ = coded
    root = etree.fromstring(qdpx_of(survey).read("project.qde"))
    bodies = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) for n in root.findall(".//q:Note", NS)}
    expected = ["Clinic passage.", "Lights at night.", "Names a person.", "Overall: clinics matter."]
    assert sorted(bodies.values()) == expected

    def noted(path: str) -> list[str]:
        return [bodies[g] for g in root.xpath(f"{path}/q:NoteRef/@targetGUID", namespaces=NS)]

    assert noted("/q:Project") == ["Overall: clinics matter."]
    assert noted("//q:TextSource") == ["Names a person."]
    assert noted("//q:PlainTextSelection") == ["Clinic passage."]
    assert noted("//q:Code") == ["Lights at night."]


def test_the_cases_carry_site_date_language_and_answers(coded):
    survey, named, _ = coded
    root = etree.fromstring(qdpx_of(survey).read("project.qde"))
    variables = {v.get("guid"): v.get("name") for v in root.findall(".//q:Variable", NS)}
    source = text_source_guid(named.response.uuid, "change_story")
    (case,) = root.xpath(f"//q:Case[q:SourceRef/@targetGUID='{source}']", namespaces=NS)
    values = {
        variables[v.find("q:VariableRef", NS).get("targetGUID")]: v[1].text for v in case.findall("q:VariableValue", NS)
    }
    assert values["_language"] == "en" and values["_date"] == named.response.submitted_at.date().isoformat()
    assert values["_site"] == named.response.site.name and values["safe_at_night"] == "2"


def test_the_codebook_alone_holds_themes_sub_themes_and_team_codes_with_colours(coded):
    target = io.BytesIO()
    written = write_qdc("es", target)
    root = etree.fromstring(target.getvalue())
    codes = root.findall(".//{urn:QDA-XML:codebook:1.0}Code")
    assert len(codes) == written and all(c.get("color", "").startswith("#") for c in codes)
    names = {c.get("name") for c in codes}
    assert {"Seguridad", "Violencia", "Alumbrado"} <= names


def test_a_memo_keeps_its_line_breaks_and_loses_what_xml_cannot_hold(coded, db):
    survey, _, alice = coded
    write_memo(survey, "project", "First line\r\nsecond\x0b line", alice)
    root = etree.fromstring(qdpx_of(survey).read("project.qde"))
    bodies = root.xpath("//q:Note/q:PlainTextContent/text()", namespaces=NS)
    assert "First line\r\nsecond line" in bodies


def test_the_codebook_alone_has_the_projects_codebook_structure(coded):
    if not SCHEMA.exists():
        pytest.skip(f"the REFI-QDA schema is not at {SCHEMA}")
    import xmlschema

    target = io.BytesIO()
    write_qdc("en", target)
    # Codebook.xsd declares the same CodeBook type in its own namespace: moved into a Project, it must validate.
    book = etree.fromstring(target.getvalue().replace(CODEBOOK_NS.encode(), PROJECT_NS.encode()))
    del book.attrib["origin"]
    project = etree.Element(f"{{{PROJECT_NS}}}Project", name="codes", nsmap={None: PROJECT_NS})
    project.append(book)
    xmlschema.XMLSchema(str(SCHEMA)).validate(io.BytesIO(etree.tostring(project)))
