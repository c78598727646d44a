"""REFI-QDA import: a round trip keeps every code, offset and memo; bad files are refused whole, by line."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import delete, select

from survey.models import AuditEvent, Code, CodedPassage, Memo, Role, TagSource, Testimonial, ThemeTag, User
from survey.services.codes import add_code
from survey.services.refi_codes import user_guid
from survey.services.refi_export import write_qdc
from survey.services.refi_import import import_refi
from survey.services.refi_read import RefiFileError
from tests.services.test_refi_export import qdpx_of


def qdpx_bytes(survey, **options) -> bytes:
    archive = qdpx_of(survey, **options)
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as copy:
        for name in archive.namelist():
            copy.writestr(name, archive.read(name))
    return target.getvalue()


def coding_of(db) -> dict[str, list]:
    passages = db.session.scalars(select(CodedPassage).order_by(CodedPassage.id)).all()
    memos = db.session.scalars(select(Memo).order_by(Memo.id)).all()
    texts = {p.id: (p.code_key, p.start, p.end) for p in passages}
    return {
        "codes": sorted((c.key, c.label_en, c.label_es, c.parent_theme) for c in db.session.scalars(select(Code))),
        "passages": sorted((p.testimonial_id, p.code_key, p.start, p.end, p.coder.email) for p in passages),
        "memos": sorted((m.body, m.testimonial_id, texts.get(m.passage_id), m.code_key, m.author.email) for m in memos),
    }


def empty_the_coding(db) -> None:
    """What a Voces holding the same testimonies but no coding looks like."""
    for statement in (
        delete(Memo),
        delete(CodedPassage),
        delete(ThemeTag).where(ThemeTag.source == TagSource.PASSAGE),
        delete(Code),
    ):
        db.session.execute(statement)
    db.session.commit()
    db.session.expire_all()


def test_a_round_trip_keeps_every_code_offset_and_memo(coded, db, make_user):
    survey, named, _ = coded
    before = coding_of(db)
    data = qdpx_bytes(survey, machine_tags=True)
    empty_the_coding(db)
    importer = make_user(Role.ADMIN)
    report = import_refi(data, survey, importer)
    db.session.commit()
    assert coding_of(db) == before
    assert report.codes_added == ["street_lighting"] and report.passages == 3 and report.memos == 4
    assert report.machine_codings > 0 and not report.unknown_sources  # the machine's tags are not people's codes
    assert any(t.source == TagSource.PASSAGE and t.theme == "services" for t in named.tags)
    again = import_refi(data, survey, importer)  # nothing is added twice
    assert (again.passages, again.memos, again.codes_added) == (0, 0, [])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import_refi_qda")).first()
    assert event.actor_id == importer.id and event.detail["passages"] == 3


def rewritten(data: bytes, change) -> bytes:
    """The .qdpx with its project.qde passed through change()."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            body = source.read(name)
            copy.writestr(name, change(body.decode("utf-8")) if name == "project.qde" else body)
    return target.getvalue()


STRANGER = (
    '<TextSource guid="00000000-0000-4000-8000-000000000001" name="elsewhere">'
    "<PlainTextContent>Hola</PlainTextContent></TextSource>"
)


def test_a_source_that_did_not_come_from_voces_is_reported_not_created(coded, db, make_user):
    survey, _, _ = coded
    data = rewritten(qdpx_bytes(survey), lambda xml: xml.replace("<Sources>", "<Sources>" + STRANGER, 1))
    empty_the_coding(db)
    testimonies = len(db.session.scalars(select(Testimonial)).all())
    report = import_refi(data, survey, make_user(Role.ADMIN))
    assert report.unknown_sources == ["elsewhere"] and report.passages == 3
    assert len(db.session.scalars(select(Testimonial)).all()) == testimonies


def test_a_source_whose_text_changed_elsewhere_keeps_its_codings_out(coded, db, make_user):
    survey, named, _ = coded
    data = qdpx_bytes(survey)
    archive = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as copy:
        for name in archive.namelist():
            body = archive.read(name)
            copy.writestr(name, b"Another text." if name.startswith("sources/") else body)
    empty_the_coding(db)
    report = import_refi(target.getvalue(), survey, make_user(Role.ADMIN))
    sources = [n for n in archive.namelist() if n.startswith("sources/")]
    assert report.passages == 0 and len(report.changed_sources) == len(sources)
    assert db.session.scalars(select(CodedPassage)).all() == []
    assert sorted(m.body for m in db.session.scalars(select(Memo))) == ["Lights at night.", "Overall: clinics matter."]


