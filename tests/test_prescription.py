"""One reading of a prescription (domain.prescription), and every face agreeing on it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backbeat.domain.exercise import Exercise, Laterality, Side
from backbeat.domain.prescription import (
    FALLBACK_TEMPO,
    Volume,
    prescribed,
    tempo_in_force,
    works_each_side,
)
from backbeat.domain.program import Item, parse_program, program_from_data
from backbeat.domain.tempo import Phase, StartPhase, parse_tempo


def _ex(**kw) -> Exercise:
    base = dict(slug="seal-row", name="Seal row", pattern="horizontal pull", start="concentric")
    return Exercise(**(base | kw))


def test_the_tempo_in_force_is_the_items_then_the_librarys_then_the_fallback():
    usual = _ex(default_tempo="2-0-1-1")
    plain = _ex()
    own = parse_tempo("4-1-1-0")
    assert tempo_in_force(own, usual) is own
    assert tempo_in_force(None, usual) == parse_tempo("2-0-1-1")
    assert tempo_in_force(None, plain) is FALLBACK_TEMPO
    assert tempo_in_force(None, None) is FALLBACK_TEMPO
    assert str(FALLBACK_TEMPO) == "3-1-1-0"


def test_an_item_holds_its_tempo_parsed_and_writes_it_back_as_text():
    item = Item(exercise="seal-row", reps=8, tempo="31X0")
    assert item.tempo.rep_s == 5 and Phase.CONCENTRIC in item.tempo.explosive
    assert item.model_dump(mode="json", exclude_defaults=True)["tempo"] == "31X0"
    program = parse_program('{"format": "backbeat.program/1", "name": "P", "days": [{"name": "D",'
                            ' "blocks": [{"name": "B", "items": [{"exercise": "x", "reps": 8,'
                            ' "tempo": "3-1-1-2"}]}]}]}')
    assert program.to_document()["days"][0]["blocks"][0]["items"][0]["tempo"] == "3-1-1-2"


def test_phases_follow_the_exercises_start():
    pull = prescribed(Item(exercise="seal-row", reps=6), _ex())
    assert pull.volume is Volume.REPS and pull.tempo is FALLBACK_TEMPO
    assert [p for p, _ in pull.phases] == [Phase.CONCENTRIC, Phase.ECCENTRIC, Phase.PAUSE_BOTTOM]
    hinge = prescribed(Item(exercise="seal-row", reps=6, tempo="3-0-1-1"), _ex(start="eccentric"))
    assert [p for p, _ in hinge.phases] == [Phase.ECCENTRIC, Phase.CONCENTRIC, Phase.PAUSE_TOP]


@pytest.mark.parametrize("laterality, per_side, sides, alternating, each", [
    (Laterality.BILATERAL, None, (None,), False, False),
    (Laterality.UNILATERAL, None, (Side.LEFT, Side.RIGHT), False, True),  # per side unless told
    (Laterality.UNILATERAL, True, (Side.LEFT, Side.RIGHT), False, True),
    (Laterality.UNILATERAL, False, (None,), False, False),
    (Laterality.ALTERNATING, None, (None,), True, True),  # reps count per side
    (Laterality.ALTERNATING, True, (Side.LEFT, Side.RIGHT), False, True),
])
def test_sides(laterality, per_side, sides, alternating, each):
    ex = _ex(laterality=laterality)
    p = prescribed(Item(exercise="seal-row", reps=5, per_side=per_side), ex)
    assert (p.sides, p.alternating, p.each_side) == (sides, alternating, each)
    assert works_each_side(ex, per_side) is each
    assert p.set_s == 5 * 5 * (2 if alternating else 1)  # 3-1-1-0: 5 s a rep


def test_rounds_are_sets_and_holds_and_drills_have_no_tempo():
    assert prescribed(Item(exercise="seal-row", reps=5), _ex(), rounds=4).sets == 4
    assert prescribed(Item(exercise="seal-row", reps=5, sets=3), _ex()).sets == 3
    hold = prescribed(Item(exercise="plank", duration_s=30, sets=2),
                      _ex(slug="plank", start=StartPhase.NONE, laterality="unilateral"))
    assert (hold.volume, hold.tempo, hold.hold_s, hold.per_side, hold.set_s) == (
        Volume.HOLD, None, 30, True, 30)
    drill = prescribed(Item(exercise="box", duration_s=64),
                       _ex(slug="box", start=StartPhase.NONE, breath_pattern="box"))
    assert (drill.volume, drill.cycles, drill.tempo, drill.breath.cycle_s) == (
        Volume.BREATH, 4, None, 16)


def export_rows(db):
    import csv
    import io
    from collections import namedtuple

    from backbeat.store.history import export_logs

    out = io.StringIO()
    export_logs(db, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    Row = namedtuple("Row", rows[0])
    return [Row(*r) for r in rows[1:]]


# --- every face, one item without a tempo ---------------------------------------------------

NO_TEMPO = {
    "format": "backbeat.program/1", "name": "No Tempo",
    "days": [{"name": "Pulls", "blocks": [{"name": "Rows", "items": [
        {"exercise": "seal-row", "sets": 2, "reps": 6, "rest_s": 30}]}]}],
}


@pytest.fixture
def no_tempo(db):
    """A gym's own one-arm row (no usual tempo in the library), prescribed without a tempo."""
    from backbeat.store.library import save_exercise
    from backbeat.store.programs import save_program

    save_exercise(db, _ex(laterality="unilateral"))
    save_program(db, program_from_data(NO_TEMPO))
    return db


