"""The XForm Collect downloads: pyxform's, from the survey's own XLSForm."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook
from pyxform import create_survey_from_xls

from survey.extensions import db
from survey.models import Site
from survey.questionnaire.xlsform.writing import write_xlsform
from survey.services.sites import list_sites
from survey.services.surveys import current_version, definition_of, get_survey, import_survey, read_survey
from survey.services.xforms import xform_for
from tests.services.test_xlsform_corpus import CORPUS, IMPORTING, WORKBOOKS

XF = "http://www.w3.org/2002/xforms"
H = "http://www.w3.org/1999/xhtml"
JR = "http://openrosa.org/javarosa"
NS = {"xf": XF, "h": H}


def parsed(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))


def test_a_translated_title_is_written_so_that_pyxform_builds_the_xform_and_voces_reads_it_back(
    tmp_path: Path, example_survey
):
    definition = definition_of(example_survey)
    assert definition.title["es"]  # the example survey's title is in English and Spanish
    path = tmp_path / "community-safety.xlsx"
    write_xlsform(definition, path, list_sites())
    xml = create_survey_from_xls(str(path)).to_xml(validate=False)
    title = parsed(xml).find("h:head/h:title", NS)
    assert title is not None and title.text == definition.title["en"]
    assert read_survey(path).definition["title"] == dict(definition.title)


def test_the_xform_asks_site_and_consent_as_the_voces_form_does(example_survey):
    xform = xform_for(example_survey)
    root = parsed(xform.xml)
    instance = root.find("h:head/xf:model/xf:instance/xf:data", NS)
    assert instance is not None
    assert (instance.get("id"), instance.get("version")) == ("community-safety", example_survey.version)
    fields = [etree.QName(child).localname for child in instance.iter()]  # in their groups, as on the web
    assert "site" in fields and "consent" in fields
    assert instance.find("xf:meta/xf:instanceID", NS) is not None
    binds = {b.get("nodeset"): b for b in root.iterfind("h:head/xf:model/xf:bind", NS)}
    assert binds["/data/about_you/site"].get("required") == "true()"
    assert binds["/data/your_words/consent"].get("required") == "true()"
    site_names = {
        item.findtext("xf:name", namespaces=NS) for item in root.iterfind(".//xf:instance[@id='sites']//xf:item", NS)
    }
    slugs = set(db.session.scalars(db.select(Site.slug)))
    assert slugs and slugs <= site_names
    consent_names = {
        item.findtext("xf:name", namespaces=NS) for item in root.iterfind(".//xf:instance[@id='consent']//xf:item", NS)
    }
    assert consent_names == {"quote", "quote_anonymous", "internal"}
    assert xform.md5.startswith("md5:") and len(xform.md5) == 36


def test_the_xform_is_built_once_per_version_and_again_when_the_sites_change(example_survey):
    first = xform_for(example_survey)
    assert xform_for(example_survey) is first
    db.session.add(Site(slug="la-nueva", name="La Nueva", region="Meta", country="CO"))
    db.session.flush()
    changed = xform_for(example_survey)
    assert changed is not first
    assert "la-nueva" in changed.xml and "la-nueva" not in first.xml


WOMEN = {
    "form_id": "women",
    "title": "Women",
    "questions": [
        {"name": "women", "type": "integer", "label": "How many women live here?"},
        {
            "name": "woman",
            "type": "repeat",
            "label": "Woman",
            "repeat_count": "${women}",
            "relevant": "${women} > 0",
            "questions": [
                {
                    "name": "about",
                    "type": "group",
                    "label": "About her",
                    "questions": [{"name": "woman_age", "type": "integer", "label": "Age"}],
                },
                {
                    "name": "visit",
                    "type": "repeat",
                    "label": "Visit",
                    "repeat_count": "2",
                    "questions": [{"name": "visit_place", "type": "text", "label": "Where?"}],
                },
            ],
        },
    ],
}


def test_a_repeat_inside_a_counted_repeat_is_a_repeat_inside_a_repeat_of_the_xform(db):
    root = parsed(xform_for(import_survey(WOMEN, publish=True)).xml)
    repeats = {r.get("nodeset"): r for r in root.iter(f"{{{XF}}}repeat")}
    assert list(repeats) == ["/data/woman", "/data/woman/visit"]
    assert repeats["/data/woman"].get(f"{{{JR}}}count").strip() == "/data/women"
    assert repeats["/data/woman"].find(".//xf:repeat", NS) is repeats["/data/woman/visit"]
    # pyxform counts a fixed number in a field of the instance it is in, then reads it
    assert repeats["/data/woman/visit"].get(f"{{{JR}}}count").strip() == "../visit_count"
    binds = {b.get("nodeset"): b for b in root.iterfind("h:head/xf:model/xf:bind", NS)}
    assert binds["/data/woman"].get("relevant").split() == ["/data/women", ">", "0"]
    assert binds["/data/woman/visit_count"].get("calculate") == "2"
    data = root.find("h:head/xf:model/xf:instance/xf:data", NS)
    # each repeat's pattern for new instances, its own inside the outer one's, then a first instance
    woman_template, woman = data.findall("xf:woman", NS)
    assert (woman_template.get(f"{{{JR}}}template"), woman.get(f"{{{JR}}}template")) == ("", None)
    assert woman_template.find("xf:visit", NS).get(f"{{{JR}}}template") == ""
    assert woman.find("xf:about/xf:woman_age", NS) is not None


@pytest.mark.skipif(not WORKBOOKS, reason="no XLSForm corpus; set VOCES_SHARED_DATA")
@pytest.mark.parametrize("name", sorted(IMPORTING))
def test_each_imported_real_workbook_gives_an_xform_whose_instance_names_it(name, db):
    version = import_survey(read_survey(CORPUS / name).definition, publish=True)
    db.session.flush()
    root = parsed(xform_for(version).xml)
    [instance] = root.findall("h:head/xf:model/xf:instance", NS)[:1]
    data = instance[0]
    assert (data.get("id"), data.get("version")) == (version.survey.slug, version.version)
    assert data.find("xf:meta/xf:instanceID", NS) is not None
    questions = {q.name for q in definition_of(version).questions}
    fields = {etree.QName(e).localname for e in data.iter()}
    assert questions <= fields
    assert root.find("h:body", NS) is not None and len(root.find("h:body", NS))


def _preloads(root: etree._Element) -> dict[str, tuple[str | None, str | None, str | None]]:
    """The XForm's preloaded fields by node: what ODK fills in, with what, and as what type."""
    return {
        b.get("nodeset"): (b.get(f"{{{JR}}}preload"), b.get(f"{{{JR}}}preloadParams"), b.get("type"))
        for b in root.iterfind("h:head/xf:model/xf:bind", NS)
        if b.get(f"{{{JR}}}preload") in ("timestamp", "property")
    }


