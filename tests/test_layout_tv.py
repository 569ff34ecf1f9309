"""The TV's layout check: every state of real classes (the sample program's two
days and a day of every library exercise, the longest names among them) at
720p, 1080p and 4K, with and without a rest board of 12 athletes (the longest
names, flagged athletes), a status line, paused, before the start, the menu
and the class done. See tests/layout_check.py for what is checked."""

from __future__ import annotations

import json

import pytest

from backbeat.domain.program import parse_program
from backbeat.engine.clock import FakeClock
from backbeat.engine.display import describe
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan
from backbeat.store.board import BoardLine
from backbeat.ui.tv.screen import TvScreen
from tests.layout_check import texts_of, tv_problems

SIZES = [(1280, 720), (1920, 1080), (3840, 2160)]
LONG_NAME = "Konstantina Papadopoulous"  # 24 letters
assert sum(c.isalpha() for c in LONG_NAME) == 24

BOARD = [
    BoardLine("Ana", "17.5 kg", "Next: eccentric 4 s"),
    BoardLine(LONG_NAME, "112.5 kg", "Ease off: form 2"),
    BoardLine("Dev", "", "does Bird dog", caution=True, substitute="Bird dog", why="disc history"),
    BoardLine("Chloé", "10 kg", ""),
    BoardLine("Maximiliana Oyelaran-Sato", "", "does Unloaded slow hyperextension", caution=True,
              substitute="Unloaded slow hyperextension", why="disc history"),
    BoardLine("Ben", "7.5 kg", "Ease off: form 2"),
    BoardLine("Eli", "", ""),
    BoardLine("Farah", "14.5 kg", "Next: +2.5 kg"),
    BoardLine("Gus", "40 lb", ""),
    BoardLine("Hana", "22 kg", "Next: +2.5 kg"),
    BoardLine("Ines", "9 kg", ""),
    BoardLine("Jo", "11 kg", ""),
]
STATUS = ["SOUND OFF: no sound device found", "position not saved: database is away"]


def every_exercise_day(library) -> ClassPlan:
    items = []
    for ex in library.exercises:
        if ex.is_breath_drill:
            item = {"exercise": ex.slug, "cycles": 1}
            items.append({"name": f"Breath: {ex.name}", "kind": "breath", "items": [item]})
            continue
        item = {"exercise": ex.slug, "sets": 2, "reps": 1, "rest_s": 30}
        if ex.laterality.value == "unilateral":
            item["per_side"] = True
        if "hold" in ex.slug:
            item = {"exercise": ex.slug, "sets": 2, "duration_s": 20, "rest_s": 30}
        items.append({"name": ex.name, "items": [item]})
    program = parse_program(json.dumps({
        "format": "backbeat.program/1", "name": "Every exercise in the library",
        "days": [{"name": "All of them, longest names included", "blocks": items}]}))
    return ClassPlan(program, 1, library)


def moments(plan: ClassPlan):
    """One runner per distinct thing the TV says (a moment in each kind of segment)."""
    runner = ClassRunner(plan, FakeClock())
    runner.play()
    seen = set()
    for seg in runner.timeline.segments:
        runner.seek_ms(seg.start_ms + seg.duration_ms / 2)
        d = describe(runner.now(), runner.timeline)
        key = (d.mode, d.exercise, d.big_label, d.set_text, d.rep_text, d.side_text, d.next_title,
               d.next_set, d.next_detail, d.cues, d.cautions, d.breath_label, d.prescription)
        if key in seen:
            continue
        seen.add(key)
        yield seg.start_ms + seg.duration_ms / 2


