"""Every testimony behind the summary's numbers, filtered, searched and sorted.

Only testimonies of the atoms that the disclosure control publishes for the filters' site and
months are listed (as the summary's quotes), and a filter matching fewer than MIN_GROUP_SIZE
testimonies lists none: a short list would tell how few people said something.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    case,
    column,
    exists,
    false,
    func,
    inspect,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.util import ClauseAdapter

from survey.analysis.pipeline import redact_testimony
from survey.analysis.search_terms import fts5_query, parse_search
from survey.disclosure import ALL, RESPONSES, Key, Month, Site, View, protect
from survey.extensions import db
from survey.models import Answer, Response, SummaryCount, Survey, SurveyVersion, TagSource, Testimonial, ThemeTag
from survey.models.base import SEARCH_TABLE
from survey.models.tag_rule import DECIDED_IN_REVIEW, NO_TAG_CONFIDENCE, UNTAGGED_IN_REVIEW
from survey.models.testimonial import UNSCORED_AFTER_NEGATIVE, UNSCORED_AFTER_POSITIVE
from survey.questionnaire import Definition, Question, Repeat, pick
from survey.questionnaire.validate import INSTANCE_MARK, instance_path
from survey.services.blindness import NO_BLINDFOLD, Blindfold
from survey.services.part_counts import NEUTRAL_WITHIN, month_of
from survey.services.rollups import settle_rollups
from survey.services.sites import sites_chosen

SENTIMENTS = ("negative", "neutral", "positive", "not_scored")
SORTS = ("newest", "oldest", "most_negative", "most_positive", "confidence", "least_certain")
PER_PAGE = 25


@dataclass(frozen=True)
class ExploreFilters:
    """What the evaluator narrowed the testimonies to; None (or "") means any."""

    site_id: int | None = None
    region: tuple[str, str] | None = None  # a country code and one of its regions: the sites there
    month_from: Month | None = None
    month_to: Month | None = None
    theme: str | None = None  # a theme or a sub-theme ("safety.violence")
    language: str | None = None
    sentiment: str | None = None  # one of SENTIMENTS
    consent: str | None = None  # a ConsentScope value
    channel: str | None = None  # a Channel value
    version: str | None = None  # a SurveyVersion.version
    answer: tuple[str, str] | None = None  # a select-one question and one of its choices
    # A second answer, as a cross-tab's cell adds to its row's: a select question and a choice given
    # (for a select-multiple question, one of the choices ticked).
    also: tuple[str, str] | None = None
    search: str = ""
    sort: str = "newest"
    # The person looking, if they code some testimonies blind: tags filter and sort as they see them.
    blindfold: Blindfold = field(default=NO_BLINDFOLD, compare=False, repr=False)

    def without_testimony_filters(self) -> ExploreFilters:
        """The filters that apply to a whole response (site, months, language...), not to its texts."""
        return replace(self, theme=None, sentiment=None, search="")

    @property
    def narrows_testimonies(self) -> bool:
        """Whether a filter applies to the testimonies themselves rather than to their responses."""
        return bool(self.theme or self.sentiment or self.search.strip())


@dataclass
class TestimonyPage:
    """One page of the list, or nothing when the filters match too few to show."""

    withheld: bool
    items: list[Testimonial] = field(default_factory=list)
    page: int = 1
    has_next: bool = False


class PublishedView(View):
    """A view of the atoms, knowing besides the months each site has responses in."""

    stored: dict[Site, tuple[Month, Month]]  # per site, its first and last month with responses


def published_view(survey: Survey, filters: ExploreFilters, *, min_group: int, block: int = 0) -> PublishedView | None:
    """The atoms published for the filters' site and months, as the summary's; None under the minimum.

    Atoms depend on the responses per site and month alone, read from the rollup as the summary reads
    them, so that this does not grow with the responses.
    """
    settle_rollups()  # what this transaction wrote and has not counted yet
    versions = select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id)
    rows = db.session.execute(
        select(SummaryCount.site_id, SummaryCount.month, func.sum(SummaryCount.count))
        .where(
            SummaryCount.survey_version_id.in_(versions),
            SummaryCount.statistic == RESPONSES,
            SummaryCount.part == ALL,
        )
        .group_by(SummaryCount.site_id, SummaryCount.month)
    )
    counts: dict[Key, int] = {(site, m, RESPONSES, ALL): int(n) for site, m, n in rows if n}
    protected = protect(counts, [], min_group, block=block)
    view = PublishedView(protected, sites_filtered(filters), filters.month_from, filters.month_to)
    view.stored = stored_months(counts)
    return view if view.count(RESPONSES).value >= min_group else None


def stored_months(counts: Mapping[Key, int]) -> dict[Site, tuple[Month, Month]]:
    """Per site, its first and last month with responses, from counts of the responses per site and month."""
    stored: dict[Site, tuple[Month, Month]] = {}
    for site, month, statistic, part in counts:
        if statistic == RESPONSES and part == ALL and counts[site, month, statistic, part]:
            first, last = stored.get(site, (month, month))
            stored[site] = (min(first, month), max(last, month))
    return stored


def sites_filtered(filters: ExploreFilters) -> set[int] | None:
    """The sites the filters keep: one site, the sites of one region, or every site (None)."""
    return sites_chosen(filters.site_id, filters.region)


def in_atoms(view: PublishedView) -> ColumnElement[bool]:
    """Responses submitted inside the view's atoms, and in no other.

    What every response stored passes is left out: a site whose months the atoms span whole needs no
    test of the month, and when every site with responses is so, no test at all. The planners then
    estimate the rest well (PostgreSQL reads a search through its index instead of every text), and
    the month, when it must be tested, is computed per row on purpose: a condition no index can seek
    leaves the planner the index that gives the list's order, read only as far as a page.
    """
    month = month_of(Response.submitted_at)
    whole, partial = [], []
    for site, (first, last) in view.spans().items():
        stored_first, stored_last = view.stored.get(site, (first, last))
        if first <= stored_first and stored_last <= last:
            whole.append(site)
        else:
            partial.append(and_(_at(site), month.between(first, last)))
    if not partial and set(whole) == set(view.stored):
        return true()
    sites = [s for s in whole if s is not None]
    if sites:
        partial.append(Response.site_id.in_(sites))
    if None in whole:
        partial.append(_at(None))
    return or_(false(), *partial)


def _at(site: Site) -> ColumnElement[bool]:
    return Response.site_id.is_(None) if site is None else Response.site_id == site


def response_conditions(survey: Survey, view: PublishedView, filters: ExploreFilters) -> list[ColumnElement[bool]]:
    """The conditions on Response that the filters ask for.

    The survey's versions are a list to look up rather than a table to join: joined, they lead SQLite
    to read every response of a site through the index on version and site, then sort them all.
    """
    versions = select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id)
    if filters.version:
        versions = versions.where(SurveyVersion.version == filters.version)
    ids = list(db.session.scalars(versions))
    # One version is an equality, so that its index on time gives the newest or oldest in order.
    chosen = Response.survey_version_id == ids[0] if len(ids) == 1 else Response.survey_version_id.in_(ids)
    conditions = [chosen, in_atoms(view)]
    if filters.consent:
        conditions.append(Response.consent_scope == filters.consent)
    if filters.channel:
        conditions.append(Response.channel == filters.channel)
    if filters.answer:
        question, choice = filters.answer
        conditions.append(
            exists().where(Answer.response_id == Response.id, Answer.question == question, Answer.value_text == choice)
        )
    if filters.also:
        question, choice = filters.also
        ticked = (literal(" ") + Answer.value_text + literal(" ")).like(f"% {_escape_like(choice)} %", escape="\\")
        conditions.append(exists().where(Answer.response_id == Response.id, Answer.question == question, ticked))
    return conditions


def testimony_conditions(filters: ExploreFilters) -> list[ColumnElement[bool]]:
    """The conditions on Testimonial that the filters ask for."""
    conditions: list[ColumnElement[bool]] = []
    if filters.language:
        conditions.append(Testimonial.language == filters.language)
    if filters.theme:
        conditions.append(
            exists().where(
                ThemeTag.testimonial_id == Testimonial.id,
                ThemeTag.theme == filters.theme,
                filters.blindfold.tag_clause(),
            )
        )
    if filters.sentiment:
        conditions.append(_band(filters.sentiment))
    if filters.search.strip():
        conditions.append(_search(filters.search))
    return conditions


def _band(band: str) -> ColumnElement[bool]:
    polarity = Testimonial.polarity
    if band == "negative":
        return polarity < -NEUTRAL_WITHIN
    if band == "positive":
        return polarity > NEUTRAL_WITHIN
    if band == "neutral":
        return polarity.between(-NEUTRAL_WITHIN, NEUTRAL_WITHIN)
    return polarity.is_(None)


def _search(query: str) -> ColumnElement[bool]:
    """Full-text search through the database's own index: PostgreSQL's text search (the GIN index is on
    this same expression), SQLite's FTS5 table; a search for nothing but words to leave out reads the texts."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        simple: ColumnElement[str] = literal_column("'simple'")  # a bare literal, which PostgreSQL reads as a regconfig
        document = func.to_tsvector(simple, Testimonial.redacted_text)
        return document.op("@@")(func.websearch_to_tsquery(simple, query))
    terms = parse_search(query)
    if dialect == "sqlite" and terms.include:
        return Testimonial.id.in_(
            text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :search")
            .bindparams(search=fts5_query(terms))
            .columns(column("rowid", Integer))
        )
    lowered = func.lower(Testimonial.redacted_text)
    found = [lowered.like(f"%{_escape_like(t)}%", escape="\\") for t in terms.include]
    missing = [not_(lowered.like(f"%{_escape_like(t)}%", escape="\\")) for t in terms.exclude]
    return and_(*found, *missing) if found or missing else false()


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching(survey: Survey, view: PublishedView, filters: ExploreFilters) -> Select[Any]:
    """The testimonies the filters select, not yet ordered (joined with their surest tag of the theme
    when they are sorted by it)."""
    query = (
        select(Testimonial)
        .join(Response, Response.id == Testimonial.response_id)
        .where(*response_conditions(survey, view, filters), *testimony_conditions(filters))
    )
    if filters.sort == "confidence" and filters.theme:
        query = query.join(BEST_TAG, surest_tag(filters))
    return query


