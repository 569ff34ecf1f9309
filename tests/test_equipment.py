"""Plate arithmetic as tables: what a gym can build, how, and the nearest two when it cannot."""

from datetime import date, datetime, timedelta

import pytest

from backbeat.domain.equipment import (
    STARTER_EQUIPMENT,
    Band,
    Bar,
    Dumbbells,
    Equipment,
    Kind,
    PlatePair,
    warmup_ramp,
)
from backbeat.domain.errors import InvalidInput
from backbeat.domain.progression import (
    Action,
    Prescription,
    ProgressionRules,
    SessionResult,
    suggest,
)
from backbeat.domain.setlog import KG_PER_LB

LB = KG_PER_LB


def kg_gym(*plates: tuple[float, int], bar: float = 20.0) -> Equipment:
    return Equipment(bars=(Bar(name="Bar", weight=bar),),
                     plates=tuple(PlatePair(weight=w, pairs=n) for w, n in plates))


def lb_gym(*plates: tuple[float, int], bar: float = 45.0) -> Equipment:
    return Equipment(bars=(Bar(name="Bar", weight=bar, unit="lb"),),
                     plates=tuple(PlatePair(weight=w, unit="lb", pairs=n) for w, n in plates))


FULL_KG = kg_gym((25, 4), (20, 2), (15, 2), (10, 2), (5, 2), (2.5, 2), (1.25, 2))
NO_SMALL = kg_gym((25, 4), (20, 2), (10, 2), (5, 2))  # the 2.5s and 1.25s went missing
ODD = kg_gym((15, 1), (10, 1))  # one pair of 15s and one of 10s: 20, 40, 50 or 70 in all
LB_GYM = lb_gym((45, 4), (35, 2), (25, 2), (10, 2), (5, 2), (2.5, 2))
MIXED = Equipment(bars=(Bar(name="Bar", weight=20),),
                  plates=(PlatePair(weight=20, pairs=2), PlatePair(weight=45, unit="lb", pairs=2),
                          PlatePair(weight=10, unit="lb", pairs=1)))

# (gym, target kg, plates per side or None, nearest below kg, nearest above kg)
BARBELL_TABLE = [
    (FULL_KG, 20.0, (), None, 22.5),                   # the bar alone
    (FULL_KG, 60.0, (20,), 57.5, 62.5),
    (FULL_KG, 100.0, (25, 15), 97.5, 102.5),           # fewest plates, heaviest first
    (FULL_KG, 102.5, (25, 15, 1.25), 100.0, 105.0),
    (FULL_KG, 61.0, None, 60.0, 62.5),                 # odd total: 20.5 a side cannot be made
    (FULL_KG, 21.0, None, 20.0, 22.5),
    (FULL_KG, 15.0, None, None, 20.0),                 # under the bar
    (FULL_KG, 300.0, (25, 25, 25, 25, 20, 20), 297.5, None),  # the most the product logs
    (kg_gym((25, 2)), 130.0, None, 120.0, None),       # more plates than the gym has
    (NO_SMALL, 62.5, None, 60.0, 70.0),                # no small plates: 5 kg jumps each side
    (NO_SMALL, 70.0, (25,), 60.0, 80.0),
    (ODD, 40.0, (10,), 20.0, 50.0),
    (ODD, 70.0, (15, 10), 50.0, None),                 # all the plates there are
    (ODD, 60.0, None, 50.0, 70.0),
    (ODD, 45.0, None, 40.0, 50.0),
    (LB_GYM, 225 * LB, (45, 45), 220 * LB, 230 * LB),  # 45 lb bar + two 45s a side
    (LB_GYM, 100.0, None, 220 * LB, 225 * LB),         # 100 kg is 220.46 lb
    (LB_GYM, 135 * LB, (45,), 130 * LB, 140 * LB),
    (MIXED, 20 + 2 * 45 * LB, (45,), 60.0, 20 + 2 * (20 + 10 * LB)),
    (MIXED, 60.0, (20,), 20 + 2 * 10 * LB, 20 + 2 * 45 * LB),
]


@pytest.mark.parametrize("gym,target,plates,below,above", BARBELL_TABLE)
def test_barbell_builds(gym, target, plates, below, above):
    fit = gym.menu(Kind.BARBELL).fit(target)
    if plates is None:
        assert fit.exact is None and not fit.buildable
    else:
        assert fit.exact is not None
        assert tuple(p.weight for p in fit.exact.per_side) == plates
        assert fit.exact.kg == pytest.approx(target, abs=0.01)
    assert (fit.below.kg if fit.below else None) == (pytest.approx(below, abs=0.01) if below else None)
    assert (fit.above.kg if fit.above else None) == (pytest.approx(above, abs=0.01) if above else None)