@pytest.fixture(scope="module")
def plans(library, sample_program):
    return [ClassPlan(sample_program, 1, library), ClassPlan(sample_program, 2, library),
            every_exercise_day(library)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_running_state_fits_and_reads_from_across_the_gym(qtbot, plans, size):
    problems, modes = [], set()
    for plan in plans:
        runner = ClassRunner(plan, FakeClock())
        screen = TvScreen(runner)
        qtbot.addWidget(screen)
        screen.resize(*size)
        runner.play()
        for i, at in enumerate(moments(plan)):
            runner.seek_ms(at)
            d = screen.display()
            first = (d.mode, d.big_label)
            # the board is fetched for the coming (or current) exercise: a breath drill has none
            variants = [([], []), (BOARD, []), (BOARD, STATUS if i % 3 == 0 else STATUS[:1])]
            if d.mode == "breath":
                variants = [([], []), ([], STATUS)]
            for board, status in variants:
                screen.board, screen.status_lines = list(board), list(status)
                pages = 3 if board else 1
                for page in range(pages):  # a long board turns its pages: check each
                    runner.seek_ms(at)
                    if page:
                        runner.clock.advance(6 * page)
                    d = screen.display()
                    if d.mode == "done" or (d.mode, d.big_label) != first:
                        continue  # the page turns within the same state only
                    lay = screen.layout(d)
                    where = f"{plan.program.name} day {plan.day_number} at {at / 1000:.1f} s " \
                            f"({d.mode} {d.big_label}, board {len(board)}, status {len(status)})"
                    problems += tv_problems(lay, where)
                    problems += _says(lay, d, where, board)
                    modes.add(d.mode)
        screen.board = []
    assert {"get_ready", "work", "hold", "rest", "breath", "switch_sides"} <= modes
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} problems)"


def _says(lay, d, where: str, board) -> list[str]:
    """The things each state must say are there, in their roles (a layout that
    left them out would pass the fitting checks)."""
    out = []
    joined = {t.text for t in lay.texts}

    def need(role: str, text: str) -> None:
        if text and text not in texts_of(lay, role):
            out.append(f"{where}: {text!r} is not shown as {role} (shown: {sorted(joined)})")

    if d.mode in ("work", "hold", "breath"):
        need("exercise", d.exercise)
        need("phase", d.big_label)
        need("countdown", str(d.seconds_left))
        need("setrep", d.rep_text)
        if d.mode != "breath":
            need("setrep", d.set_text)
            need("breath", d.breath_label)
    else:
        need("mode", d.big_label)
        need("next", d.next_title)
        if not any(t.role == "countdown" for t in lay.texts):
            out.append(f"{where}: no countdown")
        names = texts_of(lay, "board")
        if board and not any(line.athlete in names for line in board):
            out.append(f"{where}: the rest board is not shown")
    if d.cautions:  # a risky exercise: the band says who swaps to what
        cautions = texts_of(lay, "caution")
        if not cautions:
            out.append(f"{where}: the caution is not shown")
        for line in board if d.mode != "breath" else []:
            if line.caution and not any(line.athlete in c for c in cautions):
                out.append(f"{where}: the caution band does not name {line.athlete}")
    return out


def _qr_clear(lay, where: str) -> list[str]:
    """The remote's QR code is on the screen, whole, and under no text."""
    qrs = [s.rect for s in lay.shapes if s.kind == "qr"]
    if len(qrs) != 1:
        return [f"{where}: {len(qrs)} QR codes shown"]
    qr = qrs[0]
    out = [f"{where}: the QR code is off the screen"] if qr.bottom() > lay.height or qr.right() > lay.width else []
    return out + [f"{where}: {t.text!r} covers the QR code" for t in lay.texts if t.rect.intersects(qr)]