BEST_TAG = aliased(ThemeTag, name="best_tag")
BETTER_TAG = aliased(ThemeTag, name="better_tag")


def surest_tag(filters: ExploreFilters) -> ColumnElement[bool]:
    """BEST_TAG is the testimony's surest tag of the filters' theme that the person may see (of equal ones,
    the last written): a row per testimony whose confidence is the list's order, so that the index on
    theme and confidence gives a page of it without a look at every tag of the theme."""

    def seen(tag: Any) -> ColumnElement[bool]:
        return cast(
            ColumnElement[bool], ClauseAdapter(inspect(tag).selectable).traverse(filters.blindfold.tag_clause())
        )

    surer = or_(
        BETTER_TAG.confidence > BEST_TAG.confidence,
        and_(BETTER_TAG.confidence == BEST_TAG.confidence, BETTER_TAG.id > BEST_TAG.id),
    )
    return and_(
        BEST_TAG.testimonial_id == Testimonial.id,
        BEST_TAG.theme == filters.theme,
        seen(BEST_TAG),
        not_(
            exists().where(
                BETTER_TAG.testimonial_id == BEST_TAG.testimonial_id,
                BETTER_TAG.theme == BEST_TAG.theme,
                seen(BETTER_TAG),
                surer,
            )
        ),
    )


