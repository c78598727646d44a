"""A survey's responses and testimony tags as tables, a batch of rows at a time, under the list's filters.

One row per response: its facts, every answer evaluators may read, and per testimony question the
redacted text, its themes, its sentiment and the team's memos on it; a second table holds each
testimony's tags with the words that caused them, cut from the redacted text; a third, as Kobo
exports repeats, one row per repeat instance, joined to its response by _response_id. Rows come only from
the atoms the disclosure control publishes, and none when the filters match fewer than the minimum
group. Meant for publication, the words of testimonies whose consent is internal-only are left out,
and so are the memos (they are the team's working notes and may quote those words), who collected
each response on which tablet, and where its interview began.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select

from survey.extensions import db
from survey.models import (
    Answer,
    CodedPassage,
    Device,
    Memo,
    Response,
    Role,
    Site,
    Survey,
    SurveyVersion,
    Testimonial,
    ThemeTag,
    User,
)
from survey.models.response import ConsentScope
from survey.questionnaire import Question
from survey.services.blindness import Blindfold
from survey.services.explore import (
    ExploreFilters,
    published_view,
    redacted_answers,
    reported_questions,
    response_conditions,
    testimony_conditions,
)
from survey.services.surveys import definition_of

BATCH = 500
Row = list[Any]
# Facts about a response start with "_", as in Kobo's exports, so no question's name can take their place.
# When the interview began and ended, and how long it took in seconds, are what a Kobo user checks first.
FACTS = [
    "_response_id",
    "_started_at",
    "_submitted_at",
    "_duration",
    "_month",
    "_site",
    "_region",
    "_country",
    "_survey_version",
    "_language",
    "_channel",
    "_consent_scope",
]
# Who collected a response and on which tablet: for the team, never in a publication.
COLLECTION_FACTS = ["_username", "_device"]
# Where the interview began, for a survey whose form has a start-geopoint row: the point as ODK writes
# it, then its parts. It locates a person, so it is for the team only, never in a publication.
START_FACTS = [
    "_start_geopoint",
    "_start_geopoint_latitude",
    "_start_geopoint_longitude",
    "_start_geopoint_altitude",
    "_start_geopoint_accuracy",
]
# The instance's repeat, its number there from 1, and for a repeat inside another the outer repeat
# and the path of its instance holding this one ("2", or "2.1" two deep), as Kobo names a parent.
REPEAT_FACTS = ["_response_id", "_repeat", "_index", "_parent_repeat", "_parent_index"]
TAG_COLUMNS = [
    "response_id",
    "testimony_id",
    "question",
    "consent_scope",
    "theme",
    "source",
    "confidence",
    "polarity",
    "evidence",
]


class ExportWithheld(Exception):
    """The filters match fewer responses than the minimum group: nothing may leave."""


@dataclass(frozen=True)
class Export:
    """What to export: a survey's responses under filters, for publication or for the team."""

    survey: Survey
    filters: ExploreFilters
    publication: bool
    answers: tuple[Question, ...]
    testimonies: tuple[Question, ...]
    personal: tuple[str, ...]  # the questions whose answers are names to redact from free texts
    query: Select[Any]  # the ids of the responses, in order
    repeated: tuple[Question, ...] = ()  # the questions asked in each instance of a repeat, any repeat
    parents: tuple[tuple[str, str], ...] = ()  # each repeat inside another, and that outer repeat
    recorded: tuple[Question, ...] = ()  # audio questions: their typed-out transcripts are testimonies too
    start_located: bool = False  # a version of the form asks where each interview began

    @property
    def blindfold(self) -> Blindfold:
        """Who downloads it, if they code blind: other people's coding of those testimonies stays out."""
        return self.filters.blindfold

    @property
    def response_columns(self) -> list[str]:
        """The header of the responses table."""
        suffixes = ("", "_themes", "_sentiment", "_memos")
        texts = [f"{q.name}{suffix}" for q in self.testimonies for suffix in suffixes]
        texts += [f"{q.name}_transcript{suffix}" for q in self.recorded for suffix in suffixes]
        return self.facts + [q.name for q in self.answers] + texts

    @property
    def facts(self) -> list[str]:
        """The columns of facts about each response this export holds."""
        if self.publication:
            return FACTS
        return FACTS + COLLECTION_FACTS + (START_FACTS if self.start_located else [])


