"""An answer shown inside a label or hint, ${name}, as XLSForm writes it."""

from __future__ import annotations

import pytest

from survey.questionnaire import DefinitionError, parse_definition
from survey.services.surveys import import_survey

SHOWN = {
    "form_id": "outputs",
    "version": "1",
    "title": "Outputs",
    "questions": [
        {"name": "first_name", "type": "text", "label": "What may we call you?"},
        {
            "name": "greeting",
            "type": "note",
            "label": "Thank you, ${first_name} <b>!</b>",
            "hint": "${first_name}, the next questions are about your street.",
        },
        {"name": "street", "type": "text", "label": "Which street do you live on, ${first_name}?"},
    ],
}


def test_a_label_may_show_an_answer_but_not_one_to_an_unknown_question():
    assert parse_definition(SHOWN).question("greeting").label == {"en": "Thank you, ${first_name} <b>!</b>"}
    wrong = {**SHOWN, "questions": [*SHOWN["questions"][:2], {**SHOWN["questions"][2], "label": "${nobody}?"}]}
    with pytest.raises(DefinitionError, match="label shows the answer to an unknown question 'nobody'"):
        parse_definition(wrong)


def test_the_resident_form_leaves_a_place_for_the_answer_and_escapes_the_rest(client, db):
    import_survey(SHOWN, publish=True)
    db.session.commit()
    page = client.get("/s/outputs").get_data(as_text=True)
    assert 'Thank you, <span data-output="first_name"></span> &lt;b&gt;!&lt;/b&gt;' in page
    assert '<span data-output="first_name"></span>, the next questions' in page
    assert 'Which street do you live on, <span data-output="first_name"></span>?' in page