def _sort_key(filters: ExploreFilters) -> tuple[SQLColumnExpression[Any], bool]:
    """The expression the list is ordered by, never NULL, and whether it runs from high to low."""
    if filters.sort == "oldest":
        return Response.submitted_at, False
    if filters.sort == "most_negative":  # not scored last, by the expression an index keeps in order
        return func.coalesce(Testimonial.polarity, literal_column(UNSCORED_AFTER_NEGATIVE)), False
    if filters.sort == "most_positive":
        return func.coalesce(Testimonial.polarity, literal_column(UNSCORED_AFTER_POSITIVE)), True
    if filters.sort == "confidence" and filters.theme:
        return BEST_TAG.confidence, True  # joined by matching(), read in order from its index
    if filters.sort in ("confidence", "least_certain") and not filters.theme:
        return _stored_order(filters.sort, filters.blindfold)
    if filters.sort == "confidence":
        return _surest_seen(filters), True
    if filters.sort == "least_certain":
        return _least_certain_seen(filters), False
    return Response.submitted_at, True


def _stored_order(sort: str, blindfold: Blindfold) -> tuple[SQLColumnExpression[Any], bool]:
    """The order by tags kept on each testimony (survey.models.tag_rule.list_orders), read from its index:
    it holds the tags that count, which are those a person sees. A person coding some testimonies blind
    sees other tags on those alone, so only theirs are worked out from the tags."""
    stored, descending = (
        (Testimonial.top_confidence, True) if sort == "confidence" else (Testimonial.review_order, False)
    )
    if not blindfold.hidden_machine:
        return stored, descending
    seen = ExploreFilters(sort=sort, blindfold=blindfold)
    worked_out = _surest_seen(seen) if sort == "confidence" else _least_certain_seen(seen)
    return case((Testimonial.id.in_(list(blindfold.hidden_machine)), worked_out), else_=stored), descending


