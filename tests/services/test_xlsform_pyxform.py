"""XLSForms as teams write them for Kobo and ODK, read the way pyxform reads them."""

from __future__ import annotations

import re
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey.models import ConsentScope, Response, Role, SurveyVersion
from survey.questionnaire import parse_definition
from survey.services.submissions import Submission, record_submission
from survey.services.surveys import (
    SurveyImportError,
    definition_of,
    export_xlsform,
    get_survey,
    import_survey,
    read_survey,
)
from survey.services.xforms import xform_for
from tests.conftest import count
from tests.services.test_xlsform import question, write_xlsform
from tests.web.test_admin_surveys import upload

YES_NO = [
    {"list_name": "yes_no", "name": "yes", "label": "Yes"},
    {"list_name": "yes_no", "name": "no", "label": "No"},
]
ROWS = [
    {"type": "select_one yes_no", "name": "smoke", "label": "Do you smoke?"},
    {"type": "integer", "name": "per_day", "label": "How many a day?", "relevant": "${smoke} = 'yes'"},
]


def test_a_form_without_a_version_is_numbered_by_voces(tmp_path, db):
    path = write_xlsform(tmp_path / "smoking.xlsx", survey=ROWS, choices=YES_NO, settings={"form_id": "smoking"})
    first = import_survey(read_survey(path).definition)
    again = import_survey(read_survey(path).definition)
    assert first.version == "1" and again is first  # the same form again is the same version
    changed = [*ROWS, {"type": "text", "name": "why", "label": "Why?"}]
    path = write_xlsform(tmp_path / "smoking.xlsx", survey=changed, choices=YES_NO, settings={"form_id": "smoking"})
    second = import_survey(read_survey(path).definition)
    assert second.version == "2" and second.definition["version"] == "2"
    assert count(SurveyVersion) == 2


def test_a_form_without_a_form_id_is_named_after_its_file_on_the_command_line_and_the_web(
    tmp_path, db, client, make_user, login
):
    path = write_xlsform(tmp_path / "Smoking survey.xlsx", survey=ROWS, choices=YES_NO, settings={})
    assert read_survey(path).definition["form_id"] == "Smoking_survey"
    login(make_user(Role.ADMIN))
    assert upload(client, "household.xlsx", path.read_bytes()).status_code == 302
    assert upload(client, "market prices.xlsx", path.read_bytes()).status_code == 302
    assert get_survey("household") is not None and get_survey("market_prices") is not None
    assert get_survey("upload") is None


def test_pyxform_aliases_and_headers_are_read_as_odk_reads_them(tmp_path):
    rows = [
        {"Type": "select one from yes_no", "Name": "smoke", "Label": "Do you smoke?"},
        {"Type": "integer", "Name": "per_day", "Label": "How many a day?", "bind:relevant": "${smoke} = 'yes'"},
        {"Type": "phone number", "Name": "phone", "Label": "Phone"},
    ]
    settings = {"title": "Smoking", "id_string": "smoking"}
    data = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings=settings)).definition
    assert data["form_id"] == "smoking" and data["title"] == {"en": "Smoking"}
    assert question(data, "smoke")["type"] == "select_one" and question(data, "smoke")["choices"] == "yes_no"
    assert question(data, "per_day")["relevant"] == "${smoke} = 'yes'"
    phone = question(data, "phone")  # pyxform's type: text with digits only
    assert phone["type"] == "text" and phone["constraint"] == "regex(., '^\\d*$')"


def test_metadata_rows_are_accepted_and_not_asked(tmp_path):
    rows = [
        {"type": "start", "name": "start"},
        {"type": "deviceid", "name": "device"},
        {"type": "username", "name": "who"},
        {"type": "phonenumber", "name": "phone"},
        {"type": "audit", "name": "audit"},
        *ROWS,
    ]
    result = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}))
    assert [q["name"] for q in result.definition["questions"]] == ["smoke", "per_day"]
    assert result.warnings == [
        "survey sheet, row 2: start is metadata, not a question: "
        "Voces records it with each response (when the form was opened)",
        "survey sheet, row 3: deviceid is metadata, not a question: "
        "Voces records it with each response (the tablet that sent it)",
        "survey sheet, row 4: username is metadata, not a question: "
        "Voces records it with each response (the interviewer who sent it)",
        "survey sheet, row 5: phonenumber is metadata: Voces does not collect it; row skipped",
        "survey sheet, row 6: audit is metadata: Voces does not collect it; row skipped",
    ]


