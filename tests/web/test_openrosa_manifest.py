"""OpenRosa's media manifest: Collect downloads the CSV files a form's pulldata() and instance() read."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from lxml import etree

from survey.extensions import db as _db
from survey.models import Role
from survey.services.devices import register_device
from survey.services.surveys import export_xlsform, get_survey, import_survey
from survey.services.teams import assign_survey
from tests.conftest import PASSWORD
from tests.web.test_openrosa import LIST_NS, XF, download_xform, message

MANIFEST_NS = {"m": "http://openrosa.org/xforms/xformsManifest"}
HOUSEHOLDS = [
    {"hh_id": "H-001", "head": "Ana María Cuero", "members": "4"},
    {"hh_id": "H-002", "head": 'Luis "Lucho" Angulo, hijo', "members": "7"},
]
CLINICS = [{"name": "c1", "beds": "4"}, {"name": "c2", "beds": ""}]
LOOKUPS = {
    "form_id": "lookups",
    "title": {"en": "Household follow-up", "es": "Seguimiento del hogar"},
    "questions": [
        {"name": "hh_id", "type": "text", "label": {"en": "Household code", "es": "Código del hogar"}},
        {"name": "head", "type": "calculate", "calculation": "pulldata('households', 'head', 'hh_id', ${hh_id})"},
        {"name": "beds", "type": "calculate", "calculation": "instance('clinics')/root/item[name = 'c1']/beds"},
    ],
    "data": {"households": HOUSEHOLDS, "clinics": CLINICS},
}
PLAIN = {
    "form_id": "plain",
    "title": {"en": "Plain", "es": "Simple"},
    "questions": [{"name": "story", "type": "text", "label": {"en": "Story", "es": "Relato"}}],
}


@pytest.fixture
def field_worker(make_user):
    return make_user(Role.FIELD_WORKER)


@pytest.fixture
def base(field_worker, db):
    """A registered tablet's server URL, with a form that reads two files and one that reads none."""
    import_survey(LOOKUPS, publish=True)
    import_survey(PLAIN, publish=True)
    _, token = register_device(field_worker, "tablet 1")
    _db.session.commit()
    return f"/openrosa/{token}"


def listed(client, url, **kwargs) -> dict[str, etree._Element]:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    forms = etree.fromstring(response.data).findall("x:xform", LIST_NS)
    return {form.findtext("x:formID", namespaces=LIST_NS): form for form in forms}


def local(url: str) -> str:
    return url.removeprefix("http://localhost")


def media_files(client, manifest_url: str, **kwargs) -> list[dict[str, str]]:
    response = client.get(local(manifest_url), **kwargs)
    assert response.status_code == 200
    assert response.content_type.startswith("text/xml")
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    root = etree.fromstring(response.data)
    assert root.tag == "{http://openrosa.org/xforms/xformsManifest}manifest"
    return [
        {field: file.findtext(f"m:{field}", namespaces=MANIFEST_NS) for field in ("filename", "hash", "downloadUrl")}
        for file in root.findall("m:mediaFile", MANIFEST_NS)
    ]


def test_only_a_form_with_files_has_a_manifest_url_and_it_keeps_the_tablets_token(client, base):
    forms = listed(client, f"{base}/formList")
    assert forms["plain"].find("x:manifestUrl", LIST_NS) is None
    url = forms["lookups"].findtext("x:manifestUrl", namespaces=LIST_NS)
    assert url == f"http://localhost{base}/forms/lookups/manifest.xml"


def test_the_manifest_lists_each_file_with_the_md5_of_the_bytes_downloaded(client, base):
    manifest = listed(client, f"{base}/formList")["lookups"].findtext("x:manifestUrl", namespaces=LIST_NS)
    files = media_files(client, manifest)
    assert [file["filename"] for file in files] == ["households.csv", "clinics.csv"]
    for file in files:
        assert file["downloadUrl"] == f"http://localhost{base}/forms/lookups/files/{file['filename']}"
        download = client.get(local(file["downloadUrl"]))
        assert download.status_code == 200
        assert download.content_type.startswith("text/csv")
        assert file["hash"] == "md5:" + hashlib.md5(download.data).hexdigest()
    households = client.get(local(files[0]["downloadUrl"])).data.decode("utf-8")
    assert list(csv.DictReader(io.StringIO(households))) == HOUSEHOLDS


def test_the_files_are_the_bytes_the_xlsform_export_writes(client, base, tmp_path):
    export_xlsform("lookups", tmp_path / "lookups.xlsx")
    for name in ("households.csv", "clinics.csv"):
        assert client.get(f"{base}/forms/lookups/files/{name}").data == (tmp_path / name).read_bytes()


