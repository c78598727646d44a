"""The resident form in pages: each top-level group is one, and so is each run of questions between groups."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask_wtf import FlaskForm

from survey.questionnaire import Definition
from survey.questionnaire.instances import settle_form
from survey.questionnaire.validate import INSTANCE_MARK, typed_in
from survey.web.public.fields import field_answer
from survey.web.public.forms import FIELD_PREFIX, typed_in_instances
from survey.web.public.layout import FormItem


@dataclass(frozen=True)
class FormPage:
    """One page of the form: its number (from 1) and the items it shows."""

    number: int
    items: tuple[FormItem, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        """The names of the questions on this page, groups opened."""
        return tuple(item.key for item in _flattened(self.items) if item.question)

    @property
    def shows_something(self) -> bool:
        """Whether a resident sees anything here: a question or a note, not only calculations."""
        return any(item.question and item.question.shown for item in _flattened(self.items))


def _flattened(items: tuple[FormItem, ...]) -> Iterator[FormItem]:
    for item in items:
        yield item
        yield from _flattened(item.children)


def split_pages(items: tuple[FormItem, ...]) -> tuple[FormPage, ...]:
    """The pages of a form; a run of hidden calculations joins the page before it (or after it)."""
    runs: list[list[FormItem]] = []
    for item in items:
        if item.own_page or not runs or runs[-1][-1].own_page:
            runs.append([item])
        else:
            runs[-1].append(item)
    pages: list[list[FormItem]] = []
    for run in runs:
        hidden_only = not FormPage(0, tuple(run)).shows_something
        if pages and (hidden_only or not FormPage(0, tuple(pages[-1])).shows_something):
            pages[-1].extend(run)
        else:
            pages.append(list(run))
    return tuple(FormPage(number, tuple(page)) for number, page in enumerate(pages or [[]], start=1))


def page_of_question(pages: tuple[FormPage, ...], name: str) -> int:
    """The number of the page a question is on; 1 if it is on none."""
    return next((page.number for page in pages if name in page.questions), 1)


def relevant_pages(pages: tuple[FormPage, ...], definition: Definition, form: FlaskForm) -> set[int]:
    """The pages with a question that applies after what was typed: the others are skipped."""
    typed = {
        q.name: field_answer(q, form[FIELD_PREFIX + q.name])
        for q in definition.questions
        if FIELD_PREFIX + q.name in form
    }
    instances = typed_in(typed_in_instances(form, form.instance_fields))
    relevant = settle_form(definition, typed, instances).state.relevant
    shown = {q.name for q in definition.questions if q.shown}
    return {
        page.number
        for page in pages
        if any(relevant.get(name, True) for name in page.questions if name in shown or INSTANCE_MARK in name)
    }


def keep_page_errors(form: FlaskForm, page: FormPage) -> bool:
    """Forget the errors of questions on other pages; whether this page (and the CSRF token) is right."""
    own = {FIELD_PREFIX + name for name in page.questions}
    for field in form:
        if field.name.startswith(FIELD_PREFIX) and field.name not in own:
            field.errors = []
    return not any(field.errors for field in form)


def clear_errors(form: FlaskForm) -> None:
    """A page turned back, or a page passed: nothing to say on the next one."""
    for field in form:
        field.errors = []


def turn_page(pages: tuple[FormPage, ...], current: int, forward: bool, relevant: set[int]) -> int:
    """The next (or previous) page that applies; the current one if there is none that way."""
    numbers = [page.number for page in pages]
    ahead = [n for n in numbers if n > current] if forward else [n for n in reversed(numbers) if n < current]
    return next((n for n in ahead if n in relevant), current)


def posted_page(value: object, pages: tuple[FormPage, ...]) -> int:
    """The page number a request names, kept within the form."""
    try:
        number = int(str(value))
    except ValueError:
        return 1
    return min(max(number, 1), len(pages))


def first_error_page(form: FlaskForm, pages: tuple[FormPage, ...]) -> int | None:
    """The page of the first question with an error, to open the form there."""
    for page in pages:
        if any(form[FIELD_PREFIX + name].errors for name in page.questions if FIELD_PREFIX + name in form):
            return page.number
    return None
