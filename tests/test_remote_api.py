"""The remote's API on a real server on 127.0.0.1: pairing, every refusal,
and commands that move a real class runner (on a fake clock)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import urllib.error
import urllib.request

import aiohttp
import pytest

from backbeat.domain.pairing import MAX_WRONG_CODES
from backbeat.engine.clock import FakeClock
from backbeat.engine.commands import apply_command
from backbeat.engine.display import describe
from backbeat.engine.runner import ClassRunner
from backbeat.engine.timeline import ClassPlan
from backbeat.remote.access import StoreAccess
from backbeat.remote.api import MAX_BODY_BYTES
from backbeat.remote.server import RemoteServer
from backbeat.remote.state import page_state
from backbeat.store.remote import list_devices, revoke_device, shown_codes


class RunnerControl:
    """The serving station's part, without a TV: a runner and a lock."""

    def __init__(self, runner: ClassRunner):
        self.runner = runner
        self.lock = threading.Lock()

    def snapshot(self):
        with self.lock:
            r = self.runner
            return page_state(describe(r.now(), r.timeline), program=r.timeline.program,
                              day=r.timeline.day, position_s=r.position_ms() / 1000)

    def classes(self):
        return [{"program": self.runner.timeline.program, "day": 1}]

    def command(self, command, seconds):
        with self.lock:
            apply_command(self.runner, command, seconds)
        return self.snapshot()

    def start(self, program, day):
        return self.command("resume", 15)


@pytest.fixture
def served(db, sample_program, library):
    runner = ClassRunner(ClassPlan(sample_program, 1, library), FakeClock())
    control = RunnerControl(runner)
    server = RemoteServer(control, StoreAccess(db, "tv@gym"), host="127.0.0.1", port=0)
    server.start()
    yield server, control, db
    server.stop()


def call(server, method, path, body=None, token=None, raw: bytes | None = None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read() or b"{}"), resp.headers
    except urllib.error.HTTPError as err:
        payload = err.read()
        return err.code, (json.loads(payload) if payload.startswith(b"{") else {}), err.headers


def pair(server) -> str:
    status, body, _ = call(server, "POST", "/api/pair", {"code": server.pairing.current().code,
                                                         "name": "coach's phone"})
    assert status == 200, body
    return body["token"]


def test_pairing_gives_a_token_that_drives_the_class(served):
    server, control, db = served
    token = pair(server)
    assert all(d.name == "coach's phone" for d in list_devices(db))
    status, state, _ = call(server, "GET", "/api/state", token=token)
    assert status == 200 and state["state"] == "ready" and state["program"] == "Precision Back"
    status, state, _ = call(server, "POST", "/api/command", {"command": "resume"}, token=token)
    assert status == 200 and state["state"] == "running"
    status, state, _ = call(server, "POST", "/api/command", {"command": "extend", "seconds": 15}, token=token)
    assert status == 200 and state["seconds_left"] == 25  # the 10 s get-ready, +15 s
    status, state, _ = call(server, "POST", "/api/command", {"command": "next"}, token=token)
    assert status == 200 and state["mode"] == "breath"
    status, state, _ = call(server, "POST", "/api/command", {"command": "pause"}, token=token)
    assert status == 200 and state["state"] == "paused" and control.runner.state.value == "paused"
    status, state, _ = call(server, "POST", "/api/command", {"command": "stop"}, token=token)
    assert status == 200 and state["state"] == "ended"
    status, body, _ = call(server, "POST", "/api/command", {"command": "resume"}, token=token)
    assert status == 409 and "ended" in body["error"]


def test_the_shown_code_is_in_the_store_for_the_cli(served):
    server, _control, db = served
    (shown,) = shown_codes(db)
    assert shown.station == "tv@gym" and shown.code == server.pairing.current().code
    assert shown.address == f"http://127.0.0.1:{server.port}/"
    pair(server)
    (shown,) = shown_codes(db)
    assert shown.code == server.pairing.current().code  # the spent one replaced at once


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_no_or_wrong_token_is_401_and_changes_nothing(served, token):
    server, control, _ = served
    for method, path, body in (("GET", "/api/state", None), ("GET", "/api/classes", None),
                               ("POST", "/api/command", {"command": "resume"}),
                               ("POST", "/api/start", {"program": "Precision Back", "day": 1})):
        status, answer, headers = call(server, method, path, body, token=token)
        assert status == 401, (path, answer)
        assert "Bearer" in headers["WWW-Authenticate"] and "pair" in answer["error"]
    assert control.runner.state.value == "ready"


def test_a_revoked_token_is_refused(served):
    server, _control, db = served
    token = pair(server)
    (device,) = list_devices(db)
    revoke_device(db, device.id)
    assert call(server, "GET", "/api/state", token=token)[0] == 401