def _surest_seen(filters: ExploreFilters) -> ColumnElement[Any]:
    """Each testimony's surest tag that the person sees, counted per testimony (for a person coding blind)."""
    tags = select(func.max(ThemeTag.confidence)).where(
        ThemeTag.testimonial_id == Testimonial.id, filters.blindfold.tag_clause()
    )
    return func.coalesce(tags.scalar_subquery(), NO_TAG_CONFIDENCE)


def _least_certain_seen(filters: ExploreFilters) -> ColumnElement[Any]:
    """The review queue as the person sees the tags, counted per testimony (of a theme, or coding blind):
    the testimony whose least sure tag is least sure comes first; those a person has coded already follow
    every other, and testimonies without tags come last."""
    least = select(func.min(ThemeTag.confidence)).where(
        ThemeTag.testimonial_id == Testimonial.id, filters.blindfold.tag_clause()
    )
    if filters.theme:
        least = least.where(ThemeTag.theme == filters.theme)
    coded = exists().where(
        ThemeTag.testimonial_id == Testimonial.id,
        ThemeTag.source == TagSource.HUMAN,
        ThemeTag.testimonial_id.not_in(list(filters.blindfold.hidden_machine)),
    )
    return case((coded, DECIDED_IN_REVIEW), else_=func.coalesce(least.scalar_subquery(), UNTAGGED_IN_REVIEW))


def ordered(query: Select[Any], filters: ExploreFilters, *, backwards: bool = False) -> Select[Any]:
    """Order a query on testimonies as the filters' sort asks (or the other way); ties by id, the same way."""
    key, descending = _sort_key(filters)
    if descending != backwards:
        return query.order_by(key.desc(), Testimonial.id.desc())
    return query.order_by(key.asc(), Testimonial.id.asc())


def enough(query: Select[Any], min_group: int) -> bool:
    """Whether a query selects at least min_group rows, counting no further."""
    limited = query.with_only_columns(Testimonial.id).order_by(None).limit(min_group).subquery()
    return (db.session.scalar(select(func.count()).select_from(limited)) or 0) >= min_group