def test_an_unknown_column_and_a_layout_appearance_are_ignored_with_a_warning(tmp_path):
    rows = [{**ROWS[0], "notes_for_translators": "keep it short", "appearance": "quick"}, ROWS[1]]
    result = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}))
    assert result.warnings == [
        "survey sheet, row 2: column notes_for_translators is not one Voces reads; ignored",
        "survey sheet, row 2: appearance quick is not one Voces uses; ignored",
    ]
    assert "appearance" not in question(result.definition, "smoke")


def test_an_external_app_appearance_is_asked_as_the_ordinary_question_with_a_warning(tmp_path):
    rows = [*ROWS, {"type": "integer", "name": "steps", "label": "Steps", "appearance": "ex:org.app.Counter quick"}]
    result = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}))
    assert result.warnings == [
        "survey sheet, row 4: appearance ex:org.app.Counter: asked as an ordinary question: "
        "Voces cannot launch an external app",
        "survey sheet, row 4: appearance quick is not one Voces uses; ignored",
    ]
    steps = question(result.definition, "steps")
    assert steps["type"] == "integer" and "appearance" not in steps


def test_notes_of_a_picture_alone_or_showing_metadata_are_skipped_with_a_warning(tmp_path):
    rows = [
        {"type": "start", "name": "start"},
        {"type": "note", "name": "started", "label": "Opened at ${start}"},
        {"type": "note", "name": "logo", "media::image": "logo.png"},
        *ROWS,
        {"type": "note", "name": "thanks", "label": "Thank you (${smoke})", "media::image": "logo.png"},
    ]
    result = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}))
    assert [q["name"] for q in result.definition["questions"]] == ["smoke", "per_day", "thanks"]
    assert result.warnings[1:] == [
        "survey sheet, row 3: a note showing metadata (start), which Voces does not put on the form; row skipped",
        "survey sheet, row 4: a note that is only a picture or sound (media), with no words to show; row skipped",
        "survey sheet, row 7: pictures and sounds beside a label (media) are not shown, only the label's words; "
        "ignored",
    ]


def test_or_other_adds_the_choice_and_the_question_pyxform_adds(tmp_path):
    rows = [{**ROWS[0], "type": "select_one yes_no or_other"}, ROWS[1]]
    data = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={})).definition
    assert [c["name"] for c in data["choices"]["yes_no"]] == ["yes", "no", "other"]
    other = question(data, "smoke_other")
    assert other["type"] == "text" and other["relevant"] == "selected(${smoke}, 'other')"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"type": "rank yes_no", "name": "order", "label": "Order"}, "row 4, column type: Voces does not support rank"),
        ({"type": "range", "name": "score", "label": "Score"}, "row 4, column type: Voces does not support rang"),
        # a background recording is a file too; it is refused as what it does, not as a file question
        (
            {"type": "background-audio", "name": "sound"},
            "row 4, column type: Voces does not support the type 'background-audio' (background recording)",
        ),
    ],
)
def test_a_feature_voces_lacks_is_refused_naming_it_and_the_readme(tmp_path, row, message):
    rows = [*ROWS, row]
    with pytest.raises(SurveyImportError) as refused:
        read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}))
    assert message in str(refused.value) and "see 'XLSForm: what Voces reads' in the README" in str(refused.value)


def test_a_file_question_asks_for_any_file_and_goes_back_to_xlsform_as_one(tmp_path, db):
    rows = [*ROWS, {"type": "file", "name": "minutes", "label": "The meeting's minutes"}]
    result = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={"form_id": "m"}))
    assert question(result.definition, "minutes")["type"] == "file" and result.warnings[1:] == []
    import_survey(result.definition, publish=True)
    assert export_xlsform("m", tmp_path / "back.xlsx") == []
    assert question(read_survey(tmp_path / "back.xlsx").definition, "minutes")["type"] == "file"


