"""Athletes, screenings, substitutions, notes and progression decisions in the database.

The logs' read-back (store/history.py) and the gym's equipment are imported by
the progression functions that read them, not with the roster (the trainer's
first frame lists athletes only: tests/test_startup_imports.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum

from sqlalchemy import select, update

from backbeat.domain.athlete import Athlete, SubstitutePrescription
from backbeat.domain.equipment import Equipment, LoadMenu
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import RiskFlag
from backbeat.domain.names import clean_name, name_key
from backbeat.domain.pin import PinState
from backbeat.domain.program import MAX_LOAD_KG, MAX_REPS
from backbeat.domain.progression import (
    DEFAULT_RULES,
    Prescription,
    ProgressionRules,
    Suggestion,
    prescription_in_force,
    sessions_of,
    side_load,
    suggest,
)
from backbeat.domain.screening import Findings
from backbeat.domain.tempo import parse_tempo
from backbeat.store.db import Database
from backbeat.store.models import (
    AthletePrescriptionRow,
    AthleteRow,
    ExerciseRow,
    ScreeningRow,
    SetLogRow,
    SubstitutionRow,
)


def _athletes(s, rows) -> list[Athlete]:
    ids = [r.id for r in rows]
    if not ids:
        return []
    disc = set(s.scalars(select(ScreeningRow.athlete_id).where(
        ScreeningRow.athlete_id.in_(ids), ScreeningRow.disc_history.is_(True))))
    slugs = {e.id: e.slug for e in s.scalars(select(ExerciseRow))}
    subs: dict[int, dict[str, str]] = {}
    own: dict[int, dict[str, SubstitutePrescription]] = {}
    for sub in s.scalars(select(SubstitutionRow).where(SubstitutionRow.athlete_id.in_(ids))):
        subs.setdefault(sub.athlete_id, {})[slugs[sub.exercise_id]] = slugs[sub.substitute_id]
        if sub.reps is not None or sub.tempo or sub.load_kg is not None:
            own.setdefault(sub.athlete_id, {})[slugs[sub.exercise_id]] = SubstitutePrescription(
                sub.reps, sub.tempo, sub.load_kg)
    return [
        Athlete(id=r.id, name=r.name, has_pin=bool(r.pin_hash),
                flags=frozenset({RiskFlag.DISC}) if r.id in disc else frozenset(),
                substitutions=subs.get(r.id, {}), substitute_prescriptions=own.get(r.id, {}))
        for r in rows
    ]


def list_athletes(db: Database, *, active_only: bool = True) -> list[Athlete]:
    with db.read() as s:
        q = select(AthleteRow).order_by(AthleteRow.name)
        if active_only:
            q = q.where(AthleteRow.active.is_(True))
        return _athletes(s, list(s.scalars(q)))


def get_athlete(db: Database, athlete_id: int) -> Athlete:
    with db.read() as s:
        row = s.get(AthleteRow, athlete_id)
        if row is None:
            raise InvalidInput(f"no athlete with id {athlete_id}", "athlete")
        return _athletes(s, [row])[0]


def add_athlete(db: Database, name: str, *, pin_hash: str | None = None, notes: str = "") -> int:
    name = clean_name(name)
    with db.session() as s:
        same = s.scalar(select(AthleteRow.name).where(AthleteRow.name_key == name_key(name)))
        if same is not None:
            raise InvalidInput(f"an athlete named {same!r} exists already", "name")
        row = AthleteRow(name=name, pin_hash=pin_hash, notes=notes, created_at=datetime.now(UTC))
        s.add(row)
        s.flush()
        return row.id


def athlete_pin_hash(db: Database, athlete_id: int) -> str | None:
    with db.read() as s:
        row = s.get(AthleteRow, athlete_id)
        return row.pin_hash if row else None


def pin_states(db: Database) -> dict[int, PinState]:
    """Every active athlete with a PIN: hash, wrong tries in a row, the last one's time."""
    with db.read() as s:
        rows = s.execute(select(AthleteRow.id, AthleteRow.pin_hash, AthleteRow.pin_failures,
                                AthleteRow.pin_failed_at)
                         .where(AthleteRow.pin_hash.is_not(None), AthleteRow.active.is_(True)))
        return {r.id: PinState(r.pin_hash, r.pin_failures or 0,
                               r.pin_failed_at.replace(tzinfo=UTC) if r.pin_failed_at else None)
                for r in rows}


def record_pin_try(db: Database, athlete_id: int, ok: bool, at: datetime) -> bool:
    """Store a kiosk PIN try: a right one clears the back-off, a wrong one counts.
    One statement (a kiosk sends it like a tap). True if the athlete exists."""
    values = (dict(pin_failures=0, pin_failed_at=None) if ok else
              dict(pin_failures=AthleteRow.pin_failures + 1,
                   pin_failed_at=at.astimezone(UTC).replace(tzinfo=None)))
    with db.engine.begin() as conn:
        result = conn.execute(update(AthleteRow).where(AthleteRow.id == athlete_id).values(**values))
    return result.rowcount == 1