def test_wrong_and_expired_codes_and_the_lock(served):
    server, _control, _db = served
    status, body, _ = call(server, "POST", "/api/pair", {"code": "12345"})
    assert status == 400 and body["error"].startswith("code:")
    first = server.pairing.current().code
    pair(server)
    status, body, _ = call(server, "POST", "/api/pair", {"code": first})
    assert status == 403 and "expired" in body["error"]
    wrong = "000000" if server.pairing.current().code != "000000" else "000001"
    for _ in range(MAX_WRONG_CODES - 1):
        assert call(server, "POST", "/api/pair", {"code": wrong})[0] == 403
    status, body, headers = call(server, "POST", "/api/pair", {"code": server.pairing.current().code})
    assert status == 429 and "locked" in body["error"] and int(headers["Retry-After"]) >= 59


@pytest.mark.parametrize(("raw", "says"), [
    (b"{not json", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"command": "jump"}', "command:"),
    (b'{"command": "pause", "extra": 1}', "extra:"),
    (b'{"command": "extend", "seconds": "15"}', "seconds:"),
    (b'{"command": "extend", "seconds": 100000}', "seconds:"),
    (b'{"command": "extend", "seconds": -5}', "seconds:"),
    (b"{}", "command:"),
])
def test_bad_commands_are_400_and_change_nothing(served, raw, says):
    server, control, _ = served
    token = pair(server)
    before = control.snapshot()
    status, body, _ = call(server, "POST", "/api/command", token=token, raw=raw)
    assert status == 400 and says in body["error"]
    assert control.snapshot() == before


def test_an_oversized_body_is_413(served):
    server, control, _ = served
    token = pair(server)
    raw = json.dumps({"command": "pause", "pad": "x" * MAX_BODY_BYTES}).encode()
    status, body, _ = call(server, "POST", "/api/command", token=token, raw=raw)
    assert status == 413 and "larger" in body["error"]
    assert control.runner.state.value == "ready"


def _raw_get(port: int, target: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("target", [
    "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/page/", "/page/index.html",
    "/..%2fpyproject.toml", "/static/", "/app.js/../../server.py", "//etc/passwd", "/api/",
    "/index.html?file=../../etc/passwd",
])
def test_nothing_outside_the_page_and_api_is_served(served, target):
    server, _control, _ = served
    answer = _raw_get(server.port, target)
    status = answer.split(b"\r\n", 1)[0]
    assert b" 404 " in status or b" 400 " in status, (target, status)
    assert b"root:" not in answer and b"import" not in answer


def test_the_page_is_served_with_a_strict_policy(served):
    server, _control, _ = served
    answer = _raw_get(server.port, "/")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n", 1)[0]
    assert b"default-src 'self'" in head and b"nosniff" in head
    assert b"<script src=\"/app.js\">" in body and b"http" not in body.replace(b"http-equiv", b"")


def test_the_live_feed_needs_a_token_then_follows_the_class(served):
    server, control, _ = served
    token = pair(server)

    async def run():
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{server.port}/api/live"
            async with session.ws_connect(url) as ws:
                await ws.send_json({"token": "wrong"})
                msg = await ws.receive_json(timeout=5)
                assert "error" in msg
                await ws.receive(timeout=5)
                assert ws.close_code == 4401
            async with session.ws_connect(url) as ws:
                await ws.send_json({"token": token})
                first = await ws.receive_json(timeout=5)
                assert first["state"] == "ready"
                await asyncio.get_running_loop().run_in_executor(None, control.command, "resume", 15)
                second = await ws.receive_json(timeout=5)
                assert second["state"] == "running"

    asyncio.run(run())


def test_remote_code_on_the_command_line(served, db_url, capsys):
    from backbeat.cli import main

    server, _control, _db = served
    assert main(["--db", db_url, "remote", "code"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == server.pairing.current().code and "tv@gym" in err
    assert main(["--db", db_url, "remote", "code", "--station", "tv@back"]) == 2
    assert "no pairing code is shown by station 'tv@back'" in capsys.readouterr().err
    pair(server)
    assert main(["--db", db_url, "remote", "devices"]) == 0
    assert "coach's phone\tpaired" in capsys.readouterr().out
    assert main(["--db", db_url, "remote", "revoke", "99"]) == 2
    assert "no paired remote with id 99" in capsys.readouterr().err


def test_a_bad_remote_address_is_refused_in_words(db_url, capsys):
    from backbeat.cli import main

    assert main(["--db", db_url, "tv", "--remote", "127.0.0.1:http"]) == 2
    assert "the port must be a number" in capsys.readouterr().err