def test_entities_and_osm_sheets_are_set_aside_and_an_osm_question_asks_for_its_file(tmp_path):
    path = write_xlsform(
        tmp_path / "f.xlsx",
        survey=[*ROWS, {"type": "osm building", "name": "house", "label": "Your house", "save_to": "home"}],
        choices=YES_NO,
        settings={"form_id": "m"},
    )
    workbook = load_workbook(path)
    for title, rows in {
        "entities": [("list_name", "label"), ("people", "${smoke}")],
        "osm": [("list_name", "name", "label"), ("building", "roof", "Roof")],
    }.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    result = read_survey(path)
    assert question(result.definition, "house")["type"] == "file"
    assert [str(w) for w in result.warnings] == [
        "entities sheet: Voces keeps no entity lists; the sheet and the save_to column are ignored, and the answers"
        " are stored",
        "osm sheet: Voces asks an osm question for the .osm file; the tags listed here are not asked",
        "survey sheet, row 4: osm asks for a map feature in another app; Voces asks for the .osm file instead",
    ]


CASCADE = [
    {"type": "select_one states", "name": "state", "label": "State"},
    {"type": "select_one counties", "name": "county", "label": "County", "choice_filter": "state=${state}"},
]
STATES_AND_COUNTIES = [
    {"list_name": "states", "name": "texas", "label": "Texas"},
    {"list_name": "states", "name": "washington", "label": "Washington"},
    {"list_name": "counties", "name": "king", "label": "King, Texas", "state": "texas"},
    {"list_name": "counties", "name": "king", "label": "King, Washington", "state": "washington"},
]


def test_a_choice_name_may_stand_twice_when_the_settings_allow_it(tmp_path, db, client):
    path = write_xlsform(tmp_path / "counties.xlsx", survey=CASCADE, choices=STATES_AND_COUNTIES, settings={})
    with pytest.raises(SurveyImportError, match=r"\[row : 5\] On the 'choices' sheet, the 'name' value is invalid"):
        read_survey(path)
    settings = {"allow_choice_duplicates": "yes"}
    path = write_xlsform(tmp_path / "counties.xlsx", survey=CASCADE, choices=STATES_AND_COUNTIES, settings=settings)
    result = read_survey(path)
    assert result.warnings == [] and result.definition["allow_choice_duplicates"] is True
    import_survey(result.definition, publish=True)
    db.session.commit()
    page = client.get("/s/counties").get_data(as_text=True)
    texas, washington = page.index("King, Texas"), page.index("King, Washington")
    assert "&#34;choice.state&#34;: &#34;texas&#34;" in page[texas - 400 : texas]
    assert "&#34;choice.state&#34;: &#34;washington&#34;" in page[washington - 400 : washington]
    export_xlsform("counties", tmp_path / "out.xlsx")
    assert read_survey(tmp_path / "out.xlsx").definition["allow_choice_duplicates"] is True


def test_a_refusal_on_the_upload_page_is_worded_in_the_admins_language(tmp_path, db, client, make_user, login):
    login(make_user(Role.ADMIN))
    rows = [*ROWS, {"type": "range", "name": "score", "label": "Score"}]
    data = write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}).read_bytes()
    client.get("/admin/surveys?lang=es")
    page = upload(client, "f.xlsx", data).get_data(as_text=True)
    assert (
        "f.xlsx: hoja survey, fila 4, columna type: Voces no admite los rangos (range); "
        "vea «XLSForm: what Voces reads» en el README"
    ) in page.replace("&#34;", '"').replace("&#39;", "'")
    client.get("/admin/surveys?lang=en")
    page = upload(client, "f.xlsx", data).get_data(as_text=True)
    assert "f.xlsx: survey sheet, row 4, column type: Voces does not support ranges (range)" in page


def test_pyxform_words_a_broken_row_and_they_are_passed_on_as_they_are(tmp_path):
    rows = [*ROWS, {"name": "why", "label": "Why?"}]
    with pytest.raises(SurveyImportError) as refused:
        read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}))
    assert str(refused.value) == "f.xlsx: XLSForm: [row : 4] Question with no type.\n{'name': 'why', 'label': 'Why?'}"