# -- notes -----------------------------------------------------------------------------------

MAX_NOTES = 4000


def athlete_notes(db: Database, athlete_id: int) -> str:
    with db.read() as s:
        row = s.get(AthleteRow, athlete_id)
        if row is None:
            raise InvalidInput(f"no athlete with id {athlete_id}", "athlete")
        return row.notes


def set_athlete_notes(db: Database, athlete_id: int, notes: str) -> None:
    if len(notes) > MAX_NOTES:
        raise InvalidInput(f"notes are at most {MAX_NOTES} characters (these are {len(notes)})", "notes")
    with db.session() as s:
        row = s.get(AthleteRow, athlete_id)
        if row is None:
            raise InvalidInput(f"no athlete with id {athlete_id}", "athlete")
        row.notes = notes


# -- screenings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Screening:
    id: int
    athlete_id: int
    screened_on: date
    disc_history: bool
    findings: Findings
    notes: str


def list_screenings(db: Database, athlete_id: int) -> list[Screening]:
    """The athlete's screenings, newest first."""
    with db.read() as s:
        rows = s.scalars(select(ScreeningRow).where(ScreeningRow.athlete_id == athlete_id)
                         .order_by(ScreeningRow.screened_on.desc(), ScreeningRow.id.desc()))
        return [Screening(r.id, r.athlete_id, r.screened_on.date(), r.disc_history,
                          Findings.from_json(r.findings), r.notes) for r in rows]


def save_screening(db: Database, athlete_id: int, *, screened_on: date, disc_history: bool,
                   findings: Findings, notes: str = "", screening_id: int | None = None,
                   ) -> tuple[int, list[str]]:
    """Add (or, with ``screening_id``, replace) a screening.

    A disc history flag gives every exercise risky for it the library's first
    substitution, unless the trainer already chose one. Returns the screening's
    id and the exercise slugs that got a substitution.
    """
    if len(notes) > MAX_NOTES:
        raise InvalidInput(f"notes are at most {MAX_NOTES} characters", "screening notes")
    if screened_on > datetime.now(UTC).date():
        raise InvalidInput(f"{screened_on} is in the future", "screened on")
    added: list[str] = []
    with db.session() as s:
        if s.get(AthleteRow, athlete_id) is None:
            raise InvalidInput(f"no athlete with id {athlete_id}", "athlete")
        if screening_id is None:
            row = ScreeningRow(athlete_id=athlete_id)
            s.add(row)
        else:
            row = s.get(ScreeningRow, screening_id)
            if row is None or row.athlete_id != athlete_id:
                raise InvalidInput(f"no screening {screening_id} for this athlete", "screening")
        row.screened_on = datetime.combine(screened_on, time(12))
        row.disc_history = disc_history
        row.findings = findings.to_json()
        row.notes = notes
        s.flush()
        if disc_history:
            chosen = set(s.scalars(select(SubstitutionRow.exercise_id)
                                   .where(SubstitutionRow.athlete_id == athlete_id)))
            exercises = list(s.scalars(select(ExerciseRow)))
            ids = {e.slug: e.id for e in exercises}
            for ex in exercises:
                data = ex.data
                if RiskFlag.DISC.value not in data.get("risk_flags", ()) or ex.id in chosen:
                    continue
                subs = [x for x in data.get("substitutions", ()) if x in ids]
                if subs:
                    s.add(SubstitutionRow(athlete_id=athlete_id, exercise_id=ex.id,
                                          substitute_id=ids[subs[0]],
                                          reason=f"disc history (screened {screened_on})"))
                    added.append(ex.slug)
        return row.id, added


def delete_screening(db: Database, screening_id: int) -> None:
    with db.session() as s:
        row = s.get(ScreeningRow, screening_id)
        if row is not None:
            s.delete(row)


# -- substitutions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Substitution:
    exercise: str  # slug
    substitute: str  # slug
    reason: str
    reps: int | None = None  # the substitute's own prescription (None: the library's)
    tempo: str | None = None
    load_kg: float | None = None

    @property
    def prescription(self) -> SubstitutePrescription:
        return SubstitutePrescription(self.reps, self.tempo, self.load_kg)


def list_substitutions(db: Database, athlete_id: int) -> list[Substitution]:
    with db.read() as s:
        slugs = dict(s.execute(select(ExerciseRow.id, ExerciseRow.slug)).all())
        rows = s.scalars(select(SubstitutionRow).where(SubstitutionRow.athlete_id == athlete_id))
        return sorted((Substitution(slugs[r.exercise_id], slugs[r.substitute_id], r.reason,
                                             r.reps, r.tempo, r.load_kg)
                       for r in rows), key=lambda x: x.exercise)


