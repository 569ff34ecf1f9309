"""Many kiosks, one truth: kiosk processes tap sets at once (every 10th tap
sent twice, as a retry) while a TV process saves and reads live state; the
database then holds every tap exactly once and nobody met "database is
locked". The full size (8 × 1,000) runs in `make bench` (bench_kiosk.py)."""

from __future__ import annotations

from tests import scripts


def _bench():
    return scripts.load("benchmarks/bench_kiosk.py")


def test_four_kiosks_and_a_tv_lose_nothing_and_duplicate_nothing(tmp_path):
    bench = _bench()
    r = bench.run_load(tmp_path, kiosks=4, taps=50)
    assert r["exit_codes"] == [0, 0, 0, 0]
    assert r["errors"] == []
    assert (r["taps"], r["rows"], r["lost"], r["duplicated"], r["unexpected"]) == (200, 200, 0, 0, 0)
    assert r["sent"] == 200 + 4 * 5  # the retries really were sent …
    assert (r["retries_sent"], r["retries_recognised"]) == (20, 20)  # … and recognised
    assert r["saved"] == 200 and r["queued"] == 0 and r["refused"] == 0
    assert r["locked"] == 0
    assert r["tv_saves"] > 0  # the TV was writing all along
