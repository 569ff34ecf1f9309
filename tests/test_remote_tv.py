"""The TV's side of the remote: commands from the server's threads run on the
GUI thread through the keys' own path; the page sees what the TV shows."""

from __future__ import annotations

import threading

import pytest

from backbeat.engine.clock import FakeClock
from backbeat.engine.commands import CommandRefused
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan
from backbeat.ui.tv.remote import TvRemoteControl
from backbeat.ui.tv.window import TvWindow


@pytest.fixture
def window(qtbot, sample_program, library):
    clock = FakeClock()
    started = []

    def make(program, day):
        return ClassRunner(ClassPlan(sample_program, day, library), clock)

    w = TvWindow(make("Precision Back", 1), classes=[("Precision Back", 1), ("Precision Back", 2)],
                 make_runner=make, on_start=lambda r: started.append(r.timeline.day) or 11)
    qtbot.addWidget(w)
    w.started, w.clock = started, clock
    w.remote = TvRemoteControl(w)
    return w


def _from_another_thread(window, fn):
    """Call ``fn`` as the server does (off the GUI thread) while the GUI thread
    drains the hand-over queue, as the TV's repaint tick does (driven by hand:
    no test waits on a timer)."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as exc:
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    while t.is_alive():
        window.remote.drain()
        t.join(0.005)
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_the_class_list_and_start_from_the_phone(qtbot, window):
    assert window.remote.snapshot()["choosing"] is True
    assert window.remote.classes() == [{"program": "Precision Back", "day": 1},
                                       {"program": "Precision Back", "day": 2}]
    state = _from_another_thread(window, lambda: window.remote.start("Precision Back", 2))
    assert state["state"] == "running" and state["day"] == 2 and not state["choosing"]
    assert window.runner.state is RunState.RUNNING and window.started == [2] and window.session_id == 11
    with pytest.raises(CommandRefused, match="a class is running"):
        _from_another_thread(window, lambda: window.remote.start("Precision Back", 1))


def test_commands_take_the_keys_path_and_refusals_change_nothing(qtbot, window):
    with pytest.raises(CommandRefused, match="not started"):
        _from_another_thread(window, lambda: window.remote.command("pause", 15))
    state = _from_another_thread(window, lambda: window.remote.command("resume", 15))
    assert state["state"] == "running" and window.started == [1]  # starting is a class start
    state = _from_another_thread(window, lambda: window.remote.command("extend", 20))
    assert state["seconds_left"] == 30 and window.runner.extensions == {0: 20000}
    state = _from_another_thread(window, lambda: window.remote.command("next", 15))
    assert state["mode"] == "breath"
    with pytest.raises(CommandRefused, match="nothing to lengthen"):
        _from_another_thread(window, lambda: window.remote.command("extend", 15))
    state = _from_another_thread(window, lambda: window.remote.command("pause", 15))
    assert state["state"] == "paused" and window.runner.state is RunState.PAUSED
    state = _from_another_thread(window, lambda: window.remote.command("stop", 15))
    assert state["state"] == "ended"
    with pytest.raises(CommandRefused, match="ended"):
        _from_another_thread(window, lambda: window.remote.command("resume", 15))


def test_the_page_follows_the_tv_frame_by_frame(window):
    window.command("resume")
    window.clock.advance(3.2)
    window.tick()
    state = window.remote.snapshot()
    assert state["mode"] == "get_ready" and state["seconds_left"] == 7 and state["position_s"] == 3.2


def test_the_pause_screen_shows_the_pairing_code(qtbot, window):
    class Server:
        class pairing:  # noqa: N801 - stands in for domain.pairing.Pairing
            @staticmethod
            def current():
                class Code:
                    code = "482913"
                return Code

        @staticmethod
        def pairing_url(code):
            return f"http://10.0.0.5:8088/#pair={code}"

        @staticmethod
        def stop():
            pass

    window.remote_server = Server
    window.tick()
    assert window.screen_widget.remote_pairing == ("http://10.0.0.5:8088/#pair=482913", "482913")
    window.resize(1280, 720)
    image = window.screen_widget.grab().toImage()
    (qr,) = [s.rect for s in window.screen_widget.layout().shapes if s.kind == "qr"]
    # painted: black modules on white, as much of each, where the layout put the code
    samples = [image.pixelColor(int(qr.x() + qr.width() * i / 40), int(qr.y() + qr.height() * j / 40))
               .lightness() for i in range(40) for j in range(40)]
    white, dark = sum(v > 240 for v in samples), sum(v < 20 for v in samples)
    assert white > 400 and dark > 400 and white + dark == len(samples)
