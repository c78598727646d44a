"""Administrators edit a theme's terms on its page and download the codebook back as a file."""

from __future__ import annotations

from sqlalchemy import select

from survey.analysis.codebook import load_codebook
from survey.models import AuditEvent, CodebookVersion, Role, ThemeTerms
from survey.services.theme_terms import current_terms
from tests.conftest import count, csrf_token

URL = "/admin/codes/themes/safety/terms"


def _form(key="safety", **changes):
    data = {f"{name}_{lang}": "\n".join(terms) for name, by in current_terms(key).items() for lang, terms in by.items()}
    return {**data, **changes}


def test_an_admin_edits_a_themes_terms_and_the_history_says_so(client, make_user, login, db):
    login(make_user(Role.ADMIN, "ana@voces.example"))
    page = client.get(URL).get_data(as_text=True)
    assert "Weak terms (English)" in page and "armed group*" in page
    assert 'href="/admin/codes/themes/safety.violence/terms"' in client.get("/admin/codes").get_data(as_text=True)
    form = _form()
    form["terms_en"] = form["terms_en"].replace("crime\n", "") + "\nvigilante*\n\ndusk\nvigilante*"
    form["weak_terms_en"] += "\ndusk"
    assert client.post(URL, data=form).status_code == 302
    terms = current_terms("safety")
    assert terms["terms"]["en"][-2:] == ["vigilante*", "dusk"] and "dusk" in terms["weak_terms"]["en"]
    assert "crime" not in terms["terms"]["en"]
    version = db.session.scalars(select(CodebookVersion)).one()
    assert version.change == "terms" and version.changed_by.email == "ana@voces.example"
    history = client.get("/admin/codes/history").get_data(as_text=True)
    assert "Terms of safety: +3 −1." in history and "ana@voces.example" in history
    assert count(AuditEvent) >= 1


def test_a_subtheme_has_no_weak_terms_of_its_own(client, make_user, login, db):
    login(make_user(Role.ADMIN))
    page = client.get("/admin/codes/themes/safety.violence/terms").get_data(as_text=True)
    assert "Terms (Spanish)" in page and "Weak terms" not in page
    assert client.get("/admin/codes/themes/nothing/terms").status_code == 404


def test_a_bad_line_is_named_and_what_was_typed_is_kept(client, make_user, login, db):
    login(make_user(Role.ADMIN))
    typed = "crime\nvigilante*\n***\n"
    page = client.post(URL, data=_form(terms_en=typed)).get_data(as_text=True)
    assert "Line 3, “***”: a term needs a letter or a digit." in page
    assert "crime\nvigilante*\n***" in page
    long = _form(exclusions_es="a" * 90)
    assert "a term has at most 80 characters" in client.post(URL, data=long).get_data(as_text=True)
    page = client.post(URL, data=_form(weak_terms_es="anochecer")).get_data(as_text=True)
    assert "The weak term “anochecer” is not among the terms." in page
    page = client.post(URL, data=_form(terms_en="", terms_es="  \n")).get_data(as_text=True)
    assert "A theme needs at least one term." in page
    assert count(ThemeTerms) == 0 and count(CodebookVersion) == 0


def test_the_page_speaks_spanish(client, make_user, login, db):
    login(make_user(Role.ADMIN))
    page = client.get(URL + "?lang=es").get_data(as_text=True)
    assert "Términos del tema Seguridad" in page and "Guardar los términos" in page
    page = client.post(URL + "?lang=es", data=_form(terms_en="***")).get_data(as_text=True)
    assert "Línea 1" in page


def test_only_admins_edit_terms_and_only_with_the_csrf_token(client, make_user, login, app, db, monkeypatch):
    login(make_user(Role.EVALUATOR))
    form = _form()
    form["terms_en"] += "\nvigilante*"
    assert client.post(URL, data=form).status_code == 403
    client.post("/auth/logout")
    login(make_user(Role.ADMIN))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client.post(URL, data=form)
    assert count(ThemeTerms) == 0
    token = csrf_token(client.get(URL).get_data(as_text=True))
    assert client.post(URL, data={**form, "csrf_token": token}).status_code == 302
    assert count(ThemeTerms) == 1


def test_the_codebook_downloads_as_a_file_that_loads_back(client, make_user, login, db, tmp_path):
    login(make_user(Role.ADMIN))
    form = _form()
    form["terms_es"] = "vigilante*\n" + form["terms_es"]
    assert client.post(URL, data=form).status_code == 302
    response = client.get("/admin/codes/codebook.yaml")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "codebook.yaml"
    path.write_bytes(response.data)
    book = load_codebook(path)
    assert book.version.endswith("+v1")
    assert [t.source for t in book.by_key["safety"].terms if t.source in {"vigilante*", "seguridad"}] == [
        "vigilante*",
        "seguridad",
    ]
