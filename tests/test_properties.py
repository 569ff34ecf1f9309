"""Generated input, thousands of values: the program reader, the tempo and
breath parsers, the kiosk's set check, the outbox reader and the CLI's
arguments answer every one with a value or a clear refusal, never a
traceback, and a refusal writes nothing.

Example counts (2,660 in all) are set per test so the file stays near 30 s
(``HYPOTHESIS_PROFILE=thorough`` multiplies them by ten)."""

from __future__ import annotations

import contextlib
import io
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backbeat.domain.breath import parse_breath_pattern
from backbeat.domain.errors import InvalidInput
from backbeat.domain.program import ProgramFileError, parse_program
from backbeat.domain.tempo import parse_tempo
from backbeat.paths import resources_dir

SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 1
SAMPLE = json.loads((resources_dir() / "programs" / "precision-back.json").read_text("utf-8"))


def examples(n: int):
    return settings(max_examples=n * SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _mutations(doc):
    """The sample program with one value somewhere replaced by anything."""
    def paths(value, path=()):
        yield path
        if isinstance(value, dict):
            for k, v in value.items():
                yield from paths(v, (*path, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from paths(v, (*path, i))
    return list(paths(doc))


PATHS = _mutations(SAMPLE)


def _replace(doc, path, value):
    doc = json.loads(json.dumps(doc))
    if not path:
        return value
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return doc


def _reads_or_refuses(text) -> None:
    try:
        parse_program(text)
    except ProgramFileError as exc:
        assert str(exc).startswith("program: refused, nothing was saved:")
        assert exc.problems and all(isinstance(w, str) and isinstance(r, str) for w, r in exc.problems)


@examples(400)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_the_reader_takes_any_bytes_or_text(raw):
    _reads_or_refuses(raw)


@examples(400)
@given(st.sampled_from(PATHS), json_values)
def test_the_reader_takes_the_sample_with_any_value_anywhere(path, value):
    doc = _replace(SAMPLE, path, value)
    _reads_or_refuses(json.dumps(doc, allow_nan=True))


@examples(100)
@given(st.integers(min_value=1, max_value=400), st.sampled_from("[{"))
def test_the_reader_takes_any_nesting(depth, bracket):
    close = "]" if bracket == "[" else "}"
    body = (bracket + ('"a":' if bracket == "{" else "")) * depth + "1" + close * depth
    _reads_or_refuses(body)


@examples(500)
@given(st.text(max_size=16) | st.from_regex(r"[0-9Xx]{1,3}(-[0-9Xx]{1,3}){0,4}", fullmatch=True))
def test_the_tempo_parser_reads_or_refuses_in_words(text):
    try:
        tempo = parse_tempo(text)
    except InvalidInput as exc:
        assert exc.where == "tempo" and exc.reason
    else:
        assert tempo.rep_s > 0 and all(v >= 0 for v in (tempo.eccentric, tempo.concentric))


@examples(300)
@given(st.text(max_size=16) | st.from_regex(r"[0-9.naif]{1,4}(-[0-9.naif]{1,4}){3}", fullmatch=True))
def test_the_breath_parser_reads_or_refuses_in_words(text):
    try:
        pattern = parse_breath_pattern(text)
    except InvalidInput as exc:
        assert exc.reason
    else:
        assert pattern.inhale > 0 and pattern.exhale > 0 and pattern.cycle_s < 200


@pytest.fixture(scope="module")
def exercises():
    from backbeat.store.seed import builtin_library

    return [e for e in builtin_library().exercises if e.start.value != "none"]


@examples(400)
@given(data=st.data())
def test_the_kiosk_checks_any_set_in_words(exercises, data):
    from backbeat.domain.setlog import Units, check_set

    ex = data.draw(st.sampled_from(exercises))
    number = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**6, 10**6) | st.none()
    try:
        check_set(ex, reps=data.draw(st.integers(-10**9, 10**9)), load_kg=data.draw(number),
                  side=data.draw(st.sampled_from([None, "left", "right", "up", ""])),
                  effort=data.draw(number), form=data.draw(st.integers(-5, 50) | st.none()),
                  units=data.draw(st.sampled_from(list(Units))))
    except InvalidInput as exc:
        assert exc.where in {"exercise", "reps", "load", "side", "effort", "form"} and exc.reason


@examples(400)
@given(json_values)
def test_the_outbox_reader_reads_or_sets_aside(value):
    from backbeat.store.outbox import UnreadableEntry, read_entry

    try:
        read_entry(value)
    except UnreadableEntry as exc:
        assert str(exc) and exc.suffix in (".unreadable", ".newer")


@examples(40)
@given(st.lists(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()),
                min_size=1, max_size=5))
def test_an_outbox_of_anything_delivers_nothing_wrong_and_keeps_it_all(db, tmp_path_factory, files):
    from backbeat.store.logs import count_logs
    from backbeat.store.outbox import Outbox

    folder = tmp_path_factory.mktemp("outbox")
    for i, content in enumerate(files):
        (folder / f"{i:020d}-x.json").write_bytes(content)
    before = count_logs(db)
    box = Outbox(folder)
    sent, _said = box.deliver(db)
    assert sent == 0 and count_logs(db) == before
    assert len(box) == 0 and len(box.set_aside()) == len(files)  # every one kept, aside


ARGS = st.sampled_from(["plan", "import", "export", "export-logs", "db", "sheet", "schema",
                        "--day", "--out", "--from", "--to", "--athlete", "--json", "check", "backup",
                        "restore", "-", "0", "-1", "99999999999999999999", "Precision Back", "x.json",
                        "\x00", "é", "nan", "2026-13-45"])


@examples(120)
@given(st.lists(ARGS | st.text(max_size=12), min_size=1, max_size=5))
def test_the_cli_answers_any_arguments_without_a_traceback(db, db_url, tmp_path_factory, argv):
    from backbeat.cli import main
    from backbeat.store.logs import count_logs
    from backbeat.store.programs import list_programs

    folder = tmp_path_factory.mktemp("cli")
    os.chdir(folder)  # any file a command writes lands here, not in the checkout
    programs, logs = list_programs(db), count_logs(db)
    if argv[0] in ("sheet", "restore") or "restore" in argv:
        return  # a PDF render or a restore per example is out of this test's budget
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(["--db", db_url, *argv])
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in err.getvalue()
    if code != 0:
        assert err.getvalue().strip(), argv  # a refusal says why
        assert list_programs(db) == programs and count_logs(db) == logs  # and wrote nothing


def test_an_absurd_load_is_refused_in_words_not_an_overflow(exercises):
    from backbeat.domain.setlog import Units, check_set

    for units in Units:
        with pytest.raises(InvalidInput) as refused:
            check_set(exercises[0], reps=5, load_kg=1e308, side=None, effort=None, form=None, units=units)
        assert refused.value.where == "load"
