"""The remote's web server: aiohttp on a thread of its own.

aiohttp is a well-kept asyncio server with WebSockets built in; on its own
thread and event loop it never waits on the GUI thread's frames, and the GUI
thread never waits on a phone. The server answers exactly its page's few
files (held in memory, so no path ever reaches the file system) and its API;
everything else is 404. Bodies are capped at ``MAX_BODY_BYTES`` and validated
(remote.api); every API call but pairing needs ``Authorization: Bearer``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any, Protocol

from aiohttp import WSMsgType, web
from pydantic import ValidationError

from backbeat.domain.pairing import Pairing, PairingRefused, looks_like_token
from backbeat.engine.commands import CommandRefused
from backbeat.remote.address import lan_address
from backbeat.remote.api import MAX_BODY_BYTES, CommandRequest, PairRequest, StartRequest, explain

log = logging.getLogger(__name__)

#: How often the live feed looks for a changed state (the TV repaints every 16 ms).
LIVE_POLL_S = 0.02
#: How long a new WebSocket has to send its token.
LIVE_AUTH_TIMEOUT_S = 5.0
#: How often the pairing code is looked at (a fresh one replaces an expired one).
CODE_CHECK_S = 1.0

_PAGE_FILES = {
    "/": ("index.html", "text/html"),
    "/app.js": ("app.js", "text/javascript"),
    "/style.css": ("style.css", "text/css"),
}
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class ClassControl(Protocol):
    """What the serving station does for the remote. ``snapshot`` is called
    from the server's thread and must be cheap and thread-safe; the others may
    block briefly (they hand over to the station's own thread)."""

    def snapshot(self) -> dict[str, Any]: ...

    def classes(self) -> list[dict[str, Any]]: ...

    def command(self, command: str, seconds: int) -> dict[str, Any]: ...

    def start(self, program: str, day: int) -> dict[str, Any]: ...


class DeviceAccess(Protocol):
    """Paired devices and the shown code, kept in the store."""

    def authorize(self, token: str) -> bool: ...

    def pair(self, name: str) -> str: ...

    def show_code(self, code: str, expires_at: datetime, url: str) -> None: ...

    def hide_code(self) -> None: ...


def _page_file(name: str) -> bytes:
    return resources.files("backbeat.remote").joinpath("page", name).read_bytes()


class RemoteServer:
    def __init__(self, control: ClassControl, access: DeviceAccess, *, host: str = "127.0.0.1",
                 port: int = 0, clock: Callable[[], float] = time.time):
        self.control = control
        self.access = access
        self.host = host
        self.port = port
        self.pairing = Pairing(clock)
        self._clock = clock
        self._pages = {path: (_page_file(name), ctype) for path, (name, ctype) in _PAGE_FILES.items()}
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="remote-api")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._shown: str | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self.error: str | None = None
        self._url: str | None = None

    # --- life ---------------------------------------------------------------
    @property
    def url(self) -> str:
        """The page's address as a phone on the gym's network reaches it."""
        if self._url is None:
            host = lan_address() if self.host in ("0.0.0.0", "::", "") else self.host
            self._url = f"http://{host}:{self.port}/"
        return self._url

    def pairing_url(self, code: str | None = None) -> str:
        """What the QR code holds: the page, with the code to pair at once."""
        return f"{self.url}#pair={code or self.pairing.current().code}"

    def start(self) -> str:
        """Listen (raises OSError naming the address when it is taken) and serve
        on a thread of its own; returns the page's address."""
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise OSError(f"the remote cannot listen on {self.host}:{self.port}: {exc.strerror}") from None
        sock.listen(16)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(sock, ready), name="remote-server",
                                        daemon=True)
        self._thread.start()
        ready.wait(10)
        return self.url

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(5)
        self._pool.shutdown(wait=True, cancel_futures=True)
        with contextlib.suppress(Exception):
            self.access.hide_code()

    def _serve(self, sock: socket.socket, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main(sock, ready))
        finally:
            loop.close()

    async def _main(self, sock: socket.socket, ready: threading.Event) -> None:
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[self._guard])
        for path in self._pages:
            app.router.add_get(path, self._page)
        app.router.add_post("/api/pair", self._pair)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/classes", self._classes)
        app.router.add_post("/api/command", self._command)
        app.router.add_post("/api/start", self._start)
        app.router.add_get("/api/live", self._live)
        app.on_shutdown.append(self._close_sockets)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        await self._show_current_code()  # `backbeat remote code` works as soon as start() returns
        ready.set()
        codes = asyncio.create_task(self._keep_code_shown())
        await self._stopping.wait()
        codes.cancel()
        await self._runner.cleanup()

    async def _close_sockets(self, _app) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"the station is closing")

    async def _blocking(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def _keep_code_shown(self) -> None:
        while True:
            await self._show_current_code()
            await asyncio.sleep(CODE_CHECK_S)

    async def _show_current_code(self) -> None:
        """Mirror the code in force into the store, for ``backbeat remote code``
        and the trainer's desktop."""
        code = self.pairing.current()
        if code.code == self._shown:
            return
        expires = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=code.expires_at - self._clock())
        try:
            await self._blocking(self.access.show_code, code.code, expires, self.url)
            self._shown = code.code
            self.error = None
        except Exception as exc:  # the page still works; the code is on the TV
            self.error = f"remote: the pairing code could not be saved ({exc})"

    # --- answers --------------------------------------------------------------
    @web.middleware
    async def _guard(self, request: web.Request, handler):
        try:
            response = await handler(request)
        except web.HTTPRequestEntityTooLarge:
            response = _error(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
        except web.HTTPNotFound:
            response = _error(404, "no such page")
        except web.HTTPMethodNotAllowed as exc:
            response = _error(405, f"{request.method} is not allowed here")
            response.headers["Allow"] = ", ".join(sorted(exc.allowed_methods))
        if not isinstance(response, web.WebSocketResponse):
            response.headers.update(_SECURITY_HEADERS)
        return response

    async def _page(self, request: web.Request) -> web.Response:
        body, ctype = self._pages[request.path]
        return web.Response(body=body, content_type=ctype, charset="utf-8")

    async def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not looks_like_token(token):
            return False
        return bool(await self._blocking(self.access.authorize, token))

    async def _body(self, request: web.Request, model):
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY_BYTES, actual_size=request.content_length)
        raw = await request.read()
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _BadRequest(f"the body is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise _BadRequest("the body must be a JSON object")
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise _BadRequest(explain(exc)) from None

    async def _pair(self, request: web.Request) -> web.Response:
        try:
            body = await self._body(request, PairRequest)
        except _BadRequest as exc:
            return _error(400, str(exc))
        try:
            self.pairing.check(body.code)
        except PairingRefused as exc:
            if exc.locked_for_s:
                response = _error(429, str(exc))
                response.headers["Retry-After"] = str(max(1, round(exc.locked_for_s)))
                return response
            return _error(403, str(exc))
        token = await self._blocking(self.access.pair, body.name)
        await self._show_current_code()  # the spent code is replaced everywhere at once
        return web.json_response({"token": token})

    async def _state(self, request: web.Request) -> web.Response:
        if not await self._authorized(request):
            return _unauthorized()
        return web.json_response(self.control.snapshot())

    async def _classes(self, request: web.Request) -> web.Response:
        if not await self._authorized(request):
            return _unauthorized()
        return web.json_response({"classes": await self._blocking(self.control.classes)})

    async def _command(self, request: web.Request) -> web.Response:
        return await self._act(request, CommandRequest,
                               lambda body: self.control.command(body.command, body.seconds))

    async def _start(self, request: web.Request) -> web.Response:
        return await self._act(request, StartRequest,
                               lambda body: self.control.start(body.program, body.day))

    async def _act(self, request: web.Request, model, run) -> web.Response:
        """An authorized, validated request handed to the station: its state after,
        400 for a bad body, 409 when the class cannot take it now."""
        if not await self._authorized(request):
            return _unauthorized()
        try:
            body = await self._body(request, model)
            state = await self._blocking(run, body)
        except _BadRequest as exc:
            return _error(400, str(exc))
        except CommandRefused as exc:
            return _error(409, str(exc))
        return web.json_response(state)

    async def _live(self, request: web.Request) -> web.WebSocketResponse:
        """The page's live feed: the first message carries the token (a browser
        cannot put headers on a WebSocket), then every change of state."""
        ws = web.WebSocketResponse(heartbeat=10, max_msg_size=1024)
        await ws.prepare(request)
        try:
            msg = await asyncio.wait_for(ws.receive(), LIVE_AUTH_TIMEOUT_S)
            token = json.loads(msg.data).get("token", "") if msg.type is WSMsgType.TEXT else ""
        except (TimeoutError, ValueError, AttributeError):
            token = ""
        if not (looks_like_token(token) and await self._blocking(self.access.authorize, token)):
            await ws.send_json({"error": "not paired: pair with the code on the TV"})
            await ws.close(code=4401, message=b"unauthorized")
            return ws
        self._sockets.add(ws)
        reader = asyncio.create_task(_drain(ws))
        last = None
        try:
            while not ws.closed and not reader.done():
                state = self.control.snapshot()
                if state != last:
                    await ws.send_json(state)
                    last = state
                await asyncio.sleep(LIVE_POLL_S)
        except ConnectionError:
            pass
        finally:
            reader.cancel()
            self._sockets.discard(ws)
        return ws


async def _drain(ws: web.WebSocketResponse) -> None:
    async for _msg in ws:  # the page sends nothing after its token; a close ends this
        pass


class _BadRequest(Exception):
    pass


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _unauthorized() -> web.Response:
    response = _error(401, "not paired: send 'Authorization: Bearer TOKEN' (pair with the code on the TV)")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response