def test_required_may_be_an_expression_and_holds_only_when_it_is_true(tmp_path, db):
    from survey.questionnaire import parse_definition
    from survey.questionnaire.validate import validate_answers

    rows = [ROWS[0], {**ROWS[1], "relevant": "", "required": "${smoke} = 'yes'"}]
    data = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={})).definition
    assert question(data, "per_day")["required"] == "${smoke} = 'yes'"
    definition = parse_definition(data)
    _, errors = validate_answers(definition, {"smoke": "yes"}, "en")
    assert errors["per_day"].code == "required"
    assert validate_answers(definition, {"smoke": "no"}, "en") == ({"smoke": "no"}, {})
    import_survey(data, publish=True)
    export_xlsform("f", tmp_path / "out.xlsx")
    assert question(read_survey(tmp_path / "out.xlsx").definition, "per_day")["required"] == "${smoke} = 'yes'"


def test_locations_and_times_are_read_with_pyxforms_aliases_and_exported_back(tmp_path, db):
    rows = [
        *ROWS,
        {"type": "gps", "name": "home", "label": "Home"},
        {"type": "geopoint", "name": "clinic", "label": "Clinic", "appearance": "maps"},
        {"type": "geotrace", "name": "road", "label": "Road"},
        {"type": "geoshape", "name": "plot", "label": "Plot"},
        {"type": "time", "name": "opens", "label": "Opens"},
        {"type": "dateTime", "name": "seen", "label": "Seen"},
    ]
    path = write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={"form_id": "places"})
    data = read_survey(path).definition
    types = {name: question(data, name)["type"] for name in ("home", "clinic", "road", "plot", "opens", "seen")}
    assert types == {
        "home": "geopoint",
        "clinic": "geopoint",
        "road": "geotrace",
        "plot": "geoshape",
        "opens": "time",
        "seen": "datetime",
    }
    import_survey(data)
    export_xlsform("places", tmp_path / "back.xlsx")
    again = read_survey(tmp_path / "back.xlsx").definition
    assert {name: question(again, name)["type"] for name in types} == types


def test_barcodes_videos_pictures_beside_labels_and_a_form_id_with_spaces_are_read(tmp_path, db):
    rows = [
        {"type": "barcode", "name": "code", "label": "Code on the box"},
        {"type": "video", "name": "clip", "label": "Film the road"},
        {"type": "photo", "name": "plaza", "label": "Photo", "media::image": "plaza.png"},
        {"type": "audio", "name": "story", "label": "Tell us"},
    ]
    path = write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=[], settings={"form_id": "Market day 2"})
    result = read_survey(path)
    data = result.definition
    assert [question(data, n)["type"] for n in ("code", "clip", "plaza", "story")] == [
        "barcode",
        "video",
        "image",
        "audio",
    ]
    assert data["form_id"] == "Market_day_2"
    warnings = [str(w) for w in result.warnings]
    assert any("form_id 'Market day 2'" in w and "Market_day_2" in w for w in warnings)
    assert any(w.startswith("survey sheet, row 4:") and "pictures and sounds beside a label" in w for w in warnings)
    assert import_survey(data).survey.slug == "Market_day_2"


def test_a_location_listed_as_personal_is_kept_from_evaluators(tmp_path, db):
    from survey.questionnaire import parse_definition
    from survey.services.explore import reported_questions

    rows = [*ROWS, {"type": "geopoint", "name": "home", "label": "Home"}]
    settings = {"form_id": "homes", "personal": "home"}
    data = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings=settings)).definition
    reported = {q.name for q in reported_questions(parse_definition(data))}
    assert "home" not in reported and "per_day" in reported


TABLE = [
    {"type": "begin_group", "name": "services-used", "label": "Services used", "appearance": "table-list"},
    {"type": "select_one yes_no", "name": "clinic-visit", "label": "the clinic?"},
    {"type": "select_one yes_no", "name": "shelter", "label": "the shelter?"},
    {"type": "end_group"},
    {"type": "begin_group", "name": "drawn-by-hand", "label": "Since last year"},
    {"type": "select_one yes_no", "name": "header", "label": "Have you...", "appearance": "label"},
    {"type": "select_one yes_no", "name": "moved", "label": "moved house?", "appearance": "list-nolabel"},
    {"type": "end_group"},
    {"type": "integer", "name": "visits", "label": "How many visits?", "relevant": "${clinic-visit} = 'yes'"},
]