def sees_start_locations(person: User | None) -> bool:
    """Whether an export made for this person may hold where each interview began: an administrator's,
    or one made on the server's command line. It locates a resident's home; evaluators read without it."""
    return person is None or person.role == Role.ADMIN


def prepare_export(
    survey: Survey,
    filters: ExploreFilters,
    *,
    publication: bool,
    min_group: int,
    block: int = 0,
    located: bool = False,
) -> Export:
    """Check the small-group rule for these filters and list the columns; raise ExportWithheld if it fails.

    With located (see sees_start_locations), a team export holds where each interview began."""
    view = published_view(survey, filters, min_group=min_group, block=block)
    if view is None:
        raise ExportWithheld
    query = select(Response.id).where(*response_conditions(survey, view, filters))
    if filters.narrows_testimonies or filters.language:
        query = query.where(exists().where(Testimonial.response_id == Response.id, *testimony_conditions(filters)))
    limited = query.limit(min_group).subquery()
    if (db.session.scalar(select(db.func.count()).select_from(limited)) or 0) < min_group:
        raise ExportWithheld
    answers: dict[str, Question] = {}
    testimonies: dict[str, Question] = {}
    repeated: dict[str, Question] = {}
    parents: dict[str, str] = {}
    personal: set[str] = set()
    recorded: dict[str, Question] = {}
    start_located = False
    for version in survey.versions:
        definition = definition_of(version)
        start_located = start_located or (located and definition.asks_start_location)
        answers.update({q.name: q for q in reported_questions(definition) if q.name not in answers})
        for repeat in definition.repeats.values():
            repeated.update({q.name: q for q in repeat.questions if q.stored and q.name not in repeated})
            if repeat.parent:
                parents.setdefault(repeat.name, repeat.parent)
        testimonies.update({q.name: q for q in definition.testimonies if q.name not in testimonies})
        personal |= {q.name for q in definition.questions if q.personal}
        recorded.update({q.name: q for q in definition.questions if q.type == "audio" and q.name not in recorded})
    return Export(
        survey,
        filters,
        publication,
        tuple(answers.values()),
        tuple(testimonies.values()),
        tuple(sorted(personal)),
        query.order_by(Response.id),
        tuple(repeated.values()),
        tuple(parents.items()),
        tuple(recorded.values()),
        start_located,
    )


def response_id_batches(export: Export, batch: int = BATCH) -> Iterator[list[int]]:
    """The responses' ids, read from one cursor a batch at a time (yield_per), so memory stays flat."""
    result = db.session.execute(export.query.execution_options(yield_per=batch))
    for rows in result.partitions():
        yield [row[0] for row in rows]


def _speakable(export: Export, consent: ConsentScope) -> bool:
    """Whether a testimony's words may be in this export."""
    return not (export.publication and consent == ConsentScope.INTERNAL)


