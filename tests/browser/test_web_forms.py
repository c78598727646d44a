"""ODK's own client: @getodk/web-forms renders the XForms Voces serves, and what it submits is stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Answer, Response, Role, Testimonial
from survey.services.devices import register_device
from survey.services.surveys import import_survey, read_survey
from tests.services.test_xlsform_corpus import CORPUS, IMPORTING
from tests.web.test_nested_repeats import FAMILIES
from tests.web.test_openrosa_repeats import STORED
from tests.web.test_repeats import COUNTED

REPOSITORY = Path(__file__).resolve().parents[2]
MODULES = REPOSITORY / "node_modules"  # `npm install` puts the development packages here
WEB_FORMS = MODULES / "@getodk" / "web-forms" / "dist" / "index.js"
ORIGIN = (
    "http://localhost:9"  # a secure context, as Web Forms needs (crypto.randomUUID); never reached: served from disk
)
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{"imports": {"vue": "/node_modules/vue/dist/vue.esm-browser.prod.js"}}</script>
<script type="module">
import { createApp, h } from 'vue';
import { OdkWebForm, webFormsPlugin } from '/node_modules/@getodk/web-forms/dist/index.js';
window.submissions = [];
window.renderForm = (formXml) => {
  const app = createApp({ render: () => h(OdkWebForm, {
    formXml,
    fetchFormAttachment: () => Promise.resolve(new Response('', { status: 404 })),
    missingResourceBehavior: 'BLANK',
    onSubmit: async (payload) => {
      const data = Array.isArray(payload.data) ? payload.data[0] : payload.data;
      window.submissions.push(await data.get('xml_submission_file').text());
    },
  }) });
  app.use(webFormsPlugin);
  app.mount('#app');
};
</script></head><body><div id="app"></div></body></html>"""

pytestmark = pytest.mark.skipif(not WEB_FORMS.is_file(), reason="@getodk/web-forms is not installed: npm install")


@pytest.fixture
def token(make_user, db):
    _, token = register_device(make_user(Role.FIELD_WORKER), "tablet")
    db.session.commit()
    return token


def open_web_forms(page, xform: str) -> None:
    """Serve the page and the npm packages from disk, then render the XForm in Web Forms."""

    def serve(route):
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path == "/index.html":
            route.fulfill(body=PAGE, content_type="text/html")
        elif path.startswith("/node_modules/") and (MODULES / path.removeprefix("/node_modules/")).is_file():
            route.fulfill(path=MODULES / path.removeprefix("/node_modules/"))
        else:
            route.fulfill(status=404)

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/index.html")
    page.wait_for_function("typeof window.renderForm === 'function'")
    page.evaluate("xml => window.renderForm(xml)", xform)
    page.wait_for_selector(".form-questions", timeout=30_000)


def test_the_example_survey_filled_in_web_forms_is_stored_as_filled(page, client, example_survey, token, db):
    base = f"/openrosa/{token}"
    open_web_forms(page, client.get(f"{base}/forms/community-safety/form.xml").get_data(as_text=True))
    page.get_by_label("Tumaco", exact=False).first.check()
    page.get_by_text("Unsafe", exact=True).first.click()
    page.locator("textarea").first.fill("The clinic closed and the streets are dark.")
    page.get_by_text("You may quote my words", exact=True).click()
    page.get_by_role("button", name="Send").click()
    page.wait_for_function("window.submissions.length > 0")
    instance = page.evaluate("window.submissions[0]").encode()
    files = {"xml_submission_file": (io.BytesIO(instance), "submission.xml", "text/xml")}
    response = client.post(f"{base}/submission", data=files, content_type="multipart/form-data")
    assert response.status_code == 201, response.data
    stored = db.session.scalar(select(Response))
    assert stored.site.slug == "tumaco" and stored.consent_scope.value == "quote"
    assert {a.question: a.value_text for a in stored.answers}["safe_at_night"] == "2"
    # Web Forms fills in when the form was opened and finalised: the interview's length
    assert stored.started_at is not None and stored.started_at <= stored.submitted_at < stored.received_at
    [testimony] = db.session.scalars(select(Testimonial)).all()
    assert testimony.question == "change_story"


def send(page, client, base: str):
    """Press Send in Web Forms, then post what it submitted as Collect would."""
    page.get_by_role("button", name="Send").click()
    page.wait_for_function("window.submissions.length > 0")
    instance = page.evaluate("window.submissions[0]").encode()
    files = {"xml_submission_file": (io.BytesIO(instance), "submission.xml", "text/xml")}
    return client.post(f"{base}/submission", data=files, content_type="multipart/form-data")


def test_two_women_each_with_her_children_added_in_web_forms_are_stored_instance_by_instance(page, client, token, db):
    import_survey(FAMILIES, publish=True)
    db.session.commit()
    base = f"/openrosa/{token}"
    open_web_forms(page, client.get(f"{base}/forms/families/form.xml").get_data(as_text=True))
    page.get_by_role("button", name="Add Woman").click()
    for _ in range(2):  # the second woman's children: her instance starts with none
        page.get_by_role("button", name="Add Child").last.click()
    inputs = page.locator(".form-questions input")
    for n, name in enumerate(["Alto", "Ana", "Leo", "Eva", "Mia", "Noa"]):  # in the order the form shows them
        inputs.nth(n).fill(name)
    response = send(page, client, base)
    assert response.status_code == 201, response.data
    query = select(Answer.question, Answer.parent_instance, Answer.instance, Answer.value_text)
    assert sorted(tuple(row) for row in db.session.execute(query)) == STORED


def test_web_forms_makes_the_instances_a_repeat_count_asks_for_and_voces_stores_them(page, client, token, db):
    import_survey(COUNTED, publish=True)
    db.session.commit()
    base = f"/openrosa/{token}"
    open_web_forms(page, client.get(f"{base}/forms/counted/form.xml").get_data(as_text=True))
    inputs = page.locator(".form-questions input")
    inputs.first.press_sequentially("2")  # a number field takes keystrokes, not a value set at once
    inputs.first.press("Tab")
    expect(inputs).to_have_count(3)  # the count, then one age for each child
    inputs.nth(1).press_sequentially("9")
    inputs.nth(2).press_sequentially("5")
    inputs.nth(2).press("Tab")
    response = send(page, client, base)
    assert response.status_code == 201, response.data
    ages = select(Answer.instance, Answer.value_text).where(Answer.question == "child_age")
    assert sorted(tuple(row) for row in db.session.execute(ages)) == [(1, "9"), (2, "5")]


@pytest.mark.parametrize("name", sorted(IMPORTING))
def test_each_imported_real_workbook_renders_in_web_forms(page, client, token, db, name):
    if not CORPUS.is_dir():
        pytest.skip("no XLSForm corpus; set VOCES_SHARED_DATA")
    version = import_survey(read_survey(CORPUS / name).definition, publish=True)
    db.session.commit()
    form = client.get(f"/openrosa/{token}/forms/{version.survey.slug}/form.xml")
    assert form.status_code == 200  # a survey with repeats too: ODK clients fill each instance
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    xform = form.get_data(as_text=True)
    open_web_forms(page, xform)
    assert errors == []
    assert page.locator(".form-questions").inner_text().strip()