def test_an_odk_table_imports_as_questions_that_each_show_their_choices(tmp_path, db, client):
    result = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=TABLE, choices=YES_NO, settings={}))
    data = result.definition
    assert [q["name"] for q in question(data, "services-used")["questions"]] == ["clinic-visit", "shelter"]
    assert question(data, "header") == {"name": "header", "type": "note", "label": {"en": "Have you..."}}
    assert question(data, "clinic-visit")["type"] == "select_one" and "appearance" not in question(data, "moved")
    laid_out = "lays questions out as a table in ODK; here each shows its own choices"
    assert result.warnings == [
        f"survey sheet, row 3: appearance list-nolabel {laid_out}",  # pyxform's, for each row of a table-list
        f"survey sheet, row 4: appearance list-nolabel {laid_out}",
        "survey sheet, row 7: appearance label makes a table's header row: shown as a note",
        f"survey sheet, row 8: appearance list-nolabel {laid_out}",
    ]
    import_survey(data, publish=True)
    db.session.commit()
    page = client.get(f"/s/{data['form_id']}").get_data(as_text=True)
    assert "Have you..." in page and 'name="q_clinic-visit"' in page and 'value="yes"' in page


def test_another_forms_yes_or_no_consent_is_asked_as_any_question_and_its_answers_stay_internal(tmp_path, db):
    rows = [{"type": "select_one yes_no", "name": "consent", "label": "Do you agree to take part?"}, *ROWS]
    definition = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={})).definition
    assert parse_definition(definition).question("consent").bind is None
    version = import_survey(definition, publish=True)
    db.session.commit()
    response = record_submission(
        Submission(
            uuid=str(uuid.uuid4()),
            version=version,
            definition=definition_of(version),
            answers={"consent": "yes", "smoke": "no"},
            language="en",
        )
    )
    assert response.consent_scope == ConsentScope.INTERNAL


def test_repeats_inside_repeats_import_their_reused_and_dotted_names_told_apart(tmp_path, db):
    rows = [
        {"type": "begin_repeat", "name": "woman", "label": "Woman"},
        {"type": "text", "name": "name", "label": "Name"},
        {"type": "begin_repeat", "name": "child", "label": "Child"},
        {"type": "text", "name": "name", "label": "Name"},
        {"type": "select_one yes_no", "name": "likes.sweets", "label": "Sweets?"},
        {"type": "text", "name": "which", "label": "Which?", "relevant": "${likes.sweets} = 'yes'"},
        {"type": "end_repeat"},
        {"type": "end_repeat"},
    ]
    result = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}))
    assert result.warnings == [
        "survey sheet, row 5: the name name is used in another group too; this question is kept as name-2",
        "survey sheet, row 6: the name likes.sweets holds a dot, which numbers a repeat's instances in Voces; "
        "it is kept as likes_sweets",
    ]
    child = question(question(result.definition, "woman"), "child")
    assert [q["name"] for q in child["questions"]] == ["name-2", "likes_sweets", "which"]
    assert question(child, "which")["relevant"] == "${likes_sweets} = 'yes'"  # its references follow it
    import_survey(result.definition, publish=True)


def test_a_name_used_in_two_groups_keeps_both_answers_under_numbered_names(tmp_path, db):
    rows = [
        {"type": "begin_group", "name": "market_a", "label": "Market A"},
        {"type": "integer", "name": "price", "label": "Price"},
        {"type": "end_group"},
        {"type": "begin_group", "name": "market_b", "label": "Market B"},
        {"type": "integer", "name": "price", "label": "Price"},
        {"type": "end_group"},
    ]
    result = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={}))
    assert [q["name"] for q in question(result.definition, "market_b")["questions"]] == ["price-2"]
    assert result.warnings == [
        "survey sheet, row 6: the name price is used in another group too; this question is kept as price-2"
    ]
    import_survey(result.definition, publish=True)