def _exercise(s, slug: str, where: str) -> ExerciseRow:
    row = s.scalar(select(ExerciseRow).where(ExerciseRow.slug == slug))
    if row is None:
        raise InvalidInput(f"no exercise {slug!r} in the library", where)
    return row


def set_substitution(db: Database, athlete_id: int, exercise: str, substitute: str,
                     reason: str = "", *, reps: int | None = None, tempo: str | None = None,
                     load_kg: float | None = None) -> None:
    """What the athlete does instead of ``exercise`` (replaces an earlier choice), with
    the substitute's own prescription where given (else the library's defaults)."""
    if exercise == substitute:
        raise InvalidInput("an exercise cannot be its own substitute", "substitute")
    if reps is not None and not 1 <= reps <= MAX_REPS:
        raise InvalidInput(f"{reps} reps is outside 1–{MAX_REPS}", "reps")
    if tempo:
        parse_tempo(tempo, "tempo")
    if load_kg is not None and not 0 <= load_kg <= MAX_LOAD_KG:
        raise InvalidInput(f"{load_kg:g} kg is outside 0–{MAX_LOAD_KG:g} kg", "load")
    flags = get_athlete(db, athlete_id).flags
    with db.session() as s:
        ex = _exercise(s, exercise, "exercise")
        sub = _exercise(s, substitute, "substitute")
        risky = flags & {RiskFlag(f) for f in sub.data.get("risk_flags", ())}
        if risky:
            words = ", ".join(f"{f.value} history" for f in sorted(risky))
            raise InvalidInput(f"{sub.name} is risky for this athlete's {words} too; "
                               "choose a safer substitute", "substitute")
        row = s.scalar(select(SubstitutionRow).where(SubstitutionRow.athlete_id == athlete_id,
                                                     SubstitutionRow.exercise_id == ex.id))
        if row is None:
            row = SubstitutionRow(athlete_id=athlete_id, exercise_id=ex.id)
            s.add(row)
        row.substitute_id, row.reason = sub.id, reason
        row.reps, row.tempo, row.load_kg = reps, tempo or None, load_kg


def remove_substitution(db: Database, athlete_id: int, exercise: str) -> None:
    with db.session() as s:
        ex = _exercise(s, exercise, "exercise")
        row = s.scalar(select(SubstitutionRow).where(SubstitutionRow.athlete_id == athlete_id,
                                                     SubstitutionRow.exercise_id == ex.id))
        if row is not None:
            s.delete(row)


# -- earned progression: the trainer's decisions and the rule's suggestions -------------------

class Source(StrEnum):
    ACCEPTED = "accepted"
    OVERRIDE = "override"


@dataclass(frozen=True)
class Decision:
    exercise: str
    prescription: Prescription
    source: Source
    note: str
    decided_at: datetime


@dataclass(frozen=True)
class ProgressRow:
    """One exercise on the athlete's progression list."""

    exercise: str
    name: str
    current: Prescription | None  # None: nothing to progress from (no tempo or reps known)
    suggestion: Suggestion | None
    decision: Decision | None
    sessions: int = 0  # sessions logged at the current prescription (since the decision)
    loads: LoadMenu | None = None  # what the gym can build for it (None: any load)


def _decision(s, athlete_id: int, exercise_id: int, slug: str) -> Decision | None:
    row = s.scalar(select(AthletePrescriptionRow)
                   .where(AthletePrescriptionRow.athlete_id == athlete_id,
                          AthletePrescriptionRow.exercise_id == exercise_id)
                   .order_by(AthletePrescriptionRow.decided_at.desc(), AthletePrescriptionRow.id.desc())
                   .limit(1))
    if row is None:
        return None
    return Decision(slug, Prescription(row.tempo or "", row.reps or 0, row.load_kg),
                    Source(row.source), row.note, row.decided_at)


def decide_prescription(db: Database, athlete_id: int, exercise: str, prescription: Prescription,
                        source: Source | str, note: str = "", *, now: datetime | None = None) -> None:
    """Record the trainer's decision: an accepted suggestion or an override."""
    source = Source(source)
    parse_tempo(prescription.tempo, "tempo")
    if not 1 <= prescription.reps <= MAX_REPS:
        raise InvalidInput(f"{prescription.reps} reps is outside 1–{MAX_REPS}", "reps")
    if prescription.load_kg is not None and not 0 <= prescription.load_kg <= MAX_LOAD_KG:
        raise InvalidInput(f"{prescription.load_kg:g} kg is outside 0–{MAX_LOAD_KG:g} kg", "load")
    with db.session() as s:
        if s.get(AthleteRow, athlete_id) is None:
            raise InvalidInput(f"no athlete with id {athlete_id}", "athlete")
        ex = _exercise(s, exercise, "exercise")
        s.add(AthletePrescriptionRow(
            athlete_id=athlete_id, exercise_id=ex.id, tempo=prescription.tempo,
            reps=prescription.reps, load_kg=prescription.load_kg, source=source.value, note=note,
            decided_at=(now or datetime.now(UTC)).replace(tzinfo=None)))


