"""The filters of the list of testimonies: the summary's site and months, and many more."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from survey.analysis import Codebook
from survey.models.response import Channel, ConsentScope
from survey.questionnaire import Definition, pick
from survey.services.explore import ExploreFilters
from survey.web.evaluate.forms import SummaryFilterForm

ANY = SelectChoice("", _l("Any"))
FILTER_NAMES = (
    "site",
    "region",
    "month_from",
    "month_to",
    "theme",
    "language",
    "sentiment",
    "consent",
    "channel",
    "version",
    "answer",
    "also",
    "q",
    "sort",
)


class ExploreFilterForm(SummaryFilterForm):
    """Every filter of the list; sent by GET, so it changes nothing and needs no CSRF token."""

    q = SearchField(_l("Search the words"), validators=[Optional(), Length(max=200)])
    theme = SelectField(_l("Theme"), validators=[Optional()])
    language = SelectField(
        _l("Language"),
        validators=[Optional()],
        choices=[ANY, SelectChoice("en", _l("English")), SelectChoice("es", _l("Spanish"))],
    )
    sentiment = SelectField(
        _l("Sentiment"),
        validators=[Optional()],
        choices=[
            ANY,
            SelectChoice("negative", _l("negative")),
            SelectChoice("neutral", _l("neutral")),
            SelectChoice("positive", _l("positive")),
            SelectChoice("not_scored", _l("not scored")),
        ],
    )
    consent = SelectField(
        _l("Consent"),
        validators=[Optional()],
        choices=[
            ANY,
            SelectChoice(ConsentScope.QUOTE.value, _l("may be quoted")),
            SelectChoice(ConsentScope.QUOTE_ANONYMOUS.value, _l("may be quoted anonymously")),
            SelectChoice(ConsentScope.INTERNAL.value, _l("internal use only")),
        ],
    )
    channel = SelectField(
        _l("Channel"),
        validators=[Optional()],
        choices=[
            ANY,
            SelectChoice(Channel.WEB.value, _l("web form")),
            SelectChoice(Channel.FIELD.value, _l("field interview")),
            SelectChoice(Channel.IMPORT.value, _l("imported")),
        ],
    )
    version = SelectField(_l("Survey version"), validators=[Optional()])
    answer = SelectField(_l("Answer"), validators=[Optional()])
    also = SelectField(_l("And the answer"), validators=[Optional()])
    sort = SelectField(
        _l("Order"),
        validators=[Optional()],
        choices=[
            SelectChoice("newest", _l("newest first")),
            SelectChoice("oldest", _l("oldest first")),
            SelectChoice("most_negative", _l("most negative first")),
            SelectChoice("most_positive", _l("most positive first")),
            SelectChoice("confidence", _l("surest tags first")),
            SelectChoice("least_certain", _l("least certain tags first")),
        ],
    )

    def set_choices(self, codebook: Codebook, definitions: list[Definition], language: str) -> None:
        """Offer the codebook's themes and sub-themes, the survey's versions and its select answers."""
        self.theme.choices = [ANY] + [
            SelectChoice(t.key, ("— " if t.parent else "") + t.label_in(language)) for t in codebook.themes
        ]
        self.version.choices = [ANY] + [SelectChoice(d.version, d.version) for d in definitions]
        self.answer.choices = {"": [ANY], **answer_choices(definitions, language, ("select_one",))}
        self.also.choices = {"": [ANY], **answer_choices(definitions, language, ("select_one", "select_multiple"))}

    def filters(self) -> ExploreFilters:
        """The filters chosen; none when the form does not validate."""
        if not self.validate():
            return ExploreFilters()
        month_from, month_to = self.months()
        return ExploreFilters(
            site_id=int(self.site.data) if self.site.data else None,
            region=self.region_chosen(),
            month_from=month_from,
            month_to=month_to,
            theme=self.theme.data or None,
            language=self.language.data or None,
            sentiment=self.sentiment.data or None,
            consent=self.consent.data or None,
            channel=self.channel.data or None,
            version=self.version.data or None,
            answer=question_and_choice(self.answer.data),
            also=question_and_choice(self.also.data),
            search=self.q.data or "",
            sort=self.sort.data or "newest",
        )


def answer_choices(
    definitions: list[Definition], language: str, types: tuple[str, ...]
) -> dict[str, list[SelectChoice]]:
    """Every choice of the versions' select questions of these types, as "question=choice", by question."""
    groups: dict[str, list[SelectChoice]] = {}
    for definition in definitions:
        for question in definition.questions:
            if question.type not in types or question.personal:
                continue
            label = pick(question.label, language, definition.default_language) or question.name
            options = groups.setdefault(label, [])
            known = {o.value for o in options}
            options += [
                SelectChoice(
                    f"{question.name}={c.name}", pick(c.label, language, definition.default_language) or c.name
                )
                for c in question.choices
                if f"{question.name}={c.name}" not in known
            ]
    return groups


def question_and_choice(value: str | None) -> tuple[str, str] | None:
    """A "question=choice" value read back as its two parts."""
    if not value:
        return None
    question, _, choice = value.partition("=")
    return question, choice