def response_rows(export: Export, batch: int = BATCH) -> Iterator[Row]:
    """The responses table: the header, then one row per response."""
    yield export.response_columns
    for ids in response_id_batches(export, batch):
        facts = db.session.execute(
            select(
                Response.id,
                Response.started_at,
                Response.submitted_at,
                Site.name,
                Site.region,
                Site.country,
                SurveyVersion.version,
                Response.language,
                Response.channel,
                Response.consent_scope,
                User.email,
                Device.name,
            )
            .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
            .outerjoin(Site, Site.id == Response.site_id)
            .outerjoin(User, User.id == Response.interviewer_id)
            .outerjoin(Device, Device.id == Response.device_id)
            .where(Response.id.in_(ids))
            .order_by(Response.id)
        ).all()
        answers: dict[int, dict[str, Any]] = {i: {} for i in ids}
        numeric = {q.name for q in export.answers if q.type in ("integer", "decimal")}  # as numbers, not texts
        for response_id, name, value, number in db.session.execute(
            select(Answer.response_id, Answer.question, Answer.value_text, Answer.value_number).where(
                Answer.response_id.in_(ids), Answer.instance == 0
            )
        ):
            answers[response_id][name] = number if number is not None and name in numeric else value
        texts = _testimonies(ids, shown_tags(export))
        memos = {} if export.publication else memos_by_testimony(export, ids)
        located = start_locations(ids) if export.start_located and not export.publication else {}
        for fact in facts:
            rid, started, submitted, site, region, country, version, language, channel, consent, username, device = fact
            began = started.isoformat() if started else None
            row: Row = [rid, began, submitted.isoformat(), _duration(started, submitted)]
            row += [submitted.strftime("%Y-%m"), site, region, country, version, language, channel.value, consent.value]
            if not export.publication:
                row += [username, device]
            if not export.publication and export.start_located:
                row += located.get(rid) or [None] * len(START_FACTS)
            readable = redacted_answers(export.answers, export.personal, answers[rid])
            row += [readable[q.name] for q in export.answers]
            for question in (*export.testimonies, *export.recorded):
                words, themes, polarity = texts.get((rid, question.name), (None, [], None))
                row += [words if _speakable(export, consent) else None, " ".join(themes) or None, polarity]
                row.append("\n\n".join(memos.get((rid, question.name), [])) or None)
            yield row


def start_locations(ids: Sequence[int]) -> dict[int, Row]:
    """Where each of these interviews began, as the START_FACTS columns, for those whose location is known."""
    query = select(
        Response.id, Response.start_latitude, Response.start_longitude, Response.start_altitude, Response.start_accuracy
    ).where(Response.id.in_(ids), Response.start_latitude.is_not(None), Response.start_longitude.is_not(None))
    located: dict[int, Row] = {}
    for rid, *parts in db.session.execute(query):
        known = [0.0 if part is None else part for part in parts]  # ODK writes 0 for what it does not know
        located[rid] = [" ".join(str(part) for part in known), *known]
    return located


def _duration(started: datetime | None, submitted: datetime) -> int | None:
    """The interview's length in whole seconds, as Kobo's _duration; none for a clock that ran backwards."""
    if started is None or started > submitted:
        return None
    return int((submitted - started).total_seconds())


def repeat_rows(export: Export, batch: int = BATCH) -> Iterator[Row]:
    """The repeats table: the header, then one row per repeat instance, in its response's order."""
    yield REPEAT_FACTS + [q.name for q in export.repeated]
    numeric = {q.name for q in export.repeated if q.type in ("integer", "decimal")}
    of_repeat = {q.name: q.repeat for q in export.repeated}
    for ids in response_id_batches(export, batch):
        names: dict[int, dict[str, Any]] = {}
        for rid, name, value in db.session.execute(
            select(Answer.response_id, Answer.question, Answer.value_text).where(
                Answer.response_id.in_(ids), Answer.instance == 0, Answer.question.in_(export.personal)
            )
        ):
            names.setdefault(rid, {})[name] = value
        instances: dict[tuple[int, str, str, int], dict[str, Any]] = {}
        for rid, name, parent, instance, value, number in db.session.execute(
            select(
                Answer.response_id,
                Answer.question,
                Answer.parent_instance,
                Answer.instance,
                Answer.value_text,
                Answer.value_number,
            )
            .where(Answer.response_id.in_(ids), Answer.instance > 0, Answer.question.in_(of_repeat))
            .order_by(Answer.response_id, Answer.instance, Answer.id)
        ):
            given = instances.setdefault((rid, of_repeat[name], parent, instance), {})
            given[name] = number if number is not None and name in numeric else value
        for (rid, repeat, parent, instance), given in sorted(instances.items(), key=lambda i: _in_order(export, i[0])):
            # free texts redacted as the response's are, with the names its personal questions were given
            readable = redacted_answers(export.repeated, export.personal, {**names.get(rid, {}), **given})
            facts = [rid, repeat, instance, dict(export.parents).get(repeat) or None, parent or None]
            yield facts + [readable[q.name] for q in export.repeated]