def test_a_long_board_shows_every_athlete_over_its_pages(qtbot, plans):
    plan = plans[0]
    runner = ClassRunner(plan, FakeClock())
    screen = TvScreen(runner)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    screen.board = list(BOARD)
    runner.play()
    rest = next(s for s in runner.timeline.segments if s.kind.value == "rest" and s.duration_ms > 30_000)
    shown = set()
    for page in range(4):
        runner.seek_ms(rest.start_ms + 500 + page * 6000)
        shown |= set(texts_of(screen.layout(), "board"))
    assert {line.athlete for line in BOARD} <= shown
    assert any("▲" in t.text and "▼" in t.text for t in screen.layout().texts)  # the legend


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_start_pause_menu_and_done_fit(qtbot, plans, size):
    plan = plans[2]
    runner = ClassRunner(plan, FakeClock())
    screen = TvScreen(runner)
    qtbot.addWidget(screen)
    screen.resize(*size)
    problems = []
    screen.choosing = True
    screen.resume_offer = {"program": plan.program.name, "day": 1, "position_ms": 1_234_000}
    lay = screen.layout()
    problems += tv_problems(lay, "before the start")
    assert plan.program.name in texts_of(lay, "exercise")
    screen.remote_pairing = ("http://192.168.1.20:8088/#pair=482913", "482913")
    lay = screen.layout()
    problems += tv_problems(lay, "before the start, remote served") + _qr_clear(lay, "before the start")
    assert "482 913" in texts_of(lay, "cue")
    screen.resume_offer = None
    runner.play()
    rest = next(s for s in runner.timeline.segments if s.kind.value == "rest")
    runner.seek_ms(rest.start_ms + 1000)
    runner.pause()
    screen.board = list(BOARD)
    lay = screen.layout()
    problems += tv_problems(lay, "paused in a rest") + _qr_clear(lay, "paused in a rest")
    assert "PAUSED" in texts_of(lay, "phase") and "482 913" in texts_of(lay, "cue")
    assert any("PAGE DOWN" in t for t in texts_of(lay, "keys"))  # the pause screen lists the keys
    for item in range(3):
        screen.menu = item
        lay = screen.layout()
        problems += tv_problems(lay, f"menu on item {item}")
        assert len(texts_of(lay, "menu")) == 3
    screen.menu = None
    runner.end()
    assert runner.state is RunState.ENDED
    lay = screen.layout()
    problems += tv_problems(lay, "class done")
    assert "WELL DONE" in texts_of(lay, "phase")
    assert not problems, "\n".join(problems)


def test_the_painted_screen_is_the_layout(qtbot, plans):
    """Paint draws what the layout says: each text's box has ink, outside of every
    box and shape there is only background."""
    from PySide6.QtGui import QColor

    from backbeat.ui import theme

    runner = ClassRunner(plans[0], FakeClock())
    screen = TvScreen(runner)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    runner.play()
    work = next(s for s in runner.timeline.segments if s.kind.value == "work")
    runner.seek_ms(work.start_ms + 100)
    image = screen.grab().toImage()
    lay = screen.layout()
    bg = QColor(theme.BACKGROUND).rgb()
    for t in lay.texts:
        r = t.rect.toAlignedRect()
        inked = sum(1 for x in range(r.left(), r.right(), 3) for y in range(r.top(), r.bottom(), 3)
                    if image.pixel(x, y) != bg)
        assert inked > 0, f"{t.text!r} is not painted where its layout says"


def test_repainting_only_what_moves_gives_the_full_frame(qtbot, plans):
    """A frame painted from the cached layer plus the moving shapes (what the TV
    does 60 times a second) is the frame a full repaint gives."""
    from PySide6.QtGui import QImage

    runner = ClassRunner(plans[0], FakeClock())
    screen = TvScreen(runner)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    runner.play()
    image = QImage(1280, 720, QImage.Format.Format_RGB32)
    checked = 0
    for kind in ("work", "rest", "breath"):
        seg = next(s for s in runner.timeline.segments if s.kind.value == kind and s.duration_ms >= 2000)
        runner.seek_ms(seg.start_ms + 100)
        screen.render(image)  # a full frame: the layer is made
        for step in range(30):  # over seconds and phase changes: only what changed
            runner.clock.advance(0.05 if step % 3 else 0.4)
            region = screen.dirty_region()
            assert region.boundingRect() != screen.rect()
            screen.render(image, region.boundingRect().topLeft(), region)
            full = screen.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
            assert (_pixels(image) == _pixels(full)).all(), \
                f"{kind}: the partial frame differs from a full one"
            checked += 1
    assert checked >= 60


def _pixels(image):
    import numpy as np

    ptr = image.constBits()
    data = np.frombuffer(ptr, dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4].astype(int)


