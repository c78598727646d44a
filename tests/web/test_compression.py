"""Pages travel compressed to browsers that accept it; static files are cached under versioned URLs."""

from __future__ import annotations

import gzip
import os
import re

from flask import url_for


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(client, example_survey):
    plain = client.get("/s/community-safety")
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/s/community-safety", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    page = gzip.decompress(packed.get_data()).decode()
    assert 'name="q_change_story"' in page
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert packed.headers["Cache-Control"] == "no-store"  # still never kept in a shared browser's cache


def test_static_urls_carry_their_version_and_are_kept_for_a_year(client, example_survey):
    page = client.get("/s/community-safety").get_data(as_text=True)
    match = re.search(r'href="(/static/css/voces\.css\?v=([0-9a-f]{12}))"', page)
    assert match, "the stylesheet's URL has no version"
    assert re.search(r'src="/static/js/form-logic\.js\?v=[0-9a-f]{12}"', page)
    with client.get(match.group(1)) as versioned:
        assert versioned.status_code == 200
        assert set(versioned.headers["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}
    for stale in ("/static/css/voces.css", "/static/css/voces.css?v=000000000000"):
        with client.get(stale) as response:  # not this content's URL: asked again next time
            assert "max-age=31536000" not in response.headers["Cache-Control"]


def test_a_changed_static_file_gets_a_new_url(app, tmp_path):
    (tmp_path / "a.css").write_text("body { color: red }")
    with app.test_request_context():
        app.static_folder, before = str(tmp_path), app.static_folder
        try:
            first = url_for("static", filename="a.css")
            (tmp_path / "a.css").write_text("body { color: blue }")
            os.utime(tmp_path / "a.css", ns=(0, 10**18))  # as a deployment leaves a newer file
            assert url_for("static", filename="a.css") != first
        finally:
            app.static_folder = before


def test_the_favicon_is_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.get_data()[:4] == b"\x00\x00\x01\x00"
    assert 'rel="icon" href="/favicon.ico"' in client.get("/").get_data(as_text=True)
