"""OpenRosa submissions under load from a loopback client, as ODK Collect sends them: one multipart
POST a filled form, each after a HEAD. Printed next to the sync API on the same server in the same
run, one record a request (as Collect sends) and in batches of 100 (as Voces's field app sends),
and forms with repeats (three women, two children each) next to forms of the same survey that add
no instance, so that what reading and checking the instances costs shows.
SQLite in a temporary folder, then PostgreSQL when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names
a scratch database: its tables are dropped and rebuilt."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from benchmarks.sync import BATCH, _free_port, _prepare, _records, _serve, _wait, p99

SUBMISSIONS = 200  # single-record requests of each kind
BOUNDARY = "voces-bench-boundary"
FAMILIES = {
    "form_id": "bench-families",
    "title": "Families",
    "questions": [
        {"name": "village", "type": "text", "label": "Village"},
        {
            "name": "woman",
            "type": "repeat",
            "label": "Woman",
            "questions": [
                {"name": "woman_name", "type": "text", "label": "Name", "required": True},
                {"name": "woman_age", "type": "integer", "label": "Age", "constraint": ". >= 12 and . < 120"},
                {
                    "name": "child",
                    "type": "repeat",
                    "label": "Child",
                    "questions": [
                        {"name": "child_name", "type": "text", "label": "Name", "required": True},
                        {"name": "child_age", "type": "integer", "label": "Age", "constraint": ". < ${woman_age}"},
                    ],
                },
            ],
        },
    ],
}
WOMEN, CHILDREN = 3, 2  # in each form with repeats


def _instance(record: dict[str, Any]) -> bytes:
    """The XForm instance Collect would send for a sync API record."""
    answers = {"site": record["site"], **record["answers"], "consent": record["consent"]}
    fields = "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in answers.items())
    meta = f"<meta><instanceID>uuid:{record['uuid']}</instanceID></meta>"
    return (
        f'<?xml version="1.0"?><data id="community-safety" version="{record["version"]}">{fields}{meta}</data>'.encode()
    )


def _families_instance(version: str, rng: random.Random, women: int) -> bytes:
    """A Collect instance of the families survey: each woman with her children."""
    filled = "".join(
        f"<woman><woman_name>Woman {w}</woman_name><woman_age>{rng.randint(30, 60)}</woman_age>"
        + "".join(
            f"<child><child_name>Child {c}</child_name><child_age>{rng.randint(0, 15)}</child_age></child>"
            for c in range(CHILDREN)
        )
        + "</woman>"
        for w in range(women)
    )
    meta = f"<meta><instanceID>uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}</instanceID></meta>"
    return f'<data id="bench-families" version="{version}"><village>Alto</village>{filled}{meta}</data>'.encode()


def _publish_families(url: str) -> str:
    """Publish the families survey beside the example one; return its version."""
    from survey import create_app
    from survey.extensions import db
    from survey.services.surveys import import_survey

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        version = import_survey(FAMILIES, publish=True).version
        db.session.commit()
        db.engine.dispose()
    return version


def _multipart(xml: bytes) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
        f'filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n'
    ).encode()
    return head + xml + f"\r\n--{BOUNDARY}--\r\n".encode()


def _send(
    connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return time.perf_counter() - start, response.status, data


def _measure(url: str) -> dict[str, Any]:
    version, token = _prepare(url)
    families = _publish_families(url)
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port), daemon=True)
    server.start()
    rng = random.Random(11)
    records = _records(version, SUBMISSIONS * 2 + BATCH * 3, rng)
    form_rows = records[:SUBMISSIONS]
    single_rows = records[SUBMISSIONS : 2 * SUBMISSIONS]
    batch_rows = records[2 * SUBMISSIONS :]
    try:
        _wait(port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        multipart = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        warm = [dict(r, uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4))) for r in batch_rows[:5]]
        _send(connection, "POST", "/api/v1/submissions", json.dumps({"records": warm}).encode(), api)
        _send(connection, "GET", f"/openrosa/{token}/formList", None, {})
        openrosa, created = [], 0
        for record in form_rows:
            seconds, status, _ = _send(connection, "HEAD", f"/openrosa/{token}/submission", None, {})
            posted, status, data = _send(
                connection, "POST", f"/openrosa/{token}/submission", _multipart(_instance(record)), multipart
            )
            if status not in (201, 202):
                raise RuntimeError(f"POST /submission: {status} {data[:300]!r}")
            openrosa.append(seconds + posted)
            created += status == 201
        resend = sum(
            _send(connection, "POST", f"/openrosa/{token}/submission", _multipart(_instance(r)), multipart)[1] == 202
            for r in form_rows[:20]
        )
        repeated: dict[int, list[float]] = {0: [], WOMEN: []}
        for n in range(2 * SUBMISSIONS):  # in turns, so that neither kind gets the warmer server
            women = WOMEN if n % 2 else 0
            seconds, status, _ = _send(connection, "HEAD", f"/openrosa/{token}/submission", None, {})
            body = _multipart(_families_instance(families, rng, women))
            posted, status, data = _send(connection, "POST", f"/openrosa/{token}/submission", body, multipart)
            if status != 201:
                raise RuntimeError(f"POST /submission (repeats): {status} {data[:300]!r}")
            repeated[women].append(seconds + posted)
        single = []
        for record in single_rows:
            seconds, status, data = _send(
                connection, "POST", "/api/v1/submissions", json.dumps({"records": [record]}).encode(), api
            )
            if status != 200:
                raise RuntimeError(f"POST /api/v1/submissions: {status} {data[:300]!r}")
            single.append(seconds)
        batches = [
            _send(
                connection,
                "POST",
                "/api/v1/submissions",
                json.dumps({"records": batch_rows[i : i + BATCH]}).encode(),
                api,
            )[0]
            for i in range(BATCH, len(batch_rows), BATCH)
        ]
    finally:
        server.terminate()
        server.join(5)
    return {
        "openrosa": openrosa,
        "created": created,
        "resend": resend,
        "repeated": repeated,
        "single": single,
        "batches": batches,
    }


def _print(name: str, run: dict[str, Any]) -> None:
    openrosa, single, batches = run["openrosa"], run["single"], run["batches"]
    batch_rate = BATCH * len(batches) / sum(batches)
    print(
        f"{name:<11} POST /openrosa/<token>/submission (HEAD first) {len(openrosa) / sum(openrosa):6.0f} forms/s  "
        f"p99 {1000 * p99(openrosa):5.0f} ms  ({run['created']} stored, {run['resend']}/20 resends acknowledged)"
    )
    flat, repeated = run["repeated"][0], run["repeated"][WOMEN]
    for label, seconds in (
        (f"families forms, {WOMEN} women x {CHILDREN} children", repeated),
        ("baseline: families forms, no woman", flat),
    ):
        print(f"{'':<11} {label:<46} {len(seconds) / sum(seconds):6.0f} forms/s  p99 {1000 * p99(seconds):5.0f} ms")
    print(
        f"{'':<11} baseline POST /api/v1/submissions, 1 record   {len(single) / sum(single):6.0f} records/s  "
        f"p99 {1000 * p99(single):5.0f} ms"
    )
    print(f"{'':<11} baseline POST /api/v1/submissions, {BATCH} records {batch_rate:6.0f} records/s")
    summary = {
        "database": name,
        "openrosa_forms_per_s": round(len(openrosa) / sum(openrosa), 1),
        "sync_single_records_per_s": round(len(single) / sum(single), 1),
        "sync_batch_records_per_s": round(batch_rate, 1),
        "openrosa_p99_ms": round(1000 * p99(openrosa), 1),
        "openrosa_repeats_forms_per_s": round(len(repeated) / sum(repeated), 1),
        "openrosa_repeats_p99_ms": round(1000 * p99(repeated), 1),
        "openrosa_no_instance_forms_per_s": round(len(flat) / sum(flat), 1),
        "sync_single_p99_ms": round(1000 * statistics.quantiles(single, n=100)[98], 1),
    }
    print(json.dumps(summary))


def run() -> None:
    """Print OpenRosa submission throughput next to the sync API's."""
    print("== OpenRosa submissions ==")
    with tempfile.TemporaryDirectory() as folder:
        _print("SQLite", _measure(f"sqlite:///{Path(folder) / 'bench.db'}"))
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if postgres:
        _print("PostgreSQL", _measure(postgres))


if __name__ == "__main__":
    run()