def list_testimonies(
    survey: Survey, filters: ExploreFilters, *, page: int, min_group: int, block: int = 0, per_page: int = PER_PAGE
) -> TestimonyPage:
    """One page of the testimonies the filters select, from published atoms only."""
    view = published_view(survey, filters, min_group=min_group, block=block)
    if view is None:
        return TestimonyPage(withheld=True)
    query = matching(survey, view, filters)
    if not enough(query, min_group):
        return TestimonyPage(withheld=True)
    page = max(1, page)
    loaded = (selectinload(Testimonial.tags), selectinload(Testimonial.response).selectinload(Response.site))
    offset = (page - 1) * per_page
    if _sorted_apart(filters):
        ids = _page_sorted_apart(query, filters, offset, per_page + 1)
        by_id = {
            t.id: t for t in db.session.scalars(select(Testimonial).where(Testimonial.id.in_(ids)).options(*loaded))
        }
        found = [by_id[i] for i in ids]
    else:
        found = list(db.session.scalars(ordered(query, filters).options(*loaded).offset(offset).limit(per_page + 1)))
    return TestimonyPage(False, found[:per_page], page, len(found) > per_page)


def _sorted_apart(filters: ExploreFilters) -> bool:
    """Whether the list is sorted by tags for a person who codes some testimonies blind (by no theme)."""
    return (
        filters.sort in ("confidence", "least_certain") and not filters.theme and bool(filters.blindfold.hidden_machine)
    )


def _page_sorted_apart(query: Select[Any], filters: ExploreFilters, offset: int, limit: int) -> list[int]:
    """The ids of a page sorted by tags for a person coding some testimonies blind: the other testimonies
    in the order kept on them, read from its index as far as the page; the few they code blind in the
    order of the tags they see, worked out; the two merged. Sorting every testimony by an expression
    that mixes the two would read them all."""
    covered = list(filters.blindfold.hidden_machine)
    stored, descending = _stored_order(filters.sort, NO_BLINDFOLD)
    blind = ExploreFilters(sort=filters.sort, blindfold=filters.blindfold)
    worked_out = _surest_seen(blind) if filters.sort == "confidence" else _least_certain_seen(blind)

    def first(part: Select[Any], key: SQLColumnExpression[Any]) -> list[Any]:
        by = (key.desc(), Testimonial.id.desc()) if descending else (key.asc(), Testimonial.id.asc())
        return list(db.session.execute(part.with_only_columns(key, Testimonial.id).order_by(*by).limit(offset + limit)))

    rows = [
        *first(query.where(Testimonial.id.not_in(covered)), stored),
        *first(query.where(Testimonial.id.in_(covered)), worked_out),
    ]
    rows.sort(key=lambda row: (row[0], row[1]), reverse=descending)  # as ordered(): ties by id, the same way
    return [row[1] for row in rows[offset : offset + limit]]


def neighbours(
    survey: Survey, item: Testimonial, filters: ExploreFilters, *, min_group: int, block: int = 0
) -> tuple[int | None, int | None]:
    """The ids before and after a testimony in the filtered list; (None, None) when it is not in it."""
    view = published_view(survey, filters, min_group=min_group, block=block)
    if view is None:
        return None, None
    query = matching(survey, view, filters)
    if not enough(query, min_group):
        return None, None
    key, descending = _sort_key(filters)
    current = db.session.scalar(query.with_only_columns(key).where(Testimonial.id == item.id))
    if current is None:
        return None, None
    ids = query.with_only_columns(Testimonial.id)
    after = or_(key > current, and_(key == current, Testimonial.id > item.id))
    before = or_(key < current, and_(key == current, Testimonial.id < item.id))
    if descending:
        after, before = before, after
    following = ordered(ids.where(after), filters).limit(1)
    preceding = ordered(ids.where(before), filters, backwards=True).limit(1)
    return db.session.scalar(preceding), db.session.scalar(following)


def reported_questions(definition: Definition) -> list[Question]:
    """The questions whose answers evaluators may read: stored, neither personal nor a testimony."""
    return [q for q in definition.questions if q.stored and not q.personal and not q.testimony]


