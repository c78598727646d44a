"""An evaluator codes a passage selected with the mouse and one selected with the keyboard."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree
from sqlalchemy import select

from survey.extensions import db
from survey.models import CodedPassage, Role, Testimonial
from survey.services.refi_codes import PROJECT_NS, text_source_guid
from tests.browser.field_kit import severe_violations
from tests.conftest import PASSWORD

NS = {"q": PROJECT_NS}
STORY = "The clinic closed and there are more shootings at night."


@pytest.fixture
def page(browser):
    """A page where axe-core may be injected (the app's CSP would refuse it)."""
    context = browser.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _select_words_with_the_mouse(page, words):
    """Press on the first letter of the words and drag to just after the last, as a person does."""
    box = page.evaluate(
        """([words]) => {
          const region = document.getElementById('coding-text');
          const at = region.textContent.indexOf(words);
          const rect = (offset) => {
            const w = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
            let s = 0;
            for (let n = w.nextNode(); n; n = w.nextNode()) {
              if (offset < s + n.data.length) {
                const r = document.createRange(); r.setStart(n, offset - s); r.setEnd(n, offset - s + 1);
                return r.getBoundingClientRect();
              }
              s += n.data.length;
            }
          };
          const first = rect(at), last = rect(at + words.length - 1);
          const middle = (r) => r.top + r.height / 2;
          return {x1: first.left + 1, y1: middle(first), x2: last.right - 1, y2: middle(last)};
        }""",
        [words],
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_passage_coded_with_the_mouse_and_one_with_the_keyboard(page, live_server, make_response, make_user, lang):
    make_response(change_story=STORY, what_would_help="")
    story = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()
    for n in range(4):  # enough responses for the survey to be exported
        make_response(change_story=f"Another story, number {n}.", what_would_help="")
    evaluator = make_user(Role.EVALUATOR)
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(evaluator.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/evaluate/community-safety/testimonials/{story.id}?lang={lang}")
    assert severe_violations(page) == []

    _select_words_with_the_mouse(page, "clinic closed")
    assert page.locator("#start").input_value() == str(STORY.index("clinic closed"))
    assert page.locator("#end").input_value() == str(STORY.index("clinic closed") + len("clinic closed"))
    page.locator("#coding-form input[value=services]").check()
    page.locator("#coding-form button[type=submit]").click()
    page.wait_for_selector("mark.coded[data-codes=services]")
    assert "".join(page.locator("mark.coded[data-codes=services]").all_inner_texts()) == "clinic closed"

    page.locator("#coding-text").focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # before the full stop
    for _ in range(len("night")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+Shift+ArrowLeft")  # and a word more: "at "
    assert "at night" in page.locator("#coding-selection").inner_text()
    assert page.locator("#start").input_value() == str(STORY.index("at night"))
    assert page.locator("#end").input_value() == str(STORY.index("at night") + len("at night"))
    page.locator("#coding-form input[value=trust]").check()
    page.locator("#coding-form input[value=safety]").check()
    page.locator("#coding-form button[type=submit]").click()
    page.wait_for_selector("mark.coded[data-codes='safety trust']")
    assert "".join(page.locator("mark.coded[data-codes='safety trust']").all_inner_texts()) == "at night"
    assert severe_violations(page) == []

    page.locator("#about").select_option(label=page.locator("#about option").nth(2).inner_text())  # a passage
    page.locator("#body").fill("Night <b>and</b> trust go together")
    page.locator("#body").press("Tab")
    page.locator("form:has(#body) button[type=submit]").click()
    page.wait_for_selector(".memo-body")
    assert page.locator(".memo-body").inner_text() == "Night <b>and</b> trust go together"
    page.goto(f"{live_server}/evaluate/community-safety/memos?lang={lang}&q=trust")
    assert page.locator(".memo-body").count() == 1
    assert severe_violations(page) == []

    db.session.expire_all()
    coded = db.session.scalars(select(CodedPassage).order_by(CodedPassage.id)).all()
    assert [(p.code_key, STORY[p.start : p.end]) for p in coded] == [
        ("services", "clinic closed"),
        ("safety", "at night"),
        ("trust", "at night"),
    ]

    # The passages travel to NVivo, ATLAS.ti or QualCoder in the project file the list page offers.
    page.goto(f"{live_server}/evaluate/community-safety/testimonies?lang={lang}")
    with page.expect_download() as download:
        page.locator("a[href*='export.qdpx']").first.click()
    with zipfile.ZipFile(download.value.path()) as project:
        root = etree.fromstring(project.read("project.qde"))
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{PROJECT_NS}}}Code")}
    selections = root.findall(
        f".//q:TextSource[@guid='{text_source_guid(story.response.uuid, story.question)}']/q:PlainTextSelection", NS
    )
    exported = sorted(
        (STORY[int(s.get("startPosition")) : int(s.get("endPosition"))], codes[ref.get("targetGUID")])
        for s in selections
        for ref in s.iter(f"{{{PROJECT_NS}}}CodeRef")
    )
    assert [words for words, _ in exported] == ["at night", "at night", "clinic closed"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_codes_page_passes_axe(page, live_server, make_user, example_survey, lang):
    admin = make_user(Role.ADMIN)
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(admin.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/admin/codes?lang={lang}")
    page.locator("#key").fill("street_lighting")
    page.locator("#label_en").fill("Street lighting")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("a:has-text('street_lighting')")
    assert severe_violations(page) == []
    page.locator("a:has-text('street_lighting')").click()
    page.wait_for_selector("#retired")
    assert severe_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_merge_split_and_history_pages_pass_axe(page, live_server, make_user, make_response, lang):
    from survey.services.codes import add_code
    from survey.services.coding import code_passage

    admin = make_user(Role.ADMIN)
    make_response(change_story=STORY, what_would_help="")
    lamps = add_code("lamps", {"label_en": "Lamps"}, admin)
    code_passage(db.session.scalars(select(Testimonial)).one(), ["lamps"], 4, 10, admin)
    add_code("broken_lamps", {"label_en": "Broken lamps"}, admin, split_from="lamps")
    db.session.commit()
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(admin.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    for path in (f"/admin/codes/{lamps.id}/merge", f"/admin/codes/{lamps.id}/split", "/admin/codes/history"):
        page.goto(f"{live_server}{path}?lang={lang}")
        page.wait_for_selector("main h1")
        assert severe_violations(page) == []
    page.goto(f"{live_server}/admin/codes/{lamps.id}/split?lang={lang}")
    page.locator("select[name^=move-]").select_option("broken_lamps")
    page.locator("main form button.button-primary").click()
    page.wait_for_selector("select[name^=move-]", state="detached")  # no passage of lamps is left
    assert severe_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_theme_terms_page_passes_axe(page, live_server, make_user, example_survey, lang):
    admin = make_user(Role.ADMIN)
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(admin.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/admin/codes/themes/safety/terms?lang={lang}")
    page.wait_for_selector("#terms_en")
    assert severe_violations(page) == []
    page.locator("#terms_en").fill("crime\n***")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert severe_violations(page) == []
