"""Template filters: survey text in the chosen language, language links, evidence highlights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from survey.analysis.confidence import LIKELY
from survey.analysis.search_terms import match_spans, parse_search
from survey.analysis.sentiment import NotScored, Reason
from survey.models import SurveyStatus, TagSource, Testimonial, ThemeTag
from survey.questionnaire import Notice, pick
from survey.questionnaire.place_and_time_types import point_parts
from survey.questionnaire.rules import OUTPUT
from survey.services.engine import codebook
from survey.web.maps import map_tiles


def lang_query(args: MultiDict[str, str], code: str) -> str:
    """The current query string with lang= set to another language."""
    pairs = [(k, v) for k, v in args.items(multi=True) if k != "lang"]
    return urlencode([*pairs, ("lang", code)])


def highlight_segments(item: Testimonial, tags: Sequence[ThemeTag] | None = None) -> list[tuple[str, list[str]]]:
    """Cut the redacted text into pieces, each with the top-level themes whose evidence covers it.

    tags: those the viewer may see (by default the tags that count).
    """
    text = item.redacted_text
    cuts = {0, len(text)}
    spans = []
    for tag in item.effective_tags if tags is None else tags:
        if "." in tag.theme:
            continue  # a sub-theme's words are its parent's too; the table lists both
        for e in tag.evidence:
            start, end = max(0, int(e["start"])), min(len(text), int(e["end"]))
            if start < end:
                spans.append((start, end, tag.theme))
                cuts |= {start, end}
    ordered = sorted(cuts)
    segments = []
    for start, end in zip(ordered, ordered[1:], strict=False):
        themes = sorted({theme for s, e, theme in spans if s <= start and end <= e})
        segments.append((text[start:end], themes))
    return segments


def search_highlight(text: str, query: str) -> Markup:
    """The text, escaped, with the words of a search marked."""
    pieces: list[str] = []
    done = 0
    for start, end in match_spans(text, parse_search(query)):
        pieces += [escape(text[done:start]), Markup('<mark class="match">'), escape(text[start:end]), Markup("</mark>")]
        done = end
    pieces.append(escape(text[done:]))
    return Markup("").join(pieces)


def sentiment_reason(code: str) -> str:
    """Why a text was not scored (a stored code, see `Reason`), in the person's language."""
    reason = Reason.from_code(code)
    if reason is None:
        return code
    if reason.kind is NotScored.LANGUAGE:
        language = reason.language or ""
        locale = get_locale()
        name = locale.languages.get(language, language) if locale is not None else language
        return _("no sentiment method validated on labelled %(language)s text yet", language=name)
    if reason.kind is NotScored.UNKNOWN_LANGUAGE:
        return _("language could not be identified")
    if reason.kind is NotScored.UNREADABLE:
        return _("too short: no word the sentiment method knows")
    return _("no text to score")


def with_outputs(text: str, answers: Mapping[str, object] | None = None) -> Markup:
    """Survey text with each ${name} as a place the form's script fills with that answer.

    An answer already checked is written in, so that a page without JavaScript shows it too.
    """
    known = answers or {}
    out = Markup("")
    for number, part in enumerate(OUTPUT.split(text)):  # text, name, text, name, ...
        if number % 2:
            out += Markup('<span data-output="{}">{}</span>').format(part, known.get(part.strip(), ""))
        else:
            out += escape(part)
    return out


def notice_text(notice: str) -> str:
    """A warning about a survey file in the reader's language, when it carries its template."""
    if isinstance(notice, Notice):  # its values may be notices too: "row 4: <what is wrong there>"
        values = {k: notice_text(v) if isinstance(v, Notice) else v for k, v in notice.values.items()}
        return _(notice.template, **values)
    return notice


def survey_status_label(status: SurveyStatus) -> str:
    """Whether residents can answer a survey, in the reader's language."""
    labels = {SurveyStatus.DRAFT: _("draft"), SurveyStatus.PUBLISHED: _("published"), SurveyStatus.CLOSED: _("closed")}
    return labels[status]


def theme_label(key: str) -> str:
    """A theme's label in the current language."""
    return codebook().label(key, str(get_locale() or "en"))


def confidence_word(confidence: float, source: str) -> str:
    """A tag's confidence as a reader weighs it: a person's decision, or the machine's "likely" or
    "uncertain" with the calibrated probability that a person keeps the tag."""
    if source != TagSource.MACHINE.value:
        return _("decided by a person")
    percent = round(100 * confidence)
    if confidence >= LIKELY:
        return _("likely (%(percent)d %%)", percent=percent)
    return _("uncertain (%(percent)d %%)", percent=percent)


def point_of(value: str) -> dict[str, float] | None:
    """An answer's point by its parts' names, for a map; None when the answer is not a point."""
    parts = point_parts(value or "")
    return dict(zip(("latitude", "longitude", "altitude", "accuracy"), parts, strict=True)) if parts else None


def register_filters(app: Flask) -> None:
    """Make the filters available to every template."""

    def pick_filter(texts: Mapping[str, str], language: str, default: str) -> str:
        return pick(texts, language, default)

    app.add_template_filter(pick_filter, "pick")
    app.add_template_filter(point_of, "point")
    app.add_template_global(map_tiles)
    app.add_template_filter(with_outputs, "outputs")
    app.add_template_filter(lang_query)
    app.add_template_filter(highlight_segments)
    app.add_template_filter(search_highlight)
    app.add_template_filter(theme_label)
    app.add_template_filter(sentiment_reason)
    app.add_template_filter(confidence_word)
    app.add_template_filter(survey_status_label)