def answer_text(question: Question, value: str | None, language: str, default_language: str) -> str:
    """An answer as a reader sees it: choices by their labels in the language, other answers as given."""
    if not value or not question.choices:
        return value or ""
    labels = {c.name: pick(c.label, language, default_language) for c in question.choices}
    names = value.split() if question.type == "select_multiple" else [value]
    return ", ".join(labels.get(name, name) for name in names)


def redacted_answers(
    questions: Iterable[Question], personal: Iterable[str], given: Mapping[str, Any]
) -> dict[str, Any]:
    """These questions' answers, free texts redacted as testimonies are, with the names the personal
    questions were given."""
    names = [str(given[name]) for name in personal if given.get(name)]
    readable = {}
    for question in questions:
        value = given.get(question.name)
        if isinstance(value, str) and value and question.type == "text":
            value = redact_testimony(value, names).text  # a free text may name someone, as a testimony may
        readable[question.name] = value
    return readable


def answers_of(response: Response, definition: Definition, language: str) -> list[tuple[Question, str]]:
    """The answers given in a response that evaluators may read, in the form's order."""
    personal = [q.name for q in definition.questions if q.personal]
    given = redacted_answers(
        reported_questions(definition), personal, {a.question: a.value_text for a in response.answers if not a.instance}
    )
    return [
        (q, answer_text(q, given[q.name], language, definition.default_language))
        for q in reported_questions(definition)
        if given.get(q.name)
    ]


@dataclass(frozen=True)
class InstanceAnswers:
    """The answers given in one instance of a repeat, as evaluators may read them."""

    repeat: Repeat
    number: int  # from 1, within its repeat (within its outer instance, for a repeat inside another)
    answers: list[tuple[Question, str]]
    path: str = ""  # "2", or "2.1" for the first instance inside the outer repeat's second
    trail: tuple[tuple[Repeat, int], ...] = ()  # the repeats and numbers from the outermost to this one


def instance_answers_of(response: Response, definition: Definition, language: str) -> list[InstanceAnswers]:
    """The answers given in each repeat instance of a response, each outer instance before those inside it,
    free texts redacted."""
    personal = [q.name for q in definition.questions if q.personal]
    names = {a.question: a.value_text for a in response.answers if not a.instance and a.question in personal}
    of_repeat = {q.name: r.name for r in definition.repeats.values() for q in r.questions}
    given: dict[tuple[str, str, int], dict[str, str | None]] = {}
    for a in response.answers:
        if a.instance and a.question in of_repeat:
            given.setdefault((of_repeat[a.question], a.parent_instance, a.instance), {})[a.question] = a.value_text
    held = set(given)  # and the outer instances holding them, answered or not
    for repeat_name, parent, _number in list(given):
        numbers, outer = parent.split(INSTANCE_MARK), definition.repeats[repeat_name].parent
        while outer and numbers[-1].isdigit():
            held.add((outer, INSTANCE_MARK.join(numbers[:-1]), int(numbers[-1])))
            numbers, outer = numbers[:-1], definition.repeats[outer].parent
    found: list[InstanceAnswers] = []

    def visit(repeat: Repeat, parent: str, trail: tuple[tuple[Repeat, int], ...]) -> None:
        for number in sorted(n for r, p, n in held if r == repeat.name and p == parent):
            own = redacted_answers(
                repeat.questions, personal, {**names, **given.get((repeat.name, parent, number), {})}
            )
            texts = [(q, answer_text(q, own[q.name], language, definition.default_language)) for q in repeat.questions]
            path = instance_path(parent, number)
            answers = [(q, text) for q, text in texts if text]
            found.append(InstanceAnswers(repeat, number, answers, path, (*trail, (repeat, number))))
            for inner in repeat.nested:
                visit(inner, path, (*trail, (repeat, number)))

    for repeat in definition.top_repeats:
        visit(repeat, "", ())
    return found