def test_the_xform_declares_each_file_it_reads_by_the_name_the_manifest_gives(client, base):
    xform = etree.fromstring(download_xform(client, base, "lookups"))
    model = xform.find(f"{{http://www.w3.org/1999/xhtml}}head/{{{XF}}}model")
    sources = {instance.get("id"): instance.get("src") for instance in model.findall(f"{{{XF}}}instance[@src]")}
    assert sources == {"households": "jr://file-csv/households.csv", "clinics": "jr://file-csv/clinics.csv"}


def test_http_basic_gets_the_manifest_and_files_without_a_token_in_their_urls(client, base, field_worker):
    auth = (field_worker.email, PASSWORD)
    manifest = listed(client, "/openrosa/formList", auth=auth)["lookups"].findtext("x:manifestUrl", namespaces=LIST_NS)
    assert manifest == "http://localhost/openrosa/forms/lookups/manifest.xml"
    [households, _] = media_files(client, manifest, auth=auth)
    assert households["downloadUrl"] == "http://localhost/openrosa/forms/lookups/files/households.csv"
    download = client.get(local(households["downloadUrl"]), auth=auth)
    assert download.status_code == 200
    assert households["hash"] == "md5:" + hashlib.md5(download.data).hexdigest()


def test_the_manifest_and_files_are_refused_without_credentials_or_to_another_role(client, base, make_user, db):
    evaluator = make_user(Role.EVALUATOR)
    _, token = register_device(evaluator, "tablet")
    db.session.commit()
    for path in ("/forms/lookups/manifest.xml", "/forms/lookups/files/households.csv"):
        assert client.get(f"/openrosa{path}").status_code == 401
        assert client.get(f"/openrosa{path}", auth=(evaluator.email, PASSWORD)).status_code == 403
        assert client.get(f"/openrosa/{token}{path}").status_code == 403
        assert client.get(f"/openrosa/vdt_made-up{path}").status_code == 403


@pytest.mark.parametrize(
    "name", ["unknown.csv", "households", "HOUSEHOLDS.csv", "../households.csv", "..%2Fhouseholds.csv", "%2e%2e"]
)
def test_a_name_not_among_the_forms_files_is_404(client, base, name):
    assert client.get(f"{base}/forms/lookups/files/{name}").status_code == 404


def test_an_unknown_form_has_no_manifest_nor_files_and_says_so(client, base):
    response = client.get(f"{base}/forms/nothing/manifest.xml")
    assert response.status_code == 404
    assert "nothing" in message(response)
    assert client.get(f"{base}/forms/nothing/files/households.csv").status_code == 404
    unknown = client.get(f"{base}/forms/lookups/files/unknown.csv")
    assert message(unknown) == "Form 'lookups' has no file 'unknown.csv'."


def test_a_form_without_files_has_an_empty_manifest(client, base):
    assert media_files(client, f"{base}/forms/plain/manifest.xml") == []


def test_a_file_not_found_is_said_in_spanish(client, base):
    response = client.get(f"{base}/forms/lookups/files/unknown.csv", headers={"Accept-Language": "es"})
    assert message(response) == "El formulario 'lookups' no tiene el archivo 'unknown.csv'."


def test_a_file_named_like_a_question_leaves_pulldata_declared_and_the_xform_built(client, base, db):
    named_alike = {
        **LOOKUPS,
        "form_id": "alike",
        "questions": [*LOOKUPS["questions"], {"name": "clinics", "type": "text", "label": {"en": "C", "es": "C"}}],
    }
    import_survey(named_alike, publish=True)
    db.session.commit()
    model = etree.fromstring(download_xform(client, base, "alike")).find(
        f"{{http://www.w3.org/1999/xhtml}}head/{{{XF}}}model"
    )
    assert [instance.get("id") for instance in model.findall(f"{{{XF}}}instance[@src]")] == ["households"]
    files = media_files(client, f"{base}/forms/alike/manifest.xml")
    assert [file["filename"] for file in files] == ["households.csv", "clinics.csv"]


def test_a_form_assigned_to_someone_else_has_no_manifest_nor_files_for_this_tablet(client, base, make_user, db):
    other = make_user(Role.FIELD_WORKER)
    assign_survey(get_survey("lookups"), [], [other.id], by=None)
    db.session.commit()
    assert "lookups" not in listed(client, f"{base}/formList")
    assert client.get(f"{base}/forms/lookups/manifest.xml").status_code == 404
    assert client.get(f"{base}/forms/lookups/files/households.csv").status_code == 404