@pytest.mark.parametrize("gym,target,words", [
    (FULL_KG, 102.5, "Bar 20 kg + 25 · 15 · 1.25 kg each side"),
    (FULL_KG, 20.0, "Bar 20 kg only"),
    (LB_GYM, 185 * LB, "Bar 45 lb + 45 · 25 lb each side"),
    (MIXED, 20 + 2 * (20 + 45 * LB), "Bar 20 kg + 45 lb + 20 kg each side"),
])
def test_builds_are_described_as_loaded(gym, target, words):
    assert gym.menu("barbell").fit(target).exact.describe() == words


DUMBBELLS = Equipment(dumbbells=Dumbbells(weights=(20, 10, 12, 14, 16, 24, 30)))
LB_DUMBBELLS = Equipment(dumbbells=Dumbbells(unit="lb", weights=(20, 25, 30, 35)))


@pytest.mark.parametrize("gym,target,exact,below,above", [
    (DUMBBELLS, 14.0, "14 kg dumbbell", 12.0, 16.0),
    (DUMBBELLS, 17.0, None, 16.0, 20.0),
    (DUMBBELLS, 21.0, None, 20.0, 24.0),
    (DUMBBELLS, 8.0, None, None, 10.0),
    (DUMBBELLS, 40.0, None, 30.0, None),
    (LB_DUMBBELLS, 12.0, None, 25 * LB, 30 * LB),
    (LB_DUMBBELLS, 30 * LB, "30 lb dumbbell", 25 * LB, 35 * LB),
])
def test_nearest_dumbbell(gym, target, exact, below, above):
    fit = gym.menu(Kind.DUMBBELL).fit(target)
    assert (fit.exact.describe() if fit.exact else None) == exact
    assert (fit.below.kg if fit.below else None) == (pytest.approx(below, abs=0.01) if below else None)
    assert (fit.above.kg if fit.above else None) == (pytest.approx(above, abs=0.01) if above else None)


def test_nearest_prefers_the_closer_and_the_lighter_on_a_tie():
    menu = DUMBBELLS.menu("dumbbell")
    assert menu.nearest(17.0).kg == 16.0
    assert menu.nearest(19.0).kg == 20.0
    assert menu.nearest(18.0).kg == 16.0  # halfway: the lighter
    assert menu.nearest(5.0).kg == 10.0


def test_bands_and_unrecorded_equipment():
    gym = Equipment(bands=(Band(name="red", resistance_kg=10), Band(name="green", resistance_kg=15)))
    assert gym.menu(Kind.BAND).nearest(12).describe() == "red band"
    assert gym.menu(Kind.BARBELL) is None and gym.menu(Kind.DUMBBELL) is None
    assert STARTER_EQUIPMENT.menu(Kind.MACHINE) is None
    assert STARTER_EQUIPMENT.menu(None) is None
    assert STARTER_EQUIPMENT.bar("ez BAR").weight == 10
    assert STARTER_EQUIPMENT.menu("barbell", "EZ bar").builds[0].kg == 10


@pytest.mark.parametrize("data,words", [
    ({"bars": [{"name": "Bar", "weight": 20}, {"name": "bar", "weight": 15}]}, "two bars"),
    ({"plates": [{"weight": 20, "pairs": 2}, {"weight": 20, "pairs": 1}]}, "listed twice"),
    ({"plates": [{"weight": -5, "pairs": 2}]}, "greater than 0"),
    ({"dumbbells": {"weights": [0]}}, "not one"),
])
def test_bad_equipment_is_refused(data, words):
    from backbeat.store.equipment import parse_equipment

    with pytest.raises(InvalidInput, match=words):
        parse_equipment(data)


@pytest.mark.parametrize("gym,working,ramp", [
    (FULL_KG, 100.0, [20.0, 45.0, 65.0, 85.0]),
    (FULL_KG, 61.0, [20.0, 27.5, 40.0, 52.5]),      # 45 % of 61 = 27.45 → 27.5
    (NO_SMALL, 100.0, [20.0, 40.0, 60.0, 80.0]),    # 45 → 40 (the lighter on a tie), 65 → 60, 85 → 80
    (FULL_KG, 30.0, [20.0, 25.0]),                  # 13.5 rounds to the bar, 19.5 too: left out
    (FULL_KG, 20.0, []),                            # the working load is the bar: no ramp
    (LB_GYM, 225 * LB, [45 * LB, 100 * LB, 145 * LB, 190 * LB]),
])
def test_warmup_ramp(gym, working, ramp):
    got = warmup_ramp(working, gym.menu("barbell"))
    assert [b.kg for b in got] == pytest.approx(ramp, abs=0.01)
    assert all(b.kind is Kind.BARBELL for b in got)


def test_menus_are_cached_and_bounded():
    big = Equipment(bars=(Bar(name="Bar", weight=20),),
                    plates=tuple(PlatePair(weight=w, pairs=6) for w in (25, 20, 15, 10, 5, 2.5, 1.25, 0.5))
                    + tuple(PlatePair(weight=w, unit="lb", pairs=4) for w in (45, 35, 25, 10, 5, 2.5)))
    menu = big.menu("barbell")
    assert big.menu("barbell") is menu
    assert menu.builds[-1].kg <= 300.0


