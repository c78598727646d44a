"""The questionnaire on the tablet, offline: skip logic, constraints, groups, every question type."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import InterviewMode, Response
from survey.services.surveys import import_survey
from tests.browser.field_kit import TABLET, count, open_field_app


def test_skip_logic_constraints_and_required_answers_work_offline_in_spanish(tablet):
    tablet.context.set_offline(True)
    tablet.locator("[data-survey=community-safety]").click()
    # The interview's view shows at once and its first screen is drawn once the new interview is kept
    # on the tablet: a "Next" pressed in between checks nothing, and drawing the screen hides the summary.
    expect(tablet.get_by_label("Tumaco")).to_be_visible()
    tablet.get_by_role("button", name="Next").click()
    summary = tablet.locator("[data-error-summary]")
    expect(summary).to_contain_text("Choose the community where the interview takes place.")
    tablet.get_by_label("Español").check()
    tablet.get_by_label("Tumaco").check()
    tablet.get_by_label("By phone").check()
    tablet.get_by_role("button", name="Next").click()
    # One screen per group of the example survey: about you, safety, support, community, your words.
    expect(tablet.locator("[data-screen] legend").first).to_have_text("¿Qué edad tiene?")
    progress = tablet.locator("[data-progress-text]")
    expect(progress).to_have_text("Screen 2 of 6")

    def go_to(question: str) -> None:
        while tablet.locator(f"[data-q={question}]:visible").count() == 0:
            tablet.get_by_role("button", name="Next").click()

    go_to("safe_at_night")
    tablet.get_by_role("button", name="Next").click()
    expect(summary).to_contain_text("Elija qué tan seguro(a) se siente de noche.")
    tablet.get_by_label("Seguro(a)", exact=True).check()
    go_to("support_used")
    expect(progress).to_have_text("Screen 4 of 6")
    experience = tablet.locator("#fq-support_experience-input")
    tablet.locator("#fq-support_used").get_by_label("No", exact=True).check()
    expect(experience).to_be_hidden()
    tablet.locator("#fq-support_used").get_by_label("Sí", exact=True).check()
    expect(experience).to_be_visible()  # the follow-up question now applies, on the same screen
    experience.fill("x" * 2001)
    tablet.get_by_role("button", name="Next").click()
    expect(tablet.locator("#fq-support_experience")).to_contain_text("Por favor escriba menos de 2.000 caracteres.")
    experience.fill("Me ayudó el grupo de apoyo de la parroquia.")
    expect(tablet.locator("#fq-support_experience .error-message")).to_be_hidden()
    tablet.get_by_role("button", name="Next").click()
    expect(tablet.locator("[data-screen] [data-q]").first).to_have_attribute("data-q", "prevention_involvement")
    tablet.get_by_role("button", name="Back").click()
    expect(progress).to_have_text("Screen 4 of 6")
    expect(experience).to_have_value("Me ayudó el grupo de apoyo de la parroquia.")
    go_to("change_story")
    tablet.locator("#fq-change_story-input").press_sequentially("Hay más luz en la calle")
    tablet.reload()  # the draft was saved as it was typed, with the screen it is on
    expect(tablet.locator("#fq-change_story-input")).to_have_value("Hay más luz en la calle")
    expect(progress).to_have_text("Screen 5 of 6")

    for width, height in (TABLET["width"], TABLET["height"]), (TABLET["height"], TABLET["width"]):
        tablet.set_viewport_size({"width": width, "height": height})
        targets = tablet.locator("[data-view=interview] button:visible, [data-screen] .choice:visible")
        heights = [box["height"] for box in (t.bounding_box() for t in targets.all())]
        assert heights and min(heights) >= 48, heights
        assert tablet.get_by_role("button", name="Next").bounding_box()["y"] < height  # in reach without scrolling


GROUPED = {
    "form_id": "household-visit",
    "version": "1",
    "title": {"en": "Household visit"},
    "questions": [
        {
            "name": "household",
            "type": "group",
            "appearance": "field-list",
            "label": {"en": "Household"},
            "questions": [
                {
                    "name": "people",
                    "type": "integer",
                    "required": True,
                    "label": {"en": "How many people live here?"},
                    "constraint": ". >= 1 and . <= 30",
                    "constraint_message": {"en": "Between 1 and 30 people."},
                },
                {
                    "name": "children",
                    "type": "integer",
                    "label": {"en": "How many of them are children?"},
                    "relevant": "${people} > 1",
                    "constraint": ". < ${people}",
                    "constraint_message": {"en": "Fewer children than people."},
                },
                {"name": "adults", "type": "calculate", "calculation": "${people} - coalesce(${children}, 0)"},
                {
                    "name": "adults_note",
                    "type": "note",
                    "label": {"en": "Three adults or more (${adults}): ask each of them."},
                    "relevant": "${adults} >= 3",
                },
            ],
        },
        {"name": "region", "type": "select_one", "choices": "regions", "label": {"en": "Region"}},
        {
            "name": "town",
            "type": "select_one",
            "choices": "towns",
            "choice_filter": "region=${region}",
            "label": {"en": "Town"},
        },
        {
            "name": "services",
            "type": "select_multiple",
            "choices": "services",
            "label": {"en": "Services used"},
            "required": "${region} = 'north'",  # XLSForm's required as an expression
        },
        {"name": "visited_on", "type": "date", "label": {"en": "Date of the visit"}},
        {"name": "edition", "type": "text", "read_only": True, "default": "v1", "label": {"en": "Form edition"}},
        {"name": "ack", "type": "acknowledge", "required": True, "label": {"en": "I read the closing statement"}},
    ],
    "choices": {
        "regions": [{"name": "north", "label": {"en": "North"}}, {"name": "south", "label": {"en": "South"}}],
        "towns": [
            {"name": "alto", "label": {"en": "Alto"}, "region": "north"},
            {"name": "bajo", "label": {"en": "Bajo"}, "region": "north"},
            {"name": "costa", "label": {"en": "Costa"}, "region": "south"},
        ],
        "services": [
            {"name": "clinic", "label": {"en": "Clinic"}},
            {"name": "school", "label": {"en": "School"}},
            {"name": "rehab", "label": {"en": "Rehab centre"}},
        ],
    },
}


def test_the_interview_shows_only_once_its_first_screen_is_drawn(tablet):
    """A new interview is kept in IndexedDB before its first screen is drawn: until then the home view
    stays, so no Next can be pressed on a screen that checks nothing."""
    tablet.evaluate(
        """() => {
            const save = window.VocesStore.saveRecord;
            window.VocesStore.saveRecord = (record) => new Promise((resolve) => {
                window.VocesStore.saveRecord = save;
                window.releaseSave = () => resolve(save(record));
            });
        }"""
    )
    tablet.locator("[data-survey=community-safety]").click()
    tablet.wait_for_function("() => typeof window.releaseSave === 'function'")
    expect(tablet.locator("[data-view=interview]")).to_be_hidden()
    expect(tablet.locator("[data-survey=community-safety]")).to_be_visible()
    tablet.evaluate("() => window.releaseSave()")
    expect(tablet.get_by_label("Tumaco")).to_be_visible()
    expect(tablet.locator("[data-view=home]")).to_be_hidden()
    expect(tablet.locator("[data-screen]")).to_be_focused()
    tablet.get_by_role("button", name="Next").click()
    summary = tablet.locator("[data-error-summary]")
    expect(summary).to_contain_text("Choose the community where the interview takes place.")


def test_groups_calculations_choice_filters_and_every_question_type_offline(tablet, server, field_app):
    with field_app.app_context():
        import_survey(GROUPED, publish=True)
        db.session.commit()
    open_field_app(tablet, server.url)  # the new survey is fetched for offline use
    tablet.context.set_offline(True)
    tablet.locator("[data-survey=household-visit]").click()
    tablet.get_by_label("Guaviare").check()
    tablet.get_by_label("In person").check()
    tablet.get_by_label("Their words may be quoted", exact=True).check()  # the survey does not ask it
    next_screen = tablet.get_by_role("button", name="Next")
    next_screen.click()

    expect(tablet.locator("[data-group=household] h2")).to_have_text("Household")
    people, children = tablet.locator("#fq-people-input"), tablet.locator("#fq-children-input")
    expect(children).to_be_hidden()
    people.fill("0")
    next_screen.click()
    expect(tablet.locator("#fq-people")).to_contain_text("Between 1 and 30 people.")
    people.fill("4")
    expect(children).to_be_visible()
    children.fill("5")
    next_screen.click()
    expect(tablet.locator("#fq-children")).to_contain_text("Fewer children than people.")
    children.fill("1")
    expect(tablet.get_by_text("Three adults or more")).to_be_visible()  # 4 - 1, calculated on the tablet
    note = tablet.locator("[data-q=adults_note] .note-text")  # the note shows the calculated answer
    expect(note).to_have_text("Three adults or more (3): ask each of them.")
    children.fill("0")
    expect(note).to_have_text("Three adults or more (4): ask each of them.")
    children.fill("1")
    next_screen.click()

    tablet.get_by_label("South").check()
    next_screen.click()
    expect(tablet.locator("[data-screen] .choice:visible")).to_have_text(["Costa"])
    tablet.get_by_label("Costa").check()
    tablet.get_by_role("button", name="Back").click()
    tablet.get_by_label("North").check()
    next_screen.click()
    expect(tablet.locator("[data-screen] .choice:visible")).to_have_text(["Alto", "Bajo"])
    tablet.get_by_label("Bajo").check()
    next_screen.click()
    expect(tablet.locator("[data-screen] legend")).to_have_text("Services used")  # no mark: not always required
    next_screen.click()
    expect(tablet.locator("#fq-services")).to_contain_text("This question needs an answer.")  # in the north
    tablet.get_by_label("Clinic").check()
    tablet.get_by_label("Rehab centre").check()
    next_screen.click()
    tablet.get_by_label("Date of the visit").fill("2026-11-20")
    next_screen.click()
    expect(tablet.get_by_label("Form edition")).to_be_disabled()
    expect(tablet.get_by_label("Form edition")).to_have_value("v1")
    next_screen.click()
    next_screen.click()
    expect(tablet.locator("[data-error-summary]")).to_contain_text("This question needs an answer.")
    tablet.get_by_label("I read the closing statement").check()
    next_screen.click()
    expect(tablet.locator("[data-review=services] .review-answer")).to_have_text("Clinic, Rehab centre")
    tablet.get_by_role("button", name="Finish the interview").click()
    tablet.get_by_role("button", name="Back to the list").click()

    tablet.context.set_offline(False)
    expect(count(tablet, "sent")).to_have_text("1")
    with field_app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        stored = {answer.question: answer.value_text for answer in response.answers}
        assert response.consent_scope.value == "quote" and response.mode == InterviewMode.IN_PERSON
    assert stored == {
        "people": "4",
        "children": "1",
        "adults": "3",
        "region": "north",
        "town": "bajo",
        "services": "clinic rehab",
        "visited_on": "2026-11-20",
        "edition": "v1",
        "ack": "OK",
    }
