"""`make bench` runs every benchmark, or only those named, and says which names there are."""

from __future__ import annotations

import pytest

benchmarks = pytest.importorskip("benchmarks.__main__", reason="the benchmarks need the bench extras")


def test_only_the_benchmarks_named_run_in_the_order_given(monkeypatch, capsys):
    ran = []
    for name in benchmarks.BENCHMARKS:
        title, _run = benchmarks.BENCHMARKS[name]
        monkeypatch.setitem(benchmarks.BENCHMARKS, name, (title, lambda name=name: ran.append(name)))
    benchmarks.main(["summary", "sync"])
    assert ran == ["summary", "sync"]
    assert "peak memory so far, after summary" in capsys.readouterr().out
    benchmarks.main([])
    assert ran[2:] == list(benchmarks.BENCHMARKS)


def test_an_unknown_name_is_refused_with_the_names_there_are():
    with pytest.raises(SystemExit, match="no benchmark synch; there are: analysis, english"):
        benchmarks.main(["synch"])
