"""Administrator views for the codebook's themes: edit a theme's terms, download the codebook as a file."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Field, TextAreaField

from survey.analysis.codebook import LANGUAGES
from survey.analysis.term_overrides import MAX_TERM_LENGTH, FieldTerms, TermLineError, editable_fields, parse_term_lines
from survey.services.theme_terms import ThemeTermsError, current_terms, export_codebook, find_theme, save_theme_terms
from survey.web.codebook import bp

ONE_PER_LINE = _l("One per line. A trailing * matches any ending; repeats are dropped.")


class ThemeTermsForm(FlaskForm):
    """A theme's terms, weak terms and exclusions in English and Spanish, one per line."""

    terms_en = TextAreaField(_l("Terms (English)"), description=ONE_PER_LINE, render_kw={"rows": 10})
    terms_es = TextAreaField(_l("Terms (Spanish)"), description=ONE_PER_LINE, render_kw={"rows": 10})
    weak_terms_en = TextAreaField(
        _l("Weak terms (English)"),
        description=_l("Generic words, also listed among the terms: they count only beside a specific term."),
    )
    weak_terms_es = TextAreaField(
        _l("Weak terms (Spanish)"),
        description=_l("Generic words, also listed among the terms: they count only beside a specific term."),
    )
    exclusions_en = TextAreaField(
        _l("Exclusions (English)"), description=_l("Phrases that stop a term from counting, e.g. safe to say.")
    )
    exclusions_es = TextAreaField(
        _l("Exclusions (Spanish)"), description=_l("Phrases that stop a term from counting, e.g. safe to say.")
    )

    def terms(self, names: tuple[str, ...]) -> FieldTerms | None:
        """The typed terms by field and language, or None after naming each bad line in its field's errors."""
        found: FieldTerms = {name: {} for name in names}
        bad = False
        for name in names:
            for lang in LANGUAGES:
                field: Field = self[f"{name}_{lang}"]
                try:
                    found[name][lang] = parse_term_lines(field.data or "")
                except TermLineError as error:
                    field.errors = [*field.errors, _line_message(error)]
                    bad = True
        return None if bad else found


def _line_message(error: TermLineError) -> str:
    if error.reason == "long":
        return _(
            "Line %(line)d, “%(text)s…”: a term has at most %(max)d characters.",
            line=error.line,
            text=error.text[:30],
            max=MAX_TERM_LENGTH,
        )
    return _("Line %(line)d, “%(text)s”: a term needs a letter or a digit.", line=error.line, text=error.text)


def _show_refusal(form: ThemeTermsForm, error: ThemeTermsError) -> None:
    """Say why the service refused, beside the field at fault."""
    if error.reason == "no_terms":
        form.terms_en.errors = [_("A theme needs at least one term.")]
    elif error.reason == "weak_unknown":
        field = form[f"weak_terms_{error.language}"]
        field.errors = [_("The weak term “%(term)s” is not among the terms.", term=error.term)]
    else:
        flash(_("The codebook cannot take these terms: %(detail)s", detail=error.detail), "error")


@bp.route("/codes/themes/<key>/terms", methods=["GET", "POST"])
def theme_terms(key: str) -> ResponseReturnValue:
    """Edit a theme's or sub-theme's terms; saving makes a new version of the codebook."""
    theme = find_theme(key) or abort(404)
    names = editable_fields(key)
    form = ThemeTermsForm()
    if not form.is_submitted():
        for name, by_language in current_terms(key).items():
            for lang, terms in by_language.items():
                form[f"{name}_{lang}"].data = "\n".join(terms)
    elif form.validate() and (typed := form.terms(names)) is not None:
        try:
            version = save_theme_terms(key, typed, current_user)
        except ThemeTermsError as error:
            _show_refusal(form, error)
        else:
            message = _("Saved the terms of %(key)s.", key=key) if version else _("The terms were unchanged.")
            flash(message, "info")
            return redirect(url_for("codebook.theme_terms", key=key))
    language = str(get_locale() or "en")
    return render_template("admin/theme_terms.html", form=form, theme=theme, names=names, language=language)


@bp.get("/codes/codebook.yaml")
def export_codebook_file() -> ResponseReturnValue:
    """The codebook new analyses use, as a file in the shape of config/codebook.yaml."""
    headers = {"Content-Disposition": "attachment; filename=codebook.yaml"}
    return export_codebook(), 200, {"Content-Type": "application/yaml; charset=utf-8", **headers}
