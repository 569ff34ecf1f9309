import pytest

from backbeat.domain.athlete import caution_for
from backbeat.domain.errors import InvalidInput
from backbeat.domain.pin import hash_pin, lockout_s, verify_pin
from backbeat.store.athletes import add_athlete, get_athlete, list_athletes
from backbeat.store.auth import check_trainer_pin, has_trainer_pin, set_trainer_pin
from backbeat.store.demo import FLAGGED, ensure_demo


def test_pin_hash_is_salted_and_verifies():
    a, b = hash_pin("1234"), hash_pin("1234")
    assert a != b and a.startswith("scrypt$")
    assert verify_pin("1234", a) and not verify_pin("4321", a)
    with pytest.raises(InvalidInput, match="4 to 8 digits"):
        hash_pin("12a4")


@pytest.mark.parametrize("failures, wait", [(0, 0), (2, 0), (3, 2), (4, 4), (5, 8), (20, 300)])
def test_back_off_grows_and_caps(failures, wait):
    assert lockout_s(failures) == wait


def test_trainer_pin_back_off_survives_and_resets(db):
    assert not has_trainer_pin(db)
    set_trainer_pin(db, "246813")
    t = 1000.0
    for _ in range(3):
        assert not check_trainer_pin(db, "000000", now=t).ok
    locked = check_trainer_pin(db, "246813", now=t + 1)
    assert not locked.ok and locked.wait_s > 0  # locked out: not even checked
    assert check_trainer_pin(db, "246813", now=t + 3).ok
    assert check_trainer_pin(db, "000000", now=t + 4).wait_s == 0  # count was reset
    with pytest.raises(InvalidInput, match="current trainer PIN is wrong"):
        set_trainer_pin(db, "111111", old_pin="999999")
    set_trainer_pin(db, "111111", old_pin="246813")
    assert check_trainer_pin(db, "111111", now=t + 10).ok


def test_flagged_athlete_gets_caution_and_the_trainers_substitute(db, library):
    ensure_demo(db)
    dev = next(a for a in list_athletes(db) if a.name == FLAGGED)
    c = caution_for(dev, library.get("weighted-hyperextension"))
    assert c is not None and c.substitute == "bird-dog" and "disc" in c.text.lower()
    assert caution_for(dev, library.get("face-pull")) is None
    other = next(a for a in list_athletes(db) if a.name != FLAGGED)
    assert caution_for(other, library.get("weighted-hyperextension")) is None


def test_add_athlete_refuses_duplicates(db):
    i = add_athlete(db, "Zoe")
    assert get_athlete(db, i).name == "Zoe"
    with pytest.raises(InvalidInput, match="exists already"):
        add_athlete(db, " Zoe ")
