"""scripts/make_logs.py: exactly N logs, in classes that were held, with check-ins."""


from sqlalchemy import func, select

from backbeat.store.history import class_records
from backbeat.store.models import CheckInRow, ClassSessionRow, SetLogRow
from tests import scripts


def _module():
    return scripts.load("scripts/make_logs.py")


def test_make_logs_makes_a_gym(db):
    stats = _module().make_logs(db, 900, athletes=4, seed=2)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SetLogRow)) == 900 == stats["logs"]
        athletes = s.scalar(select(func.count(SetLogRow.athlete_id.distinct())))
        sessions = set(s.scalars(select(ClassSessionRow.id)))
        logged_in = set(s.scalars(select(SetLogRow.session_id).distinct()))
        checked = s.scalar(select(func.count()).select_from(CheckInRow))
        tempos = set(s.scalars(select(SetLogRow.tempo).distinct()))
    assert athletes == 4 and checked > 0
    assert logged_in == sessions  # no class without logs is left behind
    with db.read() as s:  # and nobody checked in without logging
        assert set(s.scalars(select(CheckInRow.session_id).distinct())) == sessions
    assert None not in tempos
    records = class_records(db, limit=5)
    assert records and all(0 < r.attendees <= 4 and r.sets_logged > 0 for r in records)


def test_make_logs_cli_refuses_nonsense(tmp_path, capsys):
    assert _module().main(["--db", f"sqlite:///{tmp_path / 'x.db'}", "--logs", "0"]) == 2
    assert "--logs and --athletes must be at least 1" in capsys.readouterr().err
