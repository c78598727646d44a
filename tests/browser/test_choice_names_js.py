"""jr:choice-name() on the web form and on the tablets: the chosen label in the language shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

JS = Path(__file__).resolve().parents[2] / "survey" / "static" / "js"

# The web form as survey/web/public/layout.py writes it for a form whose jr:choice-name() reads labels.
WEB_FORM = """<!doctype html><html><body><form data-form-logic>
  <fieldset data-question="used" data-type="select_one" data-choice-labels='{"yes": "Sí", "no": "No"}'>
    <input type="radio" name="q_used" value="yes" id="yes"><input type="radio" name="q_used" value="no" id="no">
  </fieldset>
  <div data-question="used_label" data-type="calculate"
       data-calculation="concat('(', jr:choice-name(${used}, '${used}'), ')')"></div>
  <p>Eligió <span data-output="used_label"></span></p>
</form></body></html>"""

DEFINITION = {
    "default_language": "es",
    "choices": {"yn": [{"name": "yes", "label": {"es": "Sí", "en": "Yes"}}, {"name": "no", "label": {"es": "No"}}]},
    "questions": [
        {"name": "used", "type": "select_one", "choices": "yn", "label": {"es": "¿Usó?", "en": "Used?"}},
        {"name": "used_label", "type": "calculate", "calculation": "jr:choice-name(${used}, '${used}')"},
        {
            "name": "member",
            "type": "repeat",
            "repeat_count": "2",
            "questions": [
                {
                    "name": "seen",
                    "type": "calculate",
                    "calculation": "concat(jr:choice-name(${used}, '${used}'), position(..))",
                }
            ],
        },
    ],
}

RESOLVE = """([definition, language]) => {
  const Q = window.VocesQuestionnaire;
  const state = Q.resolve(Q.compile(definition), {used: 'yes'}, undefined, {}, language);
  return [state.values.used_label, state.instances.member.map((i) => i.values.seen)];
}"""


def test_the_web_form_shows_the_chosen_label_as_the_page_gives_it(page: Any) -> None:
    page.set_content(WEB_FORM)
    page.add_script_tag(path=str(JS / "expressions.js"))
    page.add_script_tag(path=str(JS / "form-logic.js"))
    assert page.text_content("[data-output]") == "()"
    page.check("#yes")
    assert page.text_content("[data-output]") == "(Sí)"


def test_the_tablet_gives_the_chosen_label_in_the_interview_language(page: Any) -> None:
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(JS / "expressions.js"))
    page.add_script_tag(path=str(JS / "field" / "questionnaire.js"))
    assert page.evaluate(RESOLVE, [DEFINITION, "en"]) == ["Yes", ["Yes1", "Yes2"]]
    assert page.evaluate(RESOLVE, [DEFINITION, "es"]) == ["Sí", ["Sí1", "Sí2"]]
    assert page.evaluate(RESOLVE, [DEFINITION, "fr"]) == ["Sí", ["Sí1", "Sí2"]]  # the form's own language
