"""Phone remote numbers (issue: the coach's phone as the remote):

- tap → TV state: a command posted to a real ``backbeat tv --remote`` process
  (offscreen, loopback) until its answer, which the TV sends after its GUI
  thread has applied the command (the state in the answer is the TV's own):
  p95, bar ≤ 50 ms;
- the page's live lag: from the tap until the live feed (the WebSocket the page
  listens on) carries the new state: p95, bar ≤ 250 ms.

Each run sends ``BENCH_REMOTE_TAPS`` commands (default 60: pause and resume in
turn, 100–200 ms apart); 5 runs, each on a fresh TV process. Printed: the
median of the runs' p95 with min–max, and the machine's load.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))
from table import report  # noqa: E402

TAP_P95_BAR_MS = 50.0
LIVE_P95_BAR_MS = 250.0
RUNS = 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def _one_run(taps: int) -> tuple[list[float], list[float]]:
    import aiohttp

    from backbeat.store.db import Database
    from backbeat.store.remote import shown_codes

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'gym.db'}"
        Database(url).close()
        port = _free_port()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_DATA_DIR": str(Path(tmp) / "data")}
        tv = subprocess.Popen([sys.executable, "-m", "backbeat", "--db", url, "tv", "--windowed",
                               "--remote", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        db = Database(url)
        try:
            deadline = time.monotonic() + 60
            while not shown_codes(db):
                if time.monotonic() > deadline or tv.poll() is not None:
                    raise RuntimeError("the TV did not serve the remote")
                await asyncio.sleep(0.05)
            code = shown_codes(db)[0].code
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as http:
                async with http.post(f"{base}/api/pair", json={"code": code, "name": "bench"}) as r:
                    token = (await r.json())["token"]
                auth = {"Authorization": f"Bearer {token}"}
                async with http.post(f"{base}/api/start", json={"program": "Precision Back", "day": 1},
                                     headers=auth) as r:
                    assert r.status == 200, await r.text()
                async with http.ws_connect(f"{base}/api/live") as ws:
                    await ws.send_json({"token": token})
                    await ws.receive_json()
                    tap_ms, live_ms = [], []
                    for i in range(taps):
                        await asyncio.sleep(random.uniform(0.1, 0.2))
                        want = "paused" if i % 2 == 0 else "running"
                        command = "pause" if want == "paused" else "resume"
                        sent = time.perf_counter()
                        seen = asyncio.ensure_future(_until_state(ws, want))
                        async with http.post(f"{base}/api/command", json={"command": command},
                                             headers=auth) as r:
                            state = await r.json()
                        tap_ms.append((time.perf_counter() - sent) * 1000)
                        assert state["state"] == want, state
                        await asyncio.wait_for(seen, 5)
                        live_ms.append((seen.result() - sent) * 1000)
            return tap_ms, live_ms
        finally:
            tv.terminate()
            tv.wait(10)
            db.close()


async def _until_state(ws, want: str) -> float:
    while True:
        msg = await ws.receive_json()
        if msg.get("state") == want:
            return time.perf_counter()


def _range(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ms ({min(values):.1f}–{max(values):.1f})"


def main() -> bool:
    taps = int(os.environ.get("BENCH_REMOTE_TAPS", "60"))
    tap_p95, live_p95 = [], []
    for run in range(RUNS):
        load = os.getloadavg()[0]
        tap_ms, live_ms = asyncio.run(_one_run(taps))
        tap_p95.append(_p95(tap_ms))
        live_p95.append(_p95(live_ms))
        print(f"run {run + 1}: {taps} taps, tap p95 {tap_p95[-1]:.1f} ms, live p95 {live_p95[-1]:.1f} ms, "
              f"load {load:.2f}", flush=True)
    print(f"machine load (1 min) at the end: {os.getloadavg()[0]:.2f}")
    return report([
        (f"remote tap → TV state p95, median of {RUNS} runs (min–max)", _range(tap_p95),
         f"≤ {TAP_P95_BAR_MS:.0f} ms", statistics.median(tap_p95) <= TAP_P95_BAR_MS),
        (f"remote page live lag p95, median of {RUNS} runs (min–max)", _range(live_p95),
         f"≤ {LIVE_P95_BAR_MS:.0f} ms", statistics.median(live_p95) <= LIVE_P95_BAR_MS),
    ])


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
