"""The athlete's own count (set numbers, double taps, what the kiosk says) and the
swap rules (engine.offer) that make a substitute logged as itself: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backbeat.domain.athlete import Athlete, SubstitutePrescription, caution_for, check_substitute
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Library, RiskFlag
from backbeat.domain.setcount import (
    DOUBLE_TAP_S,
    RecentTap,
    SetScope,
    class_line,
    double_tap_of,
    next_set_number,
    numbered,
    progress_marks,
    set_caption,
)
from backbeat.domain.setlog import Units
from backbeat.engine.offer import swap_for, swap_line


def test_numbers_run_1_to_k_in_the_order_made():
    assert numbered(["a", "b", "c"]) == {"a": 1, "b": 2, "c": 3}
    assert numbered([]) == {}
    assert next_set_number(0) == 1 and next_set_number(2) == 3


def test_a_class_set_is_scoped_to_its_session_and_open_gym_to_its_day():
    late = datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
    assert SetScope.of(1, "face-pull", None, 7, late) == SetScope(1, "face-pull", None, 7)
    open_gym = SetScope.of(1, "face-pull", "", None, late)
    assert open_gym.open_gym and open_gym.day == date(2026, 3, 1) and open_gym.side is None
    assert SetScope.of(1, "row", "left", None, late) != SetScope.of(1, "row", "right", None, late)


def test_open_gym_days_are_the_gyms_local_days_dst_included():
    from zoneinfo import ZoneInfo

    from backbeat.domain.setcount import day_span, open_gym_day

    la = ZoneInfo("America/Los_Angeles")
    evening = datetime(2026, 3, 3, 0, 30, tzinfo=UTC)  # 16:30 on 2 March in Los Angeles
    assert open_gym_day(evening) == date(2026, 3, 3) and open_gym_day(evening, la) == date(2026, 3, 2)
    assert SetScope.of(1, "face-pull", None, None, evening, la).day == date(2026, 3, 2)
    start, end = day_span(date(2026, 3, 2), la)
    assert (start, end) == (datetime(2026, 3, 2, 8, 0), datetime(2026, 3, 3, 8, 0))
    start, end = day_span(date(2026, 3, 8), la)  # clocks go forward: a 23-hour day
    assert end - start == timedelta(hours=23)
    assert day_span(date(2026, 3, 2)) == (datetime(2026, 3, 2), datetime(2026, 3, 3))


def test_double_taps_are_the_same_exercise_and_side_within_20_s():
    taps = [RecentTap("face-pull", None, 8, 10.0, at_s=100.0),
            RecentTap("row", "left", 8, 12.0, at_s=105.0)]
    assert double_tap_of(taps, "face-pull", None, 100.0 + DOUBLE_TAP_S - 0.1) == taps[0]
    assert double_tap_of(taps, "face-pull", None, 100.0 + DOUBLE_TAP_S) is None
    assert double_tap_of(taps, "row", "right", 106.0) is None  # the other side is not a repeat
    assert double_tap_of(taps, "row", "left", 106.0) == taps[1]
    assert double_tap_of(taps, "lat-pulldown", None, 101.0) is None


def test_the_caption_says_the_athletes_own_set_and_the_class_set():
    assert set_caption(2, 3, 3, open_gym=False) == "Set 2 of 3 for you · the class is on set 3"
    assert set_caption(3, 3, 3, open_gym=False) == "Set 3 of 3 for you"
    assert set_caption(1, None, None, open_gym=False) == "Set 1 for you"
    assert set_caption(4, None, None, open_gym=True) == "Set 4 · open gym"


def test_now_means_what_runs_now():
    assert class_line("Lat pulldown", 1, 3) == "now: Lat pulldown, set 1 of 3"
    assert (class_line("Lat pulldown", 1, 3, now="90/90 breathing")
            == "now: 90/90 breathing · next to log: Lat pulldown")


def test_the_board_marks_sets_done_and_to_do():
    assert progress_marks(2, 3) == "✓✓·"
    assert progress_marks(0, 3) == "···"
    assert progress_marks(4, 3) == "✓✓✓ +1"
    assert progress_marks(2, None) == "✓✓"


# --- substitutes ---------------------------------------------------------------------------
def _ex(slug, **kw) -> Exercise:
    base = dict(slug=slug, name=slug.replace("-", " ").capitalize(), pattern="p", start="eccentric")
    return Exercise(**{**base, **kw})


HYPER = _ex("hyper", default_tempo="4-1-1-1", risk_flags=("disc",), cautions=("No loaded extension.",),
            substitutions=("shrug-thing", "bird-dog"))
BIRD = _ex("bird-dog", start="concentric", laterality="alternating", default_tempo="2-1-2-2",
           default_reps=8)
SHRUG = _ex("shrug-thing", risk_flags=("disc",))
LIB = Library(exercises=[HYPER, BIRD, SHRUG])


def test_the_offered_substitute_is_one_not_risky_for_the_athlete_too():
    dev = Athlete(1, "Dev", flags=frozenset({RiskFlag.DISC}))
    assert caution_for(dev, HYPER, LIB).substitute == "bird-dog"
    choice = swap_for(dev, HYPER, LIB)
    assert choice.exercise == HYPER and choice.offered == BIRD and choice.replaces is None
    assert "Suggested swap: Bird dog" in choice.caution_text


def test_a_substitute_is_logged_with_its_own_prescription_never_the_replaced_one():
    dev = Athlete(1, "Dev", flags=frozenset({RiskFlag.DISC}), substitutions={"hyper": "bird-dog"})
    choice = swap_for(dev, HYPER, LIB)
    assert choice.exercise == BIRD and choice.replaces == HYPER
    assert (choice.reps, choice.tempo, choice.load_kg) == (8, "2-1-2-2", None)  # the library's
    assert "Your coach's swap: Bird dog" in choice.caution_text
    assert swap_line(choice, None, Units.KG) == "8 reps  ·  tempo 2-1-2-2  ·  instead of Hyper"
    own = Athlete(1, "Dev", flags=frozenset({RiskFlag.DISC}), substitutions={"hyper": "bird-dog"},
                  substitute_prescriptions={"hyper": SubstitutePrescription(10, "3-1-2-1", 2.0)})
    choice = swap_for(own, HYPER, LIB)
    assert (choice.reps, choice.tempo, choice.load_kg) == (10, "3-1-2-1", 2.0)  # the trainer's
    # the offered substitute taken at the kiosk
    plain = Athlete(1, "Dev", flags=frozenset({RiskFlag.DISC}))
    choice = swap_for(plain, HYPER, LIB, swap=False, substitute=BIRD)
    assert choice.exercise == BIRD and choice.replaces == HYPER and choice.reps == 8


def test_a_substitute_risky_for_the_athlete_is_refused_naming_the_field():
    dev = Athlete(1, "Dev", flags=frozenset({RiskFlag.DISC}))
    with pytest.raises(InvalidInput) as err:
        check_substitute(dev, SHRUG, HYPER)
    assert err.value.where == "exercise" and "risky for Dev's disc history" in str(err.value)
    with pytest.raises(InvalidInput):
        swap_for(dev, HYPER, LIB, swap=False, substitute=SHRUG)


def test_the_trainers_prescription_for_a_substitute_as_typed():
    from backbeat.domain.athlete import parse_substitute_prescription as parse

    assert parse("10 2-1-2-2 2kg", Units.KG) == SubstitutePrescription(10, "2-1-2-2", 2.0)
    assert parse("3110", Units.KG) == SubstitutePrescription(None, "3110", None)  # a tempo
    assert parse("", Units.KG) == SubstitutePrescription()
    assert parse("8, 10lb", Units.KG).load_kg == pytest.approx(4.5359237)
    assert SubstitutePrescription(10, "2-1-2-2", 2.0).describe(Units.KG) == "10 2-1-2-2 2kg"
    for bad, words in (("0", "0 reps is outside"), ("10 x", "tempo"), ("-2kg", "below zero")):
        with pytest.raises(InvalidInput, match=words):
            parse(bad, Units.KG)