def test_the_xform_has_collect_fill_in_when_the_interview_began_and_ended_as_pyxform_writes_start_and_end(
    example_survey,
):
    root = parsed(xform_for(example_survey).xml)
    data = root.find("h:head/xf:model/xf:instance/xf:data", NS)
    assert [etree.QName(e).localname for e in data][:2] == ["start", "end"]
    assert _preloads(root) == {
        "/data/start": ("timestamp", "start", "dateTime"),
        "/data/end": ("timestamp", "end", "dateTime"),
    }
    body = etree.tostring(root.find("h:body", NS)).decode()
    assert "/data/start" not in body and "/data/end" not in body  # filled in, never asked


def test_a_question_named_start_keeps_its_name_and_the_timestamp_takes_another(db):
    form = {
        "form_id": "trip",
        "title": "Trip",
        "questions": [{"name": "start", "type": "text", "label": "Where did you start from?"}],
    }
    root = parsed(xform_for(import_survey(form, publish=True)).xml)
    assert _preloads(root) == {
        "/data/_start": ("timestamp", "start", "dateTime"),
        "/data/end": ("timestamp", "end", "dateTime"),
    }
    assert root.find("h:body/xf:input[@ref='/data/start']", NS) is not None


def _workbook(path: Path, rows: list[tuple[str, str, str | None]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_a_form_with_deviceid_and_username_has_the_tablet_fill_them_in_and_writes_them_back(tmp_path: Path, db):
    rows = [("start", "start", None), ("imei", "phone_id", None), ("username", "username", None)]
    read = read_survey(_workbook(tmp_path / "visit.xlsx", [*rows, ("text", "place", "Where?")]))
    assert read.definition["metadata"] == ["deviceid", "username"]  # imei is pyxform's other name for deviceid
    root = parsed(xform_for(import_survey(read.definition, publish=True)).xml)
    assert _preloads(root) == {
        "/data/start": ("timestamp", "start", "dateTime"),
        "/data/end": ("timestamp", "end", "dateTime"),
        "/data/deviceid": ("property", "deviceid", "string"),
        "/data/username": ("property", "username", "string"),
    }
    exported = tmp_path / "exported.xlsx"
    write_xlsform(definition_of(current_version(get_survey("visit"))), exported)
    assert read_survey(exported).definition == {**read.definition, "version": "1"}  # numbered by Voces


def test_a_form_without_them_has_no_tablet_properties_filled_in(tmp_path: Path, db):
    read = read_survey(_workbook(tmp_path / "plain.xlsx", [("text", "place", "Where?")]))
    assert "metadata" not in read.definition
    root = parsed(xform_for(import_survey(read.definition, publish=True)).xml)
    assert set(_preloads(root)) == {"/data/start", "/data/end"}
