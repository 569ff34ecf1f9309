"""The earned-progression rules as a table: history in, suggestion and reason out."""

from datetime import date

import pytest

from backbeat.domain.errors import InvalidInput
from backbeat.domain.progression import (
    Action,
    Prescription,
    ProgressionRules,
    SessionResult,
    suggest,
)


def S(day: int, form: float | None, short: int = 0, sets: int = 3) -> SessionResult:
    return SessionResult(on=date(2026, 11, day), sets=sets, sets_short=short, form_mean=form)


ROW = Prescription("3-1-1-2", 8, 30.0)
ROW_AT_CAP = Prescription("6-1-1-2", 8, 30.0)
BODYWEIGHT_AT_CAP = Prescription("6-0-1-0", 10, None)

# (current, sessions oldest first, action, tempo, reps, load, words in the reason)
TABLE = [
    # nothing logged yet
    (ROW, [], Action.HOLD, "3-1-1-2", 8, 30.0, "no sessions logged"),
    # one good session is not enough
    (ROW, [S(3, 4.7)], Action.HOLD, "3-1-1-2", 8, 30.0, "1 session logged since the last change"),
    # two good sessions: eccentric first, load unchanged
    (ROW, [S(3, 4.3), S(6, 4.5)], Action.ADVANCE, "4-1-1-2", 8, 30.0,
     "lengthen the eccentric 3 → 4 s"),
    # exactly 4.0 on both counts as good
    (ROW, [S(3, 4.0), S(6, 4.0)], Action.ADVANCE, "4-1-1-2", 8, 30.0, "form 4.0 and 4.0"),
    # only the last two sessions count
    (ROW, [S(1, 2.0, short=2), S(3, 4.3), S(6, 4.5)], Action.ADVANCE, "4-1-1-2", 8, 30.0, "3 → 4 s"),
    # compact tempo is rewritten dashed
    (Prescription("3110", 8, 30.0), [S(3, 5), S(6, 5)], Action.ADVANCE, "4-1-1-0", 8, 30.0, "3 → 4 s"),
    # eccentric at its cap: a small load step
    (ROW_AT_CAP, [S(3, 4.5), S(6, 4.2)], Action.ADVANCE, "6-1-1-2", 8, 32.5,
     "add 2.5 kg → 32.5 kg"),
    # explosive eccentric cannot lengthen: load
    (Prescription("X-0-1-0", 8, 20.0), [S(3, 5), S(6, 5)], Action.ADVANCE, "X-0-1-0", 8, 22.5, "add 2.5 kg"),
    # no load to add at the cap: the trainer decides
    (BODYWEIGHT_AT_CAP, [S(3, 5), S(6, 5)], Action.HOLD, "6-0-1-0", 10, None, "no load to add"),
    # form under 4 on one of the two: hold
    (ROW, [S(3, 4.5), S(6, 3.6)], Action.HOLD, "3-1-1-2", 8, 30.0,
     "form 4.5 and 3.6 on the last 2 sessions"),
    # a missed rep once: hold
    (ROW, [S(3, 4.5), S(6, 4.5, short=1)], Action.HOLD, "3-1-1-2", 8, 30.0, "reps missed on 6 Nov"),
    (ROW, [S(3, 4.5, short=1), S(6, 4.5)], Action.HOLD, "3-1-1-2", 8, 30.0, "reps missed in the last"),
    # unrated sessions cannot earn a step
    (ROW, [S(3, 4.5), S(6, None)], Action.HOLD, "3-1-1-2", 8, 30.0, "no form rating logged on 6 Nov"),
    # poor form in the latest session: load off
    (ROW, [S(3, 4.5), S(6, 2.5)], Action.STEP_BACK, "3-1-1-2", 8, 27.5,
     "form 2.5 on 6 Nov (under 3): take 2.5 kg off → 27.5 kg"),
    # poor form even on the first session at a prescription
    (ROW, [S(6, 2.0)], Action.STEP_BACK, "3-1-1-2", 8, 27.5, "form 2.0"),
    # reps missed twice: step back
    (ROW, [S(3, 4.0, short=1), S(6, 4.0, short=2)], Action.STEP_BACK, "3-1-1-2", 8, 27.5,
     "reps missed on 3 Nov and 6 Nov"),
    # no load: step back shortens the eccentric
    (Prescription("4-0-1-0", 10, None), [S(3, 2.0)], Action.STEP_BACK, "3-0-1-0", 10, None,
     "shorten the eccentric 4 → 3 s"),
    # nothing easier left
    (Prescription("1-0-1-0", 10, None), [S(3, 2.0)], Action.HOLD, "1-0-1-0", 10, None,
     "already the easiest"),
    # the load never goes below zero
    (Prescription("3-1-1-0", 8, 1.0), [S(3, 2.0)], Action.STEP_BACK, "3-1-1-0", 8, 0.0, "→ 0 kg"),
    # nor above the product's maximum
    (Prescription("6-1-1-0", 8, 300.0), [S(3, 5), S(6, 5)], Action.HOLD, "6-1-1-0", 8, 300.0, "300 kg"),
]


@pytest.mark.parametrize("current, sessions, action, tempo, reps, load, words", TABLE)
def test_progression_table(current, sessions, action, tempo, reps, load, words):
    s = suggest(current, sessions)
    assert (s.action, s.tempo, s.reps, s.load_kg) == (action, tempo, reps, load)
    assert words in s.reason


@pytest.mark.parametrize("pct, load, step", [(5, 30.0, 1.5), (5, 100.0, 5.0), (5, 4.0, 0.5), (5, 200.0, 5.0)])
def test_percentage_steps_round_to_the_plate_and_are_capped(pct, load, step):
    rules = ProgressionRules(load_step_pct=pct)
    assert rules.load_step(load) == step
    s = suggest(Prescription("6-1-1-0", 8, load), [S(3, 5), S(6, 5)], rules)
    assert s.load_kg == pytest.approx(load + step)


def test_custom_cap_and_sessions_needed():
    rules = ProgressionRules(eccentric_cap_s=4, sessions_needed=3)
    assert suggest(ROW, [S(3, 5), S(6, 5)], rules).action is Action.HOLD
    assert suggest(ROW, [S(1, 5), S(3, 5), S(6, 5)], rules).tempo == "4-1-1-2"
    assert suggest(Prescription("4-1-1-2", 8, 30.0), [S(1, 5), S(3, 5), S(6, 5)], rules).load_kg == 32.5


def test_bad_rules_are_refused():
    with pytest.raises(InvalidInput, match="form thresholds"):
        ProgressionRules(good_form=3, poor_form=4)
    with pytest.raises(InvalidInput, match="eccentric cap"):
        ProgressionRules(eccentric_cap_s=31)


def test_short_words_for_kiosk_and_tv():
    assert suggest(ROW, [S(3, 5), S(6, 5)]).short(ROW) == "Next: eccentric 4 s"
    assert suggest(ROW_AT_CAP, [S(3, 5), S(6, 5)]).short(ROW_AT_CAP) == "Next: 32.5 kg"
    assert suggest(ROW, [S(6, 2.0)]).short(ROW) == "Ease off: 27.5 kg"
    assert suggest(ROW, [S(6, 3.5)]).short(ROW) == "Hold: same again, own the form"
