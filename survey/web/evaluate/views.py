"""Evaluator views."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from survey.extensions import db
from survey.models import CodedPassage, Testimonial
from survey.questionnaire import Definition, pick
from survey.services.agreement import blind_coding
from survey.services.blindness import blindfold_of
from survey.services.coding import code_choices, code_labels, coding_segments, may_remove
from survey.services.corrections import correct_themes
from survey.services.crosstabs import by_questions
from survey.services.engine import codebook
from survey.services.explore import answers_of, instance_answers_of, neighbours
from survey.services.indicators import other_evidence
from survey.services.memos import list_memos
from survey.services.memos import may_change as may_change_memo
from survey.services.report import may_pin
from survey.services.sites import list_sites
from survey.services.summaries import summarise_survey
from survey.services.surveys import current_version, definition_of, get_survey, list_surveys
from survey.web.evaluate import bp
from survey.web.evaluate.explore_views import filter_args, limits, viewer_filters
from survey.web.evaluate.forms import CodePassageForm, CorrectThemesForm, RemovePassageForm, SummaryFilterForm
from survey.web.evaluate.memo_views import memo_form
from survey.web.evaluate.report_forms import pin_forms


def offer_filters(form: SummaryFilterForm, definition: Definition) -> None:
    """Offer the summary's (or the report's) sites and regions, and the questions to break the others down by."""
    form.set_sites(list_sites())
    language = str(get_locale() or "en")
    form.set_by_questions(
        [(q.name, pick(q.label, language, definition.default_language)) for q in by_questions(definition)]
    )


@bp.get("/")
def index() -> ResponseReturnValue:
    """The surveys an evaluator can summarise."""
    return render_template("evaluate/index.html", surveys=list_surveys())


@bp.get("/<slug>")
def summary(slug: str) -> ResponseReturnValue:
    """A survey's summary, narrowed by site or region and months, broken down by site or by a question."""
    survey = get_survey(slug)
    version = current_version(survey) if survey else None
    if survey is None or version is None:
        abort(404)
    definition = definition_of(version)
    form = SummaryFilterForm(request.args)
    offer_filters(form, definition)
    filters = form.summary_filters()
    result = summarise_survey(
        survey,
        definition,
        filters,
        min_group=current_app.config["MIN_GROUP_SIZE"],
        block=current_app.config["MIN_PERIOD_RESPONSES"],
    )
    return render_template(
        "evaluate/summary.html",
        survey=survey,
        definition=definition,
        form=form,
        summary=result,
        codebook=codebook(),
        evidence=other_evidence(filters, result.monthly),
        blindfold=blindfold_of(current_user),  # the quotes' tags, for a person coding some of them blind
    )


def testimonial_of(slug: str, testimonial_id: int) -> Testimonial:
    item = db.get_or_404(Testimonial, testimonial_id)
    if item.response.survey_version.survey.slug != slug:
        abort(404)
    return item


def _correction_form(item: Testimonial) -> CorrectThemesForm:
    posted = request.endpoint == "evaluate.correct"  # not when another form of the page was posted
    form = CorrectThemesForm() if posted else CorrectThemesForm(formdata=None)
    language = str(get_locale())
    form.themes.choices = [SelectChoice(t.key, t.label_in(language)) for t in codebook().top_level]
    if not posted:
        form.themes.data = [t.theme for t in item.effective_tags if "." not in t.theme]
    return form


@bp.get("/<slug>/testimonials/<int:testimonial_id>")
def testimonial(slug: str, testimonial_id: int) -> ResponseReturnValue:
    """One redacted testimony with each tag's evidence highlighted, and the form to correct them."""
    item = testimonial_of(slug, testimonial_id)
    return testimonial_page(slug, item)


def coding_form() -> CodePassageForm:
    """The form to code a passage, offering every code that is not retired (sub-themes under their theme)."""
    form = CodePassageForm() if request.endpoint == "evaluate.code" else CodePassageForm(formdata=None)
    language = str(get_locale() or "en")
    form.codes.choices = [
        SelectChoice(c.key, f"— {c.label}" if c.is_theme and c.parent else c.label) for c in code_choices(language)
    ]
    return form


def testimonial_page(
    slug: str, item: Testimonial, form: CorrectThemesForm | None = None, coding: CodePassageForm | None = None
) -> str:
    """A testimony with its forms: to correct its themes and to code its passages."""
    language = str(get_locale() or "en")
    definition = definition_of(item.response.survey_version)
    survey = item.response.survey_version.survey
    previous, following = neighbours(survey, item, viewer_filters(survey), **limits())
    blind = blind_coding(item, current_user)
    passages = blind.passages if blind else list(item.passages)
    memos = list_memos(survey, testimonial_id=item.id)
    return render_template(
        "evaluate/testimonial.html",
        item=item,
        definition=definition,
        answers=answers_of(item.response, definition, language),
        instances=instance_answers_of(item.response, definition, language),
        previous=previous,
        following=following,
        args=filter_args(),
        codebook=codebook(),
        slug=slug,
        form=form or _correction_form(item),
        coding=coding or coding_form(),
        blind=blind,
        passages=passages,
        tags=blind.tags if blind else item.tags,
        segments=coding_segments(item, passages, blind.tags if blind else None),
        code_labels=code_labels(language),
        may_remove=may_remove,
        remove_form=RemovePassageForm(formdata=None),
        delete_form=RemovePassageForm(formdata=None),
        # Coding blind, a person reads only their own memos: others' may speak of their codes.
        memos=[m for m in memos if m.author_id == current_user.id] if blind else memos,
        memo_form=memo_form(_memo_targets(item, passages, language)),
        may_change=may_change_memo,
        pin_forms=pin_forms(item),
        may_pin=may_pin(item),
    )


def _memo_targets(item: Testimonial, passages: list[CodedPassage], language: str) -> list[SelectChoice]:
    labels = code_labels(language)
    return [SelectChoice(f"testimony:{item.id}", _("This testimony"))] + [
        SelectChoice(
            f"passage:{p.id}",
            _(
                "The passage “%(text)s” coded %(code)s",
                text=item.redacted_text[p.start : p.end][:60],
                code=labels.get(p.code_key, p.code_key),
            ),
        )
        for p in passages
    ]


@bp.post("/<slug>/testimonials/<int:testimonial_id>/themes")
def correct(slug: str, testimonial_id: int) -> ResponseReturnValue:
    """Record a person's themes for a testimony."""
    item = testimonial_of(slug, testimonial_id)
    form = _correction_form(item)
    if form.validate_on_submit():
        correct_themes(item, form.themes.data or [], [c.value for c in form.themes.choices], current_user)
        flash(_("Your themes are saved. They count in the summary and teach the next learned codebook."), "info")
        return redirect(url_for("evaluate.testimonial", slug=slug, testimonial_id=item.id, **filter_args()))
    return testimonial_page(slug, item, form)
