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
    set_words,
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
    assert set_words(_class_set()) == "SET 2 of 3" and set_words(None) == ""


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