def test_every_face_reads_an_item_without_a_tempo_alike(qtbot, no_tempo, tmp_path):
    from backbeat.domain import analytics
    from backbeat.domain.analytics import SetGroup
    from backbeat.engine.clock import FakeClock
    from backbeat.engine.display import describe
    from backbeat.engine.runner import ClassRunner
    from backbeat.engine.timeline import ClassPlan, SegmentKind
    from backbeat.store.athletes import add_athlete
    from backbeat.store.classes import start_class
    from backbeat.store.history import planned_work
    from backbeat.store.library import load_library
    from backbeat.store.live import class_now
    from backbeat.store.logs import recent_logs
    from backbeat.store.outbox import Outbox
    from backbeat.store.programs import load_program
    from backbeat.ui.kiosk.window import KioskWindow
    from backbeat.ui.trainer.context import TrainerContext
    from backbeat.ui.trainer.program_editor import ProgramEditor
    from backbeat.ui.trainer.sheet import class_sheet

    db = no_tempo
    program, library = load_program(db, "No Tempo"), load_library(db)
    plan = ClassPlan(program, 1, library)

    # the timeline plays the fallback, each side in turn
    runner = ClassRunner(plan, FakeClock())
    work = [s for s in runner.timeline.segments if s.kind is SegmentKind.WORK]
    assert {s.side for s in work} == {Side.LEFT, Side.RIGHT}
    assert sum(s.duration_ms for s in work) == 2 * 2 * 6 * 5000  # sets × sides × reps × 5 s

    # TV
    runner.seek_ms(work[0].start_ms + 10)
    assert describe(runner.now(), runner.timeline).prescription == "6 reps each side · 3-1-1-0"

    # kiosk: the class's set, its words, and the tempo the set is logged with
    start_class(db, "No Tempo", 1, at_ns=10**18, leader="tv", position_ms=work[0].start_ms + 10,
                paused=True)
    assert (class_now(db).tempo, class_now(db).per_side) == ("3-1-1-0", True)
    ana = add_athlete(db, "Ana")
    kiosk = KioskWindow(db, station="kiosk-test", outbox=Outbox(tmp_path / "outbox"), locked=False)
    qtbot.addWidget(kiosk)
    def settle() -> None:  # the kiosk reads off its GUI thread
        qtbot.waitUntil(lambda: (kiosk.drain_results(), not kiosk.busy())[1], timeout=10_000)

    try:
        kiosk.refresh()
        settle()
        kiosk.open_athlete(kiosk.athletes[ana])
        settle()
        settle()
        line = kiosk.log.prescription_label.text()
        assert "6 reps each side" in line and "tempo 3-1-1-0" in line
        assert kiosk.log.form.side == "left"
        kiosk.log_tapped()
        settle()
        assert recent_logs(db, ana, "seal-row")[0].side == "left"
    finally:
        kiosk.leave()
    assert [r.tempo for r in export_rows(db)] == ["3-1-1-0"]

    # printed sheet
    row = class_sheet(db, program, 1, library=library).rows[0]
    assert (row.volume, row.tempo) == ("2 × 6 each side", "3-1-1-0 (5 s a rep)")

    # program editor: the tree and the item form
    editor = ProgramEditor(TrainerContext(db))
    qtbot.addWidget(editor)
    editor.show()
    assert editor.open_program("No Tempo")
    editor.select((0, 0, 0))
    tree = editor._tree_items[(0, 0, 0)].text(0)
    assert "@ 3-1-1-0" in tree and tree.endswith("each side")
    info = editor.item_form.tempo_info.text()
    assert "one rep: 5 s" in info and "a set of 6: 60 s (both sides)" in info
    assert "3-1-1-0" in editor.item_form.tempo.placeholderText()

    # history: what the class prescribed, and its time under tension
    planned, _ = planned_work(db)
    work_plan = planned["seal-row"]
    assert (work_plan.sets, work_plan.reps, work_plan.tempo, work_plan.sides) == (2, 6, "3-1-1-0", 2)
    day = datetime.now(UTC).date()
    group = SetGroup(on=day, exercise="seal-row", side="left", tempo=None, session_id=None, sets=1,
                     reps=6, top_load_kg=None, volume_kg=0, form_sum=0, form_count=0)
    tension = analytics.time_under_tension([group], planned)
    assert tension[0].prescribed_s == 2 * 2 * 6 * 5 and tension[0].logged_s == 6 * 5
