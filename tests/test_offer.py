"""What the kiosk offers to log (engine.offer), without a screen."""

from __future__ import annotations

from backbeat.domain.athlete import Athlete
from backbeat.domain.exercise import RiskFlag
from backbeat.domain.program import Load, LoadKind
from backbeat.domain.setlog import Units
from backbeat.engine.offer import (
    DEFAULT_REPS,
    ClassSet,
    first_reps,
    first_side,
    logged_tempo,
    next_side,
    prescription_line,
    swap_for,
)

DISC = frozenset({RiskFlag.DISC})


def _class_set(**kw) -> ClassSet:
    base = dict(program="P", day=1, session_id=None, running=True,
                exercise="single-arm-dumbbell-row", exercise_name="Row", block="Rows",
                set_number=2, sets=3, side="right", reps=8, tempo="3-1-1-2", per_side=True,
                load=Load(kind=LoadKind.KG, value=14), exercises=())
    return ClassSet(**(base | kw))


def test_a_flagged_athlete_logs_the_coachs_swap_of_the_class_exercise(library):
    hyper = library.get("weighted-hyperextension")
    sub = hyper.substitutions[0]
    chosen = Athlete(1, "Dev", flags=DISC, substitutions={hyper.slug: sub})
    swap = swap_for(chosen, hyper, library)
    assert swap.exercise.slug == sub and swap.swapped(hyper)
    assert swap.caution_text.startswith(f"{hyper.name}: ")
    assert f"Your coach's swap: {library.get(sub).name} — log that instead." in swap.caution_text
    # picked by the athlete (not the class's): the caution, a suggestion, no swap
    picked = swap_for(chosen, hyper, library, swap=False)
    assert picked.exercise is hyper and "Suggested swap" in picked.caution_text
    # flagged, no choice made by the trainer: the library's first substitute is suggested
    unchosen = swap_for(Athlete(2, "Eve", flags=DISC), hyper, library)
    assert unchosen.exercise is hyper and "Suggested swap" in unchosen.caution_text
    # not flagged, but the trainer chose a substitute: logged without a caution
    plain = swap_for(Athlete(3, "Flo", substitutions={hyper.slug: sub}), hyper, library)
    assert plain.exercise.slug == sub and plain.caution is None and plain.caution_text == ""
    nobody = swap_for(Athlete(4, "Gus"), hyper, library)
    assert nobody.exercise is hyper and not nobody.swapped(hyper)


def test_sides_reps_and_the_set(library):
    row, pulldown = library.get("single-arm-dumbbell-row"), library.get("lat-pulldown")
    assert first_side(row, _class_set()) == "right"
    assert first_side(row, None) == "left"
    assert first_side(pulldown, _class_set()) is None
    assert next_side(row, "left") == "right" and next_side(row, "right") is None
    assert next_side(pulldown, None) is None
    assert first_reps(_class_set(), 5) == 8
    assert first_reps(_class_set(reps=None), 5) == 5
    assert first_reps(None, None) == DEFAULT_REPS


def test_the_prescription_line(library):
    row = library.get("single-arm-dumbbell-row")
    assert prescription_line(row, _class_set(), 15.0, Units.KG) == (
        "8 reps each side  ·  tempo 3-1-1-2  ·  14 kg prescribed  ·  suggested 15 kg")
    band = _class_set(per_side=False, load=Load(kind=LoadKind.BAND, value="light"))
    assert prescription_line(row, band, None, Units.LB) == (
        "8 reps  ·  tempo 3-1-1-2  ·  light band prescribed")
    # no class: the library's usual tempo, if it has one
    assert prescription_line(row, None, None, Units.KG) == f"tempo {row.default_tempo}"
    own = row.model_copy(update={"default_tempo": None})
    assert prescription_line(own, None, 20.0, Units.KG) == "suggested 20 kg"
    assert logged_tempo(row, _class_set()) == "3-1-1-2"
    assert logged_tempo(row, None) == str(row.default_tempo)
    assert logged_tempo(own, None) is None


# --- where the TV's class is ------------------------------------------------------------------

def test_live_class_brings_a_class_up_to_an_instant_on_the_gyms_clock():
    from backbeat.engine.gymclass import Event, fold
    from backbeat.engine.offer import live_class

    s = 1_000_000_000
    t0 = 1_800_000_000 * s
    events = [Event("extend", t0, {"segment": 3, "ms": 15000}), Event("pause", t0 + 10 * s)]
    paused = live_class("P", 1, 7, fold(t0, events), t0 + 40 * s, 3_600_000)
    assert (paused.position_ms, paused.running, paused.extensions, paused.session_id) == (
        10_000, False, {3: 15000}, 7)
    running = live_class("P", 1, 7, fold(t0, events[:1]), t0 + 40 * s, 3_600_000)
    assert running.position_ms == 40_000 and running.running
    # an instant before the class began never moves it back past 0
    assert live_class("P", 1, 7, fold(t0, []), t0 - s, 3_600_000).position_ms == 0
    assert live_class("P", 1, 7, fold(t0, []), t0 + 3_601 * s, 3_600_000) is None  # run to its end
    assert live_class("P", 1, 7, fold(t0, [Event("stop", t0 + s)]), t0 + 2 * s, 3_600_000) is None


def test_the_set_offered_is_the_latest_done_else_the_first_to_come(sample_program, library):
    from backbeat.engine.offer import LiveClass, class_set_at
    from backbeat.engine.timeline import SegmentKind, compile_day

    tl = compile_day(sample_program, 1, library)
    at = lambda ms: class_set_at(tl, LiveClass("Precision Back", 1, ms, True, None))  # noqa: E731
    first = at(0)
    assert (first.exercise, first.set_number) == ("lat-pulldown", 1)
    row = [s for s in tl.segments if s.exercise == "single-arm-dumbbell-row"
           and s.kind is SegmentKind.WORK and s.set == 2]
    right = next(s for s in row if s.side and s.side.value == "right")
    offer = at(right.start_ms + 10)
    assert (offer.set_number, offer.side, offer.reps, offer.tempo, offer.per_side) == (
        2, "right", 8, "3-1-1-2", True)
    rest = next(s for s in tl.segments[right.index:] if s.kind is SegmentKind.REST)
    assert at(rest.start_ms + 1000).set_number == 2  # logged in the rest after it
    assert offer.exercises[:2] == ("lat-pulldown", "single-arm-dumbbell-row")


def test_the_timeline_cache_compiles_once_per_key_and_places_each_extension(
        sample_program, library):
    from backbeat.engine.timeline import ClassPlan, TimelineCache

    compiled = []

    def plan():
        compiled.append(1)
        return ClassPlan(sample_program, 1, library)

    cache = TimelineCache(size=2)
    a = cache.timeline(("db", "P", 1, "v1"), plan)
    assert cache.timeline(("db", "P", 1, "v1"), plan) is a and len(compiled) == 1
    longer = cache.timeline(("db", "P", 1, "v1"), plan, {2: 15_000})
    assert longer.duration_ms == a.duration_ms + 15_000 and len(compiled) == 1
    cache.timeline(("db", "P", 1, "v2"), plan)  # the program was edited
    assert len(compiled) == 2
