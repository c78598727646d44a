"""Pages travel compressed to browsers that accept it; static files are cached under versioned URLs."""

from __future__ import annotations

import gzip


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