def test_a_repeat_with_its_count_groups_and_two_languages_is_read_as_odk_writes_it(tmp_path):
    rows = [
        {"type": "integer", "name": "size", "label::English (en)": "People?", "label::Español (es)": "¿Personas?"},
        {
            "type": "begin_repeat",
            "name": "person",
            "label::English (en)": "Person",
            "label::Español (es)": "Persona",
            "repeat_count": "${size}",
        },
        {"type": "begin_group", "name": "details", "label::English (en)": "Details", "label::Español (es)": "Datos"},
        {
            "type": "integer",
            "name": "age",
            "label::English (en)": "Age",
            "label::Español (es)": "Edad",
            "constraint": "position(..) = 1 or . <= indexed-repeat(${age}, ${person}, position(..) - 1)",
        },
        {"type": "end_group"},
        {"type": "end_repeat"},
        {
            "type": "begin_repeat",
            "name": "visit",
            "label::English (en)": "Visit",
            "label::Español (es)": "Visita",
            "repeat_count": "2",
        },
        {"type": "text", "name": "place", "label::English (en)": "Where?", "label::Español (es)": "¿Dónde?"},
        {"type": "end_repeat"},
    ]
    data = read_survey(write_xlsform(tmp_path / "people.xlsx", survey=rows, settings={})).definition
    definition = parse_definition(data)
    person, visit = definition.repeats.values()
    assert person.count == "${size}" and person.label == {"en": "Person", "es": "Persona"}
    assert [q.name for q in person.questions] == ["age"] and person.group_names == {"details"}
    assert visit.count and definition.question(visit.count.strip("${}")).calculation == "2"  # pyxform's own count


def test_a_loop_over_a_list_asks_its_questions_once_per_choice_each_named_after_it(tmp_path):
    rows = [
        *ROWS,
        {"type": "begin_loop over yes_no", "name": "each"},
        {"type": "text", "name": "why", "label": "Why %(label)s?", "relevant": "${smoke} = '%(name)s'"},
        {"type": "end_loop"},
    ]
    data = read_survey(write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={})).definition
    loop = question(data, "each")
    assert loop["type"] == "group" and [g["name"] for g in loop["questions"]] == ["each_yes", "each_no"]
    why = question(data, "why_no")
    assert why["label"] == {"en": "Why No?"} and why["relevant"] == "${smoke} = 'no'"


def test_a_month_or_a_year_is_asked_for_and_stored_as_its_first_day_as_odk_stores_it(tmp_path, db, client):
    rows = [
        {"type": "date", "name": "moved", "label": "When did you move here?", "appearance": "month-year"},
        {"type": "date", "name": "born", "label": "Year you were born", "appearance": "year"},
    ]
    path = write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={"form_id": "moves"})
    result = read_survey(path)
    assert question(result.definition, "moved")["appearance"] == "month-year" and result.warnings[1:] == []
    version = import_survey(result.definition, publish=True)
    db.session.commit()
    xml = xform_for(version).xml  # ODK Collect asks for a month and a year too, and sends their first days
    assert 'appearance="month-year"' in xml and 'appearance="year"' in xml
    page = client.get("/s/moves").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="q_moved"[^>]*type="month"', page)
    assert re.search(r'<input[^>]*id="q_born"[^>]*max="9999"[^>]*type="number"', page)
    posted = client.post("/s/moves", data={"q_moved": "2026-03", "q_born": "1990", "uuid": str(uuid.uuid4())})
    assert posted.status_code == 302
    response = db.session.scalars(select(Response)).one()
    assert {a.question: a.value_text for a in response.answers} == {"moved": "2026-03-01", "born": "1990-01-01"}


def test_a_hidden_row_is_a_value_kept_unseen_from_its_default(tmp_path, db, client):
    rows = [
        {"type": "text", "name": "town", "label": "Town"},
        {"type": "hidden", "name": "wave", "default": "second"},
        {"type": "hidden", "name": "place", "default": "concat(${town}, ' (CO)')"},
        {"type": "hidden", "name": "blank"},
    ]
    path = write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=YES_NO, settings={"form_id": "hid"})
    data = read_survey(path).definition
    assert [question(data, name)["type"] for name in ("wave", "place", "blank")] == ["calculate"] * 3
    import_survey(data, publish=True)
    db.session.commit()
    assert client.post("/s/hid", data={"q_town": "Pasto", "uuid": str(uuid.uuid4())}).status_code == 302
    response = db.session.scalars(select(Response)).one()
    kept = {a.question: a.value_text for a in response.answers}
    assert kept["wave"] == "second" and kept["place"] == "Pasto (CO)" and kept.get("blank", "") == ""