# --- between classes: the timetable's next class -------------------------------------------------
def _betweens():
    """Every between-classes state the TV shows, with the longest words it meets."""
    from datetime import UTC, datetime, time, timedelta

    from backbeat.domain.timetable import Entry, Timetable, between

    long_program = "Posterior chain and thoracic mobility for desk workers"
    tt = Timetable(timezone="Europe/Berlin", entries=(
        Entry(weekday=1, start=time(18, 0), room="tv-front", program=long_program, day=12,
              coach="Maximiliana Oyelaran-Sato", self_start=True),
        Entry(weekday=3, start=time(7, 0), room="tv-front", program="Precision Back",
              coach="Mara", self_start=False),
        Entry(weekday=4, start=time(9, 30), room="tv-front", program="A program since deleted",
              self_start=True),
    ))
    tue, wed, thu = tt.entries
    classes = {tue.key: (long_program, 12), wed.key: ("Precision Back", 2),
               thu.key: "Thursday 09:30: the program 'A program since deleted' is no longer in the "
                        "database, so nothing starts. Fix the timetable in the trainer."}
    names = [line.athlete for line in BOARD] * 2  # 24 checked in, the longest names among them
    at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # Tuesday 18:00 in Berlin
    return [
        ("waiting, 24 checked in", between(tt, "tv-front", at - timedelta(minutes=12, seconds=30),
                                           set(), classes, names)),
        ("waiting days ahead", between(tt, "tv-front", at - timedelta(days=1), set(), classes)),
        ("starting", between(tt, "tv-front", at, set(), classes, names[:3])),
        ("asking", between(tt, "tv-front", at + timedelta(minutes=20), set(), classes, names)),
        ("ready: press Start", between(tt, "tv-front", at + timedelta(days=1, hours=13), set(),
                                       classes, names[:5])),
        ("a deleted program, ahead", between(tt, "tv-front",
                                             at + timedelta(days=2, hours=15, minutes=25), set(), classes)),
        ("a deleted program, due", between(tt, "tv-front", at + timedelta(days=2, hours=15, minutes=30),
                                           set(), classes)),
        ("another room's", between(tt, "tv-back-of-the-big-room", at - timedelta(minutes=3), set(),
                                   classes, names)),
    ]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_between_classes_fits_and_reads_from_across_the_gym(qtbot, plans, size):
    from backbeat.domain.timetable import Action

    screen = TvScreen(ClassRunner(plans[0], FakeClock()))
    qtbot.addWidget(screen)
    screen.resize(*size)
    problems = []
    states = _betweens()
    assert [b.action for _, b in states] == [Action.WAIT, Action.WAIT, Action.START, Action.ASK,
                                             Action.READY, Action.WAIT, Action.START, Action.WAIT]
    for name, b in states:
        for status, offer, choice in (([], None, 0), (STATUS, None, 1),
                                      (STATUS[:1], {"program": "Precision Back", "day": 2,
                                                    "position_ms": 754_000}, 0)):
            screen.between, screen.status_lines, screen.resume_offer = b, list(status), offer
            screen.ask_choice = choice
            lay = screen.layout()
            where = f"between classes, {name} (status {len(status)}, offer {offer is not None})"
            problems += tv_problems(lay, where)
            said = {t.text for t in lay.texts}
            for role, text in (("exercise", b.program), ("countdown", b.when)):
                if text not in texts_of(lay, role):
                    problems.append(f"{where}: {text!r} is not shown as {role} (shown: {sorted(said)})")
            if b.action is Action.WAIT and not b.refusal and b.countdown not in texts_of(lay, "mode"):
                problems.append(f"{where}: the countdown {b.countdown!r} is not shown")
            if b.checked_in:  # every name, or the first ones and how many more
                shown = " ".join(texts_of(lay, "board"))
                listed, _, more = shown.partition(" and ")
                listed = listed.split(", ")
                if (listed != list(b.checked_in[:len(listed)])
                        or int(more.split()[0] if more else 0) != len(b.checked_in) - len(listed)
                        or f"CHECKED IN ({len(b.checked_in)})" not in texts_of(lay, "label")):
                    problems.append(f"{where}: who is checked in is not shown ({shown!r})")
            if b.refusal and not any(b.refusal in t for t in texts_of(lay, "caution")):
                problems.append(f"{where}: the refusal is not shown")
            if b.action is Action.ASK and len(texts_of(lay, "menu")) != 2:
                problems.append(f"{where}: the question's two answers are not shown")
            if offer and b.action is not Action.ASK \
                    and not any("Interrupted class" in t for t in texts_of(lay, "caution")):
                problems.append(f"{where}: the interrupted class is not offered")
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} problems)"
