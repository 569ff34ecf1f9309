"""What the editor says while the trainer types: review_program, table-driven."""

import copy

import pytest

from backbeat.domain.athlete import Athlete
from backbeat.domain.exercise import RiskFlag
from backbeat.domain.program_review import (
    HIGH_DAY_REPS,
    HIGH_DAY_SETS,
    HIGH_ITEM_REPS,
    review_program,
)

BASE = {"format": "backbeat.program/1", "name": "Review", "days": [{"name": "D", "blocks": [
    {"name": "Rows", "items": [{"exercise": "chest-supported-row", "sets": 3, "reps": 8,
                                "tempo": "3-1-1-2", "rest_s": 60}]}]}]}
ITEM = "days[0].blocks[0].items[0]"
DEV = Athlete(id=1, name="Dev", flags=frozenset({RiskFlag.DISC}),
              substitutions={"weighted-hyperextension": "bird-dog"})
ANA = Athlete(id=2, name="Ana")


def doc(**item):
    out = copy.deepcopy(BASE)
    out["days"][0]["blocks"][0]["items"][0].update(item)
    return out


@pytest.mark.parametrize("changes, path, words", [
    ({"tempo": "1-0-1-0"}, f"{ITEM}.tempo", "fast reps are noise"),
    ({"reps": 25}, f"{ITEM}.reps", "high-rep volume"),
    ({"sets": 10, "reps": 10}, ITEM, "100 reps of Chest-supported row"),
])
def test_noise_is_a_warning_at_its_field(library, changes, path, words):
    review = review_program(doc(**changes), library)
    assert review.ok and review.program is not None
    assert any(n.path == path and words in n.text for n in review.warnings), review.warnings


def test_a_plain_class_is_all_clear(library):
    review = review_program(doc(), library)
    assert review.ok and review.warnings == []


@pytest.mark.parametrize("changes, path, words", [
    ({"tempo": "3-1-?-0"}, f"{ITEM}.tempo", "concentric phase '?'"),
    ({"exercise": "rowing-machine"}, f"{ITEM}.exercise", "unknown exercise"),
    ({"reps": 0}, f"{ITEM}.reps", "greater than or equal to 1"),
    ({"exercise": "scapular-retraction-hold"}, f"{ITEM}.reps", "is a hold"),
])
def test_refusals_name_the_field(library, changes, path, words):
    review = review_program(doc(**changes), library)
    assert not review.ok
    assert any(n.path == path and words in n.text for n in review.problems), review.problems


def test_day_volume(library):
    many = copy.deepcopy(BASE)
    item = many["days"][0]["blocks"][0]["items"][0]
    many["days"][0]["blocks"] = [{"name": f"B{n}", "items": [dict(item, sets=4, reps=12)]}
                                 for n in range(8)]
    review = review_program(many, library)
    texts = [n.text for n in review.warnings if n.path == "days[0]"]
    assert HIGH_DAY_REPS < 8 * 4 * 12 and any(f"{8 * 4 * 12} reps in one class" in t for t in texts)
    assert HIGH_DAY_SETS < 8 * 4 and any("32 work sets" in t for t in texts)
    assert HIGH_ITEM_REPS >= 4 * 12  # no single exercise is flagged


def test_spinal_extension_warns_only_with_flagged_athletes(library):
    hyper = doc(exercise="weighted-hyperextension", tempo="4-1-1-1",
                load={"kind": "kg", "value": 10})
    assert review_program(hyper, library, [ANA]).warnings == []
    warnings = review_program(hyper, library, [ANA, DEV]).warnings
    assert [n.path for n in warnings] == [f"{ITEM}.exercise"]
    assert warnings[0].text.startswith("loaded Weighted hyperextension is risky with a disc history")
    assert "Dev (does Bird dog)" in warnings[0].text and "Ana" not in warnings[0].text


def test_under_and_at(library):
    review = review_program(doc(tempo="1-0-1-0"), library)
    assert review.under("days[0]")[1] and review.under(ITEM)[1]
    assert review.at(ITEM) == ([], []) and review.at(f"{ITEM}.tempo")[1]
    assert review.under("days[1]") == ([], [])
