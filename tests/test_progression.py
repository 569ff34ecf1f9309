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


# -- the prescription in force and one side's load ---------------------------------------------

def _set(day: int, reps: int, load: float | None = None, form: int | None = None,
         tempo: str | None = None):
    from datetime import datetime

    from backbeat.domain.setlog import SetRecord

    return SetRecord(datetime(2026, 11, day, 18), "row", reps, load, form, tempo=tempo)


def test_the_prescription_in_force():
    from backbeat.domain.progression import prescription_in_force

    logged = [_set(3, 8, 30.0, tempo="3-1-1-2"), _set(6, 6, 27.5), _set(6, 7, 32.5)]
    decided = Prescription("4-1-1-2", 10, 25.0)
    assert prescription_in_force(decided, logged, planned_tempo="2-0-1-0",
                                 planned_reps=12) == decided
    # no decision: the tempo last logged, the class's reps, the last day's heaviest load
    assert prescription_in_force(None, logged, planned_tempo="2-0-1-0", planned_reps=12) == (
        Prescription("3-1-1-2", 12, 32.5))
    # nothing logged with a tempo: the class's, else the library's; reps from the last day
    plain = [_set(6, 7, None), _set(6, 9, None)]
    assert prescription_in_force(None, plain, planned_tempo="2-0-1-0") == (
        Prescription("2-0-1-0", 9, None))
    assert prescription_in_force(None, plain, library_tempo="3-0-1-1").tempo == "3-0-1-1"
    assert prescription_in_force(None, plain) is None  # no tempo known anywhere
    assert prescription_in_force(None, [], planned_tempo="2-0-1-0") is None  # no reps known


def test_sessions_are_days():
    from backbeat.domain.progression import sessions_of

    sessions = sessions_of([_set(3, 8, form=4), _set(3, 7, form=5), _set(6, 8)], target_reps=8)
    assert sessions == [SessionResult(date(2026, 11, 3), 2, 1, 4.5),
                        SessionResult(date(2026, 11, 6), 1, 0, None)]


def test_one_side_keeps_its_own_load_and_moves_by_the_step():
    from backbeat.domain.progression import side_load

    current = Prescription("3-1-1-2", 8, 14.0)
    # two-side work, a side never loaded, or right after a decision: the suggestion
    assert side_load(current, 16.0, 12.0, side=None, just_decided=False) == 16.0
    assert side_load(current, 16.0, None, side="left", just_decided=False) == 16.0
    assert side_load(current, 16.0, 12.0, side="left", just_decided=True) == 16.0
    # the weaker side moves by the step (+2 kg) from its own 12 kg
    assert side_load(current, 16.0, 12.0, side="left", just_decided=False) == 14.0
    assert side_load(current, 12.0, 12.0, side="right", just_decided=False) == 10.0
    assert side_load(current, 16.0, 299.0, side="left", just_decided=False) == 300.0