def _in_order(export: Export, key: tuple[int, str, str, int]) -> tuple[int, str, tuple[int, ...], str]:
    """Where an instance's row goes: by response, by its outermost repeat, then an outer instance before its own."""
    rid, repeat, parent, instance = key
    parents = dict(export.parents)
    outermost = repeat
    while outermost in parents:
        outermost = parents[outermost]
    path = tuple(int(n) for n in parent.split(".") if n.isdigit()) + (instance,)
    return rid, outermost, path, repeat


def shown_tags(export: Export) -> ColumnElement[bool]:
    """The tags an export holds: those that count; on a testimony its downloader codes blind, the machine's alone."""
    return export.blindfold.tag_clause()


def _testimonies(
    ids: Sequence[int], shown: ColumnElement[bool]
) -> dict[tuple[int, str], tuple[str | None, list[str], float | None]]:
    """Per (response, question): the redacted text, the themes shown (those that count), the sentiment."""
    found: dict[tuple[int, str], tuple[str | None, list[str], float | None]] = {}
    rows = db.session.execute(
        select(
            Testimonial.response_id,
            Testimonial.question,
            Testimonial.redacted_text,
            Testimonial.polarity,
            ThemeTag.theme,
        )
        .outerjoin(ThemeTag, (ThemeTag.testimonial_id == Testimonial.id) & shown)
        .where(Testimonial.response_id.in_(ids))
        .order_by(Testimonial.id, ThemeTag.theme)
    )
    for response_id, question, text, polarity, theme in rows:
        entry = found.setdefault((response_id, question), (text, [], polarity))
        if theme is not None:
            entry[1].append(theme)
    return found


def memos_by_testimony(export: Export, ids: Sequence[int]) -> dict[tuple[int, str], list[str]]:
    """Per (response, question): the memos on the testimony, oldest first, a passage's after the words it is on.

    The passage's words are cut from the redacted text; memos the downloader may not read while coding
    blind stay out.
    """
    found: dict[tuple[int, str], list[str]] = {}
    rows = db.session.execute(
        select(
            Testimonial.response_id,
            Testimonial.question,
            Testimonial.id,
            Testimonial.redacted_text,
            Memo.author_id,
            Memo.body,
            CodedPassage.code_key,
            CodedPassage.start,
            CodedPassage.end,
        )
        .join(Testimonial, Testimonial.id == Memo.testimonial_id)
        .outerjoin(CodedPassage, CodedPassage.id == Memo.passage_id)
        .where(Testimonial.response_id.in_(ids), Memo.survey_id == export.survey.id)
        .order_by(Testimonial.id, Memo.created_at, Memo.id)
    )
    for rid, question, tid, text, author_id, body, code, start, end in rows:
        if not export.blindfold.shows_note(tid, author_id):
            continue
        note = body if code is None else f"[{code}: “{text[start:end]}”] {body}"
        found.setdefault((rid, question), []).append(note)
    return found


def tag_rows(export: Export, batch: int = BATCH) -> Iterator[Row]:
    """The tags table: the header, then one row per tag that counts, with its evidence."""
    yield TAG_COLUMNS
    for ids in response_id_batches(export, batch):
        rows = db.session.execute(
            select(
                Testimonial.response_id,
                Testimonial.id,
                Testimonial.question,
                Response.consent_scope,
                Testimonial.redacted_text,
                ThemeTag.theme,
                ThemeTag.source,
                ThemeTag.confidence,
                ThemeTag.polarity,
                ThemeTag.evidence,
            )
            .join(Testimonial, Testimonial.id == ThemeTag.testimonial_id)
            .join(Response, Response.id == Testimonial.response_id)
            .where(Testimonial.response_id.in_(ids), shown_tags(export))
            .order_by(Testimonial.response_id, Testimonial.id, ThemeTag.theme)
        )
        for rid, tid, question, consent, text, theme, source, confidence, polarity, evidence in rows:
            words = None
            if _speakable(export, consent):  # cut from the redacted text: nothing else ever leaves
                words = " | ".join(text[int(e["start"]) : int(e["end"])] for e in evidence or []) or None
            yield [rid, tid, question, consent.value, theme, source.value, confidence, polarity, words]
