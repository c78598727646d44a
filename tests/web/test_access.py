"""Every protected URL, requested as anonymous, field worker, evaluator, admin and lead evaluator."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask

from survey.extensions import db
from survey.models import (
    Indicator,
    Job,
    JobKind,
    JobStatus,
    LearnedModel,
    MediaFile,
    Role,
    SurveyVersion,
    Testimonial,
    User,
)
from survey.models.base import utcnow
from survey.services.agreement import create_round
from survey.services.codes import add_code
from survey.services.coding import code_passage
from survey.services.devices import register_device, revoke_device
from survey.services.export_jobs import job_folder
from survey.services.import_jobs import start_import
from survey.services.indicator_files import read_indicator_file
from survey.services.indicators import import_indicator_rows
from survey.services.jobs import start_rerun
from survey.services.memos import write_memo
from survey.services.sites import list_sites
from survey.services.teams import save_team
from survey.services.withdrawals import pending_requests, request_withdrawal

ANON, FIELD, EVALUATOR, ADMIN, LEAD = None, Role.FIELD_WORKER, Role.EVALUATOR, Role.ADMIN, Role.LEAD_EVALUATOR
LOGIN = "login"  # anonymous people are sent to the login page

# URL template -> expected answer for (anonymous, field worker, evaluator, admin, lead evaluator)
MATRIX = {
    "/evaluate/": (LOGIN, 403, 200, 200, 200),
    "/evaluate/community-safety": (LOGIN, 403, 200, 200, 200),
    "/evaluate/community-safety/testimonials/{testimonial}": (LOGIN, 403, 200, 200, 200),
    "/evaluate/community-safety/testimonies": (LOGIN, 403, 200, 200, 200),
    "/evaluate/community-safety/review": (LOGIN, 403, 200, 200, 200),
    "/evaluate/community-safety/compare": (LOGIN, 403, 200, 200, 200),
    "/evaluate/community-safety/memos": (LOGIN, 403, 200, 200, 200),
    "/evaluate/community-safety/report": (LOGIN, 403, 200, 200, 200),
    # written by another administrator: only its author edits or deletes it
    "/evaluate/community-safety/memos/{memo}/edit": (LOGIN, 403, 403, 403, 403),
    "/evaluate/community-safety/export.csv": (LOGIN, 403, 302, 302, 302),  # 302: one response is too few to export
    "/evaluate/community-safety/export.xlsx": (LOGIN, 403, 302, 302, 302),
    "/evaluate/community-safety/export.qdpx": (LOGIN, 403, 302, 302, 302),
    "/evaluate/community-safety/export.qdc": (LOGIN, 403, 200, 200, 200),  # the codes alone: no testimony in it
    "/evaluate/exports": (LOGIN, 403, 200, 200, 200),
    # prepared for another evaluator: only they and administrators may download it
    "/evaluate/exports/{export}/{file}": (LOGIN, 403, 404, 200, 404),
    "/field/": (LOGIN, 200, 403, 200, 403),
    "/field/collect": (LOGIN, 200, 403, 200, 403),
    "/admin/": (LOGIN, 403, 403, 200, 403),
    "/admin/audit": (LOGIN, 403, 403, 200, 403),
    "/admin/testimonials/{testimonial}/raw": (LOGIN, 403, 403, 200, 403),
    "/admin/devices": (LOGIN, 403, 403, 200, 403),
    "/admin/surveys": (LOGIN, 403, 403, 200, 403),
    "/admin/surveys/community-safety/versions/{version}/preview": (LOGIN, 403, 403, 200, 403),
    "/admin/submissions/import": (LOGIN, 403, 403, 200, 403),
    "/admin/submissions/import/{queue_file}": (LOGIN, 403, 403, 200, 403),
    "/admin/sites": (LOGIN, 403, 403, 200, 403),
    "/admin/sites/{site}/edit": (LOGIN, 403, 403, 200, 403),
    "/admin/users": (LOGIN, 403, 403, 200, 403),
    "/admin/withdrawals": (LOGIN, 403, 403, 200, 403),
    "/admin/withdrawals/{withdrawal}": (LOGIN, 403, 403, 200, 403),
    "/admin/jobs": (LOGIN, 403, 403, 200, 403),
    "/admin/media": (LOGIN, 403, 403, 200, 403),
    "/admin/media/{media}": (LOGIN, 403, 403, 200, 403),
    "/admin/media/{media}/transcript": (LOGIN, 403, 403, 200, 403),
    "/admin/codes": (LOGIN, 403, 403, 200, 200),
    "/admin/codes/{code}/edit": (LOGIN, 403, 403, 200, 200),
    "/admin/codes/{code}/merge": (LOGIN, 403, 403, 200, 200),
    "/admin/codes/{code}/split": (LOGIN, 403, 403, 200, 200),
    "/admin/codes/history": (LOGIN, 403, 403, 200, 200),
    "/admin/codes/themes/{theme}/terms": (LOGIN, 403, 403, 200, 200),
    "/admin/codes/codebook.yaml": (LOGIN, 403, 403, 200, 200),
    "/admin/refi-qda": (LOGIN, 403, 403, 200, 403),
    "/admin/indicators": (LOGIN, 403, 403, 200, 403),
    "/admin/agreement": (LOGIN, 403, 403, 200, 200),
    "/admin/agreement/{round}": (LOGIN, 403, 403, 200, 200),
    "/admin/teams": (LOGIN, 403, 403, 200, 403),
    "/admin/teams/{team}/edit": (LOGIN, 403, 403, 200, 403),
    "/admin/surveys/community-safety/collectors": (LOGIN, 403, 403, 200, 403),
    "/evaluate/assignments": (LOGIN, 403, 200, 200, 200),
}


def first_version_id() -> int:
    return db.session.scalars(db.select(SurveyVersion).order_by(SurveyVersion.id)).first().id


def first_testimonial_id() -> int:
    return db.session.scalars(db.select(Testimonial).order_by(Testimonial.id)).first().id


POST_MATRIX = {
    "/evaluate/community-safety/testimonials/{testimonial}/themes": (LOGIN, 403, 302, 302, 302),
    "/evaluate/community-safety/memos": (LOGIN, 403, 302, 302, 302),
    "/evaluate/community-safety/exports": (LOGIN, 403, 302, 302, 302),  # 302: one response is too few to export
    "/evaluate/exports/{export}/resume": (LOGIN, 403, 404, 302, 404),  # another evaluator's export
    "/evaluate/community-safety/memos/{memo}/delete": (LOGIN, 403, 403, 403, 403),
    # 302: back to the testimony (the posted data chooses no theme: nothing is pinned or unpinned)
    "/evaluate/community-safety/testimonials/{testimonial}/pins": (LOGIN, 403, 302, 302, 302),
    "/evaluate/community-safety/testimonials/{testimonial}/pins/delete": (LOGIN, 403, 302, 302, 302),
    # 400: the posted data chooses no code
    "/evaluate/community-safety/testimonials/{testimonial}/passages": (LOGIN, 403, 400, 400, 400),
    # coded by another evaluator: only its coder, a lead evaluator or an administrator may remove it
    "/evaluate/community-safety/testimonials/{testimonial}/passages/{passage}/delete": (LOGIN, 403, 403, 302, 302),
    "/field/devices": (LOGIN, 201, 403, 201, 403),
    "/field/collect": (LOGIN, 200, 403, 200, 403),  # 200: the form again, the tablet unnamed
    "/admin/devices/{device}/revoke": (LOGIN, 403, 403, 302, 403),
    "/admin/submissions/import": (LOGIN, 403, 403, 200, 403),
    "/admin/surveys": (LOGIN, 403, 403, 200, 403),
    "/admin/surveys/community-safety/versions/{version}/preview": (LOGIN, 403, 403, 200, 403),
    "/admin/surveys/community-safety/versions/{version}/publish": (LOGIN, 403, 403, 302, 403),
    "/admin/surveys/community-safety/versions/{version}/close": (LOGIN, 403, 403, 302, 403),
    "/admin/sites": (LOGIN, 403, 403, 200, 403),
    "/admin/sites/{site}/edit": (LOGIN, 403, 403, 302, 403),
    "/admin/users": (LOGIN, 403, 403, 200, 403),
    "/admin/users/{user}/role": (LOGIN, 403, 403, 302, 403),
    "/admin/users/{user}/deactivate": (LOGIN, 403, 403, 302, 403),
    "/admin/users/{user}/reactivate": (LOGIN, 403, 403, 302, 403),
    "/admin/users/{user}/password": (LOGIN, 403, 403, 200, 403),
    "/admin/users/{user}/unlock": (LOGIN, 403, 403, 302, 403),
    "/admin/withdrawals/{withdrawal}/confirm": (LOGIN, 403, 403, 200, 403),  # 200: the page again, box not ticked
    "/admin/withdrawals/{withdrawal}/decline": (LOGIN, 403, 403, 302, 403),
    "/admin/jobs": (LOGIN, 403, 403, 302, 403),
    "/admin/jobs/retrain": (LOGIN, 403, 403, 302, 403),
    "/admin/jobs/{job}/resume": (LOGIN, 403, 403, 302, 403),
    "/admin/codes": (LOGIN, 403, 403, 200, 200),  # 200: the form again, no label given
    "/admin/codes/{code}/edit": (LOGIN, 403, 403, 302, 302),  # fields not posted keep their values
    "/admin/codes/{code}/merge": (LOGIN, 403, 403, 200, 200),  # 200: the form again, no code chosen
    "/admin/codes/{code}/split": (LOGIN, 403, 403, 302, 302),  # 302: no passage to move, back to the page
    "/admin/codes/{code}/split/new": (LOGIN, 403, 403, 400, 400),  # 400: the form again, no key given
    "/admin/codes/themes/{theme}/terms": (LOGIN, 403, 403, 200, 200),  # 200: the form again, a theme needs a term
    "/admin/refi-qda": (LOGIN, 403, 403, 200, 403),  # 200: the form again, no file sent
    "/admin/indicators": (LOGIN, 403, 403, 200, 403),  # 200: the form again, no file sent
    "/admin/indicators/{indicator}/delete": (LOGIN, 403, 403, 200, 403),  # 200: asks first, nothing deleted
    "/admin/agreement": (LOGIN, 403, 403, 200, 200),  # 200: the form again, no name given
    "/admin/agreement/{round}/decisions": (LOGIN, 403, 403, 302, 302),  # 302: back to the round, nothing chosen
    "/admin/agreement/{round}/close": (LOGIN, 403, 403, 302, 302),
    "/admin/teams": (LOGIN, 403, 403, 200, 403),  # 200: the form again, no name given
    "/admin/teams/{team}/edit": (LOGIN, 403, 403, 200, 403),  # 200: the form again, no name given
    "/admin/teams/{team}/delete": (LOGIN, 403, 403, 302, 403),
    "/admin/learned/{learned}/activate": (LOGIN, 403, 403, 302, 403),
    "/admin/media/{media}/transcript": (LOGIN, 403, 403, 200, 403),  # 200: the form again, nothing typed
    "/admin/surveys/community-safety/collectors": (LOGIN, 403, 403, 302, 403),  # nobody chosen: every field worker
    # neither the evaluator nor the administrator of the matrix is one of the round's coders
    "/evaluate/assignments/{round}/items/{item}/done": (LOGIN, 403, 403, 403, 403),
}
PUBLIC = ["/", "/s/community-safety", "/s/community-safety/thanks", "/auth/login", "/healthz", "/withdraw"]


def test_matrix_covers_every_protected_rule(app: Flask):
    blueprints = {"evaluate", "field", "admin", "codebook"}
    protected = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in blueprints}
    templated = {
        url.replace("{testimonial}", "<int:testimonial_id>")
        .replace("{device}", "<int:device_id>")
        .replace("{version}", "<int:version_id>")
        .replace("{site}", "<slug>")
        .replace("{user}", "<int:user_id>")
        .replace("{withdrawal}", "<int:request_id>")
        .replace("{job}", "<int:job_id>")
        .replace("{media}", "<int:media_id>")
        .replace("{passage}", "<int:passage_id>")
        .replace("{memo}", "<int:memo_id>")
        .replace("{code}", "<int:code_id>")
        .replace("{indicator}", "<int:indicator_id>")
        .replace("{round}", "<int:round_id>")
        .replace("{item}", "<int:item_id>")
        .replace("{team}", "<int:team_id>")
        .replace("{learned}", "<int:model_id>")
        .replace("{theme}", "<key>")
        .replace("{export}", "<int:job_id>")
        .replace("{queue_file}", "<int:job_id>")
        .replace("{file}", "<name>")
        .replace("community-safety", "<slug>")
        for url in [*MATRIX, *POST_MATRIX]
    }
    assert protected == templated


EXPORTED = "community-safety-responses.csv"


def prepared_export(asker: User) -> Job:
    """An export prepared in the background for someone, done, with its file."""
    job = Job(
        kind=JobKind.EXPORT,
        status=JobStatus.DONE,
        params={"survey": "community-safety", "publication": False, "filters": {}, "files": {"responses": EXPORTED}},
        created_by=asker,
        finished_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    job.params = {**job.params, "folder": f"{job.id}-{uuid.uuid4().hex}"}
    (job_folder(job)).mkdir(parents=True)
    (job_folder(job) / EXPORTED).write_text("_response_id\n", encoding="utf-8")
    return job


REQUESTS = [("GET", url) for url in MATRIX] + [("POST", url) for url in POST_MATRIX]


@pytest.mark.parametrize(("method", "url"), REQUESTS, ids=[f"{m} {u}" for m, u in REQUESTS])
@pytest.mark.parametrize("who", [0, 1, 2, 3, 4], ids=["anonymous", "field_worker", "evaluator", "admin", "lead"])
def test_protected_urls(method, url, who, client, make_user, login, make_response):
    response = make_response()
    testimonial = first_testimonial_id()
    request_withdrawal(response.receipt_code)
    withdrawal = pending_requests()[0].id
    field_worker = make_user(Role.FIELD_WORKER)
    device, _ = register_device(field_worker, "tablet")
    job = start_rerun(everything=True)
    export = prepared_export(make_user(Role.EVALUATOR))
    queue_file = start_import(b'{"records": []}', by=make_user(Role.ADMIN))
    media = MediaFile(response_id=response.id, question="story", file_name="a.ogg", content_type="audio/ogg", size=3)
    media.data = b"ogg"
    db.session.add(media)
    story = db.session.get(Testimonial, testimonial)
    code_passage(story, ["safety"], 0, 5, make_user(Role.EVALUATOR))
    passage = story.passages[0].id
    code = add_code("lighting", {"label_en": "Lighting"}, make_user(Role.ADMIN)).id
    memo = write_memo(story.response.survey_version.survey, "project", "a memo", make_user(Role.ADMIN)).id
    rows = read_indicator_file("a.csv", b"indicator,site,month,value\nHomicides,tumaco,2026-03,4\n", list_sites())
    import_indicator_rows(rows, source="a.csv")
    indicator = db.session.scalars(db.select(Indicator)).one().id
    coders = [make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)]
    agreement = create_round(story.response.survey_version.survey, "round", 1, coders, make_user(Role.ADMIN), seed=1)
    team = save_team("Tumaco team", [field_worker.id], by=None).id
    learned = LearnedModel(
        version="learned-1", source="a.csv", labels=["safety"], examples=1, scores={}, trained_at=utcnow(), payload=b""
    )
    db.session.add(learned)
    db.session.commit()
    role = (ANON, FIELD, EVALUATOR, ADMIN, LEAD)[who]
    if role is not None:
        login(make_user(role))
    address = url.format(
        testimonial=testimonial,
        device=device.id,
        version=first_version_id(),
        site="guaviare",
        user=field_worker.id,
        withdrawal=withdrawal,
        job=job.id,
        media=media.id,
        passage=passage,
        memo=memo,
        code=code,
        indicator=indicator,
        round=agreement.id,
        item=agreement.items[0].id,
        team=team,
        learned=learned.id,
        theme="safety.violence",
        export=export.id,
        queue_file=queue_file.id,
        file=EXPORTED,
    )
    data = {"themes": ["safety"], "role": "evaluator"} if method == "POST" else None
    response = client.open(address, method=method, data=data)
    response.close()  # a file sent is open until its response is closed
    expected = (MATRIX if method == "GET" else POST_MATRIX)[url][who]
    if expected == LOGIN:
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("url", PUBLIC)
def test_public_urls_need_no_account(url, client, example_survey):
    assert client.get(url).status_code == 200


# OpenRosa: a device token in the URL (or HTTP Basic on /openrosa), never the browser's session.
# URL -> expected answer for (nobody, field worker's token, evaluator's token, admin's token, revoked token)
OPENROSA_MATRIX = {
    ("GET", "/openrosa/formList"): (401, 200, 403, 200, 403),
    ("GET", "/openrosa/forms/community-safety/form.xml"): (401, 200, 403, 200, 403),
    ("GET", "/openrosa/forms/community-safety/manifest.xml"): (401, 200, 403, 200, 403),  # 200: an empty manifest
    ("GET", "/openrosa/forms/community-safety/files/households.csv"): (401, 404, 403, 404, 403),  # 404: it has no files
    ("HEAD", "/openrosa/submission"): (401, 204, 403, 204, 403),
    ("POST", "/openrosa/submission"): (401, 400, 403, 400, 403),  # 400: an empty body is no submission
}


def test_openrosa_matrix_covers_every_rule(app: Flask):
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("openrosa.")}
    listed = {
        url.replace("community-safety", "<slug>").replace("households.csv", "<filename>") for _, url in OPENROSA_MATRIX
    }
    assert rules == listed | {url.replace("/openrosa", "/openrosa/<token>") for url in listed}


OPENROSA_REQUESTS = list(OPENROSA_MATRIX)


@pytest.mark.parametrize(("method", "url"), OPENROSA_REQUESTS, ids=[f"{m} {u}" for m, u in OPENROSA_REQUESTS])
@pytest.mark.parametrize("who", [0, 1, 2, 3, 4], ids=["nobody", "field_worker", "evaluator", "admin", "revoked"])
def test_openrosa_urls(method, url, who, client, make_user, login, example_survey):
    login(make_user(ADMIN))  # a browser session opens nothing here
    address = url
    if who:
        role = (FIELD, EVALUATOR, ADMIN, FIELD)[who - 1]
        owner = make_user(role)
        device, token = register_device(owner, "tablet")
        if who == 4:
            revoke_device(device, owner)
        db.session.commit()
        address = url.replace("/openrosa", f"/openrosa/{token}")
    response = client.open(address, method=method)
    assert response.status_code == OPENROSA_MATRIX[method, url][who]
    assert response.headers["X-OpenRosa-Version"] == "1.0"