def test_coders_are_found_by_guid_then_email_and_unknown_ones_become_the_importer(coded, db, make_user):
    survey, _, alice = coded
    bob = db.session.scalars(select(User).where(User.email == "bob@voces.example")).one()

    def change(xml: str) -> str:
        xml = xml.replace(user_guid(bob), "00000000-0000-4000-8000-0000000000b0")  # a new GUID, the same e-mail
        xml = xml.replace(user_guid(alice), "00000000-0000-4000-8000-0000000000a0")
        return xml.replace(alice.email, "nobody@elsewhere.example")

    data = rewritten(qdpx_bytes(survey), change)
    empty_the_coding(db)
    importer = make_user(Role.ADMIN)
    import_refi(data, survey, importer)
    coders = {p.code_key: p.coder.email for p in db.session.scalars(select(CodedPassage))}
    assert coders == {"services": importer.email, "street_lighting": importer.email, "safety": bob.email}
    authors = {m.body: m.author.email for m in db.session.scalars(select(Memo))}
    assert authors["Names a person."] == bob.email and authors["Clinic passage."] == importer.email


UNKNOWN = "00000000-0000-4000-8000-00000000dead"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda xml: xml.replace('startPosition="', 'startPosition="x', 1),
            r"line \d+: <PlainTextSelection> has no whole",
        ),
        (lambda xml: xml.replace('endPosition="', 'endPosition="9999', 1), r"line \d+: .* after the text's"),
        (
            lambda xml: xml.replace('<CodeRef targetGUID="', f'<CodeRef targetGUID="{UNKNOWN}" x="', 1),
            "CodeBook does not",
        ),
        (
            lambda xml: xml.replace('<CodeRef targetGUID="', '<CodeRef targetGUID="0', 1),
            r"line \d+: <CodeRef> has no valid",
        ),
        (lambda xml: xml.replace("</Project>", "<Project>"), r"line \d+: not well-formed XML"),
        (lambda xml: xml.replace('<NoteRef targetGUID="', f'<NoteRef targetGUID="{UNKNOWN}" x="', 1), UNKNOWN),
    ],
)
def test_a_malformed_project_is_refused_whole_with_its_line(coded, db, make_user, change, message):
    survey, _, _ = coded
    data = rewritten(qdpx_bytes(survey), change)
    empty_the_coding(db)
    with pytest.raises(RefiFileError, match=message):
        import_refi(data, survey, make_user(Role.ADMIN))
    db.session.rollback()
    assert db.session.scalars(select(Code)).all() == [] and db.session.scalars(select(CodedPassage)).all() == []


XXE = (
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>"
    b"<Code guid='00000000-0000-4000-8000-000000000002' name='&e;' isCodable='true'/></Codes></CodeBook>"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"PK\x03\x04 broken", "not a readable zip"), (b"<html/>", "not a REFI-QDA Project or CodeBook")],
)
def test_files_that_are_not_refi_qda_are_refused(db, make_user, data, message):
    with pytest.raises(RefiFileError, match=message):
        import_refi(data, None, make_user(Role.ADMIN))


XXE = (
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>"
    b"<Code guid='00000000-0000-4000-8000-000000000002' name='Lamps' isCodable='true'>"
    b"<Description>Read: &e;</Description></Code></Codes></CodeBook>"
)


def test_an_external_entity_is_never_read(db, make_user):
    import_refi(XXE, None, make_user(Role.ADMIN))
    (code,) = db.session.scalars(select(Code)).all()
    assert code.label_en == "Lamps" and code.definition_en.startswith("Read:") and "root:" not in code.definition_en


def test_a_codebook_adds_new_codes_and_updates_the_teams_by_guid(db, make_user):
    admin = make_user(Role.ADMIN)
    add_code("street_lighting", {"label_en": "Street lighting", "parent_theme": "safety"}, admin)
    target = io.BytesIO()
    write_qdc("en", target)
    xml = target.getvalue().decode("utf-8").replace('name="Street lighting"', 'name="Lamps"')
    bus_stops = (
        '<Code guid="00000000-0000-4000-8000-000000000003" name="Bus stops" isCodable="true">'
        "<Description>Where people wait.</Description></Code>"
    )
    xml = xml.replace("</Codes>", bus_stops + "</Codes>")
    report = import_refi(xml.encode("utf-8"), None, admin)
    codes = {c.key: (c.label_en, c.definition_en) for c in db.session.scalars(select(Code))}
    assert codes == {"street_lighting": ("Lamps", ""), "bus_stops": ("Bus stops", "Where people wait.")}
    assert report.codes_added == ["bus_stops"] and report.codes_updated == ["street_lighting"]
    assert import_refi(xml.encode("utf-8"), None, admin).codes_added == []  # matched again, by GUID or name