def _rules_for(rules: ProgressionRules, equipment: Equipment, ex: ExerciseRow) -> ProgressionRules:
    """The rules with the loads this exercise can be built with here (the gym's equipment)."""
    if rules.loads is not None:
        return rules
    menu = equipment.menu(ex.data.get("equipment"), ex.data.get("bar"))
    return rules if menu is None else replace(rules, loads=menu)


def _progress_row(db: Database, s, athlete_id: int, ex: ExerciseRow,
                  planned: dict, rules: ProgressionRules, equipment: Equipment) -> ProgressRow:
    from backbeat.store.history import recent_sets

    rules = _rules_for(rules, equipment, ex)
    decision = _decision(s, athlete_id, ex.id, ex.slug)
    since = decision.decided_at if decision else None
    sets = recent_sets(db, athlete_id, ex.id, since=since)
    last = sets or recent_sets(db, athlete_id, ex.id, limit=12)
    plan = planned.get(ex.slug)
    current = prescription_in_force(
        decision.prescription if decision else None, last,
        planned_tempo=plan.tempo if plan else None, planned_reps=plan.reps if plan else None,
        library_tempo=ex.data.get("default_tempo"))
    if current is None:
        return ProgressRow(ex.slug, ex.name, None, None, decision, loads=rules.loads)
    sessions = sessions_of(sets, current.reps)
    return ProgressRow(ex.slug, ex.name, current, suggest(current, sessions, rules), decision,
                       len(sessions), rules.loads)


def progress_rows(db: Database, athlete_id: int,
                  rules: ProgressionRules = DEFAULT_RULES) -> list[ProgressRow]:
    """Every exercise the athlete has logged, with its prescription, suggestion and decision."""
    from backbeat.store.equipment import get_equipment
    from backbeat.store.history import planned_work

    planned, _ = planned_work(db)
    equipment = get_equipment(db)
    with db.read() as s:
        ids = set(s.scalars(select(SetLogRow.exercise_id).distinct()
                            .where(SetLogRow.athlete_id == athlete_id)))
        ids |= set(s.scalars(select(AthletePrescriptionRow.exercise_id).distinct()
                             .where(AthletePrescriptionRow.athlete_id == athlete_id)))
        exercises = list(s.scalars(select(ExerciseRow).where(ExerciseRow.id.in_(ids))
                                   .order_by(ExerciseRow.name)))
        return [_progress_row(db, s, athlete_id, ex, planned, rules, equipment) for ex in exercises]


def progress_for(db: Database, athlete_id: int, exercise: str,
                 rules: ProgressionRules = DEFAULT_RULES, *, planned: dict | None = None,
                 equipment: Equipment | None = None) -> ProgressRow:
    """One exercise's prescription, suggestion and decision (for the kiosk and the TV).
    ``planned``/``equipment``: already read (the board asks for many athletes)."""
    from backbeat.store.equipment import get_equipment
    from backbeat.store.history import planned_work

    planned = planned if planned is not None else planned_work(db)[0]
    equipment = equipment if equipment is not None else get_equipment(db)
    with db.read() as s:
        ex = _exercise(s, exercise, "exercise")
        return _progress_row(db, s, athlete_id, ex, planned, rules, equipment)


def progressed_load(db: Database, athlete_id: int, exercise: str, last_load_kg: float | None, *,
                    side: str | None = None, rules: ProgressionRules = DEFAULT_RULES,
                    row: ProgressRow | None = None) -> float | None:
    """The load the kiosk starts its steppers at: the rule's suggestion on top of the
    trainer's last decision. ``last_load_kg`` is the last load used (on ``side``).

    For one side of one-side work, the side keeps its own load and moves by the
    suggested step (a weaker side is not pushed to the stronger side's load),
    except right after a decision, which sets both sides.
    """
    try:
        row = row or progress_for(db, athlete_id, exercise, rules)
    except InvalidInput:
        return last_load_kg
    if row.suggestion is None or row.suggestion.load_kg is None:
        return last_load_kg
    return side_load(row.current, row.suggestion.load_kg, last_load_kg, side=side,
                     just_decided=row.decision is not None and row.sessions == 0, loads=row.loads)
