import pytest
from hypothesis import given
from hypothesis import strategies as st

from backbeat.domain.breath import Breath, breath_for, parse_breath_pattern
from backbeat.domain.errors import InvalidInput
from backbeat.domain.tempo import (
    EXPLOSIVE_PHASE_S,
    Phase,
    StartPhase,
    parse_tempo,
    rep_phases,
)


@pytest.mark.parametrize(
    "text, phases",
    [
        ("3-1-1-0", (3, 1, 1, 0)),
        ("3110", (3, 1, 1, 0)),
        ("10-0-10-0", (10, 0, 10, 0)),
        (" 4-0-2-1 ", (4, 0, 2, 1)),
        ("30X0", (3, 0, EXPLOSIVE_PHASE_S, 0)),
        ("3-0-x-1", (3, 0, EXPLOSIVE_PHASE_S, 1)),
    ],
)
def test_parses_dashed_compact_and_explosive(text, phases):
    t = parse_tempo(text)
    assert (t.eccentric, t.pause_bottom, t.concentric, t.pause_top) == phases


def test_explosive_is_marked_and_written_back():
    t = parse_tempo("31X0")
    assert t.explosive == {Phase.CONCENTRIC}
    assert t.notation() == "3-1-X-0"
    assert parse_tempo("31X0", explosive_s=0.5).concentric == 0.5


@pytest.mark.parametrize(
    "text, words",
    [
        ("3-1-?-0", ["concentric", "'?'"]),
        ("3-1-1", ["3 phases", "needs 4"]),
        ("31100", ["not four phases"]),
        ("", ["not four phases"]),
        ("3-X-1-0", ["pause bottom", "cannot be X"]),
        ("0-1-0-1", ["needs time"]),
        ("45-0-1-0", ["longer than 30"]),
        ("3-1--1-0", ["5 phases"]),
    ],
)
def test_bad_tempos_name_the_problem(text, words):
    with pytest.raises(InvalidInput) as err:
        parse_tempo(text, where="days[0].blocks[1].items[0].tempo")
    message = str(err.value)
    assert message.startswith("days[0].blocks[1].items[0].tempo: ")
    for w in words:
        assert w in message


def test_hinge_runs_eccentric_first_pull_concentric_first():
    t = parse_tempo("3-1-2-1")
    assert rep_phases(t, StartPhase.ECCENTRIC) == [
        (Phase.ECCENTRIC, 3), (Phase.PAUSE_BOTTOM, 1), (Phase.CONCENTRIC, 2), (Phase.PAUSE_TOP, 1)
    ]
    assert rep_phases(t, StartPhase.CONCENTRIC) == [
        (Phase.CONCENTRIC, 2), (Phase.PAUSE_TOP, 1), (Phase.ECCENTRIC, 3), (Phase.PAUSE_BOTTOM, 1)
    ]
    # zero-second phases take no time and are left out
    assert [p for p, _ in rep_phases(parse_tempo("3010"), StartPhase.CONCENTRIC)] == [
        Phase.CONCENTRIC, Phase.ECCENTRIC
    ]


phase_digit = st.integers(0, 30).map(str) | st.just("X")


@given(st.tuples(phase_digit, st.integers(0, 30), phase_digit, st.integers(0, 30)))
def test_dashed_notation_round_trips(parts):
    text = "-".join(str(p) for p in parts)
    if parts[0] == "0" and parts[2] == "0":  # no lowering and no lifting: not a rep
        with pytest.raises(InvalidInput):
            parse_tempo(text)
        return
    tempo = parse_tempo(text)
    again = parse_tempo(tempo.notation())
    assert again.rep_s == tempo.rep_s and again.explosive == tempo.explosive


def test_breath_follows_the_effort_and_can_be_overridden():
    assert breath_for(Phase.CONCENTRIC) is Breath.EXHALE
    assert breath_for(Phase.ECCENTRIC) is Breath.INHALE
    assert breath_for(Phase.PAUSE_TOP) is Breath.HOLD
    assert breath_for(Phase.PAUSE_TOP, {"pause_top": "exhale"}) is Breath.EXHALE


def test_breath_patterns():
    assert parse_breath_pattern("box").cycle_s == 16
    assert parse_breath_pattern("4-0-8-0").steps() == [(Breath.INHALE, 4), (Breath.EXHALE, 8)]
    with pytest.raises(InvalidInput, match="neither a named drill"):
        parse_breath_pattern("4-4-?-4")
    with pytest.raises(InvalidInput, match="needs an inhale"):
        parse_breath_pattern("0-4-4-4")
