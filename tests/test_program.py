import json

import pytest

from backbeat.domain.program import (
    ProgramFileError,
    check_program,
    parse_program,
)


def _doc(**item):
    return {
        "format": "backbeat.program/1",
        "name": "T",
        "days": [{"name": "D", "blocks": [{"name": "A", "items": [
            {"exercise": "face-pull", "sets": 2, "reps": 8, "tempo": "3-1-1-2", "rest_s": 60} | item
        ]}]}],
    }


def _problems(doc) -> list[tuple[str, str]]:
    with pytest.raises(ProgramFileError) as err:
        parse_program(json.dumps(doc) if not isinstance(doc, str) else doc)
    return err.value.problems


def test_sample_program_is_valid_and_warning_free(sample_program, library):
    assert sample_program.name == "Precision Back"
    assert len(sample_program.days) >= 2
    assert check_program(sample_program, library) == []


@pytest.mark.parametrize(
    "item, path, words",
    [
        ({"tempo": "3-1-?-0"}, "days[0].blocks[0].items[0].tempo", "'?'"),
        ({"reps": -5}, "days[0].blocks[0].items[0].reps", "greater than or equal to 1"),
        ({"reps": "ten"}, "days[0].blocks[0].items[0].reps", "valid integer"),
        ({"load": {"kind": "kg", "value": 900}}, "days[0].blocks[0].items[0].load", "900 kg"),
        ({"rest_s": 5000}, "days[0].blocks[0].items[0].rest_s", "less than or equal"),
        ({"duration_s": 20}, "days[0].blocks[0].items[0]", "not reps and duration_s"),
        ({"colour": "red"}, "days[0].blocks[0].items[0].colour", "Extra inputs"),
    ],
)
def test_bad_fields_are_refused_with_their_path(item, path, words):
    problems = _problems(_doc(**item))
    assert any(p == path and words in reason for p, reason in problems), problems


def test_truncated_json_names_line_and_column():
    text = json.dumps(_doc(), indent=1)[:-30]
    [(where, reason)] = _problems(text)
    assert where.startswith("line ") and "column" in where
    assert "not valid JSON" in reason


def test_wrong_format_tag():
    doc = _doc()
    doc["format"] = "backbeat.program/9"
    assert _problems(doc) == [("format", "expected 'backbeat.program/1', found 'backbeat.program/9'")]


def test_library_checks(library):
    bad = parse_program(json.dumps(_doc(exercise="kipping-muscle-up")))
    with pytest.raises(ProgramFileError) as err:
        check_program(bad, library)
    assert err.value.problems == [
        ("days[0].blocks[0].items[0].exercise", "unknown exercise 'kipping-muscle-up'")
    ]
    sided = parse_program(json.dumps(_doc(per_side=True)))
    with pytest.raises(ProgramFileError, match="works both sides at once"):
        check_program(sided, library)
    hold_reps = parse_program(json.dumps(_doc(exercise="scapular-retraction-hold", tempo=None)))
    with pytest.raises(ProgramFileError, match="prescribe duration_s"):
        check_program(hold_reps, library)


def test_fast_reps_are_warned_not_refused(library):
    fast = parse_program(json.dumps(_doc(tempo="1010", reps=25)))
    warnings = check_program(fast, library)
    assert any("fast reps are noise" in w for w in warnings)
    assert any("high-rep" in w for w in warnings)


def test_superset_needs_rounds_and_no_sets():
    doc = _doc()
    block = doc["days"][0]["blocks"][0]
    block["kind"] = "superset"
    block["items"].append({"exercise": "band-pull-apart", "reps": 10})
    problems = _problems(doc)
    assert any("needs 'rounds'" in r for _, r in problems)
    block["rounds"] = 3
    problems = _problems(doc)
    assert any("leave 'sets' out" in r for _, r in problems)


def test_document_round_trips(sample_program):
    doc = sample_program.to_document()
    assert parse_program(json.dumps(doc)).to_document() == doc