# --- progression lands only on loads the gym can build -----------------------------------

def S(day: int, form: float | None, short: int = 0) -> SessionResult:
    return SessionResult(on=date(2026, 11, day), sets=3, sets_short=short, form_mean=form)


GOOD = [S(3, 4.5), S(6, 4.5)]
POOR = [S(3, 4.5), S(6, 2.0)]
RACK = DUMBBELLS.menu("dumbbell")
BAR_NO_SMALL = NO_SMALL.menu("barbell")
LB_BAR = LB_GYM.menu("barbell")


@pytest.mark.parametrize("menu,load,sessions,action,new_load,words", [
    (None, 14.0, GOOD, Action.ADVANCE, 16.5, "add 2.5 kg → 16.5 kg"),        # no equipment: any load
    (RACK, 14.0, GOOD, Action.ADVANCE, 16.0, "add 2 kg → 16 kg"),             # the next dumbbell
    (RACK, 16.0, GOOD, Action.ADVANCE, 20.0, "add 4 kg → 20 kg"),             # 18.5 → nearer 20 than 16
    (RACK, 17.0, GOOD, Action.ADVANCE, 20.0, "add 3 kg → 20 kg"),             # an unbuildable start
    (RACK, 24.0, GOOD, Action.HOLD, 24.0, "next load the gym can build is 30 kg (+6 kg"),
    (RACK, 30.0, GOOD, Action.HOLD, 30.0, "most the gym's equipment builds"),
    (RACK, 14.0, POOR, Action.STEP_BACK, 12.0, "take 2 kg off → 12 kg"),
    (RACK, 10.0, POOR, Action.STEP_BACK, 10.0, "shorten the eccentric"),      # nothing lighter
    (BAR_NO_SMALL, 60.0, GOOD, Action.ADVANCE, 70.0, "add 10 kg"),
    (LB_BAR, 225 * LB, GOOD, Action.ADVANCE, 230 * LB, "→ 104.33 kg"),        # 2.5 kg → 5 lb
    (LB_BAR, 225 * LB, POOR, Action.STEP_BACK, 220 * LB, "take 2.27 kg off"),
])
def test_progression_suggests_only_buildable_loads(menu, load, sessions, action, new_load, words):
    rules = ProgressionRules(loads=menu, max_load_step_kg=10.0 if menu is BAR_NO_SMALL else 5.0)
    current = Prescription("6-1-1-2", 8, round(load, 2))
    s = suggest(current, sessions, rules)
    assert s.action is action
    assert s.load_kg == pytest.approx(new_load, abs=0.01)
    assert words in s.reason
    if menu is not None and action is not Action.HOLD:
        assert menu.fit(s.load_kg).buildable


# --- the store: equipment kept, progression and the kiosk use it ------------------------

def test_equipment_in_the_store_feeds_progression(db):
    import uuid

    from backbeat.store.athletes import add_athlete, progress_for, progressed_load
    from backbeat.store.equipment import get_equipment, save_equipment
    from backbeat.store.history import add_logs_bulk, exercise_slugs
    from backbeat.store.logs import suggested_load

    assert get_equipment(db) == Equipment()
    with pytest.raises(InvalidInput, match="bars.0.weight"):
        save_equipment(db, {"bars": [{"name": "Bar", "weight": -1}]})
    assert get_equipment(db) == Equipment()  # nothing half-saved
    a = add_athlete(db, "Ana")
    ids = {s: i for i, s in exercise_slugs(db).items()}
    t0 = datetime(2026, 11, 2, 18)
    rows = []
    for day in (0, 2):
        for n, side in enumerate(("left", "right")):
            rows.append(dict(idempotency_key=uuid.uuid4().hex, athlete_id=a,
                             exercise_id=ids["single-arm-dumbbell-row"], set_number=1, side=side,
                             reps=8, load_kg=14.0 if side == "left" else 12.0, form=5,
                             tempo="6-1-1-2", logged_at=t0 + timedelta(days=day, minutes=n),
                             station="test", undone=False))
    add_logs_bulk(db, rows)
    # no equipment recorded: a plain 2.5 kg step
    assert progress_for(db, a, "single-arm-dumbbell-row").suggestion.load_kg == 16.5
    save_equipment(db, DUMBBELLS.model_dump(mode="json"))
    assert get_equipment(db) == DUMBBELLS
    row = progress_for(db, a, "single-arm-dumbbell-row")
    assert row.suggestion.action is Action.ADVANCE and row.suggestion.load_kg == 16.0
    assert row.loads is not None and row.loads.kind is Kind.DUMBBELL
    # each side moves to its own next dumbbell: left 14 → 16, right 12 → 14
    assert progressed_load(db, a, "single-arm-dumbbell-row", 14.0, side="left") == 16.0
    assert suggested_load(db, a, "single-arm-dumbbell-row", side="right") == 14.0
    # a machine exercise is not bound to any rack
    assert progress_for(db, a, "lat-pulldown").loads is None
