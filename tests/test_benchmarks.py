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


def test_ten_million_testimonies_are_measured_on_postgresql_only_and_when_asked(monkeypatch):
    from benchmarks.summary import _sizes

    monkeypatch.delenv("BENCH_LARGE", raising=False)
    monkeypatch.delenv("BENCH_HUGE", raising=False)
    assert _sizes("postgresql") == [10_000, 100_000]
    monkeypatch.setenv("BENCH_HUGE", "1")
    assert _sizes("postgresql") == [10_000, 100_000, 1_000_000, 10_000_000]
    assert _sizes("sqlite") == [10_000, 100_000]
    monkeypatch.setenv("BENCH_LARGE", "1")
    assert _sizes("postgresql") == [10_000, 100_000, 1_000_000, 10_000_000]
    assert _sizes("sqlite") == [10_000, 100_000, 1_000_000]
