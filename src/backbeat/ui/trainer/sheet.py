"""The printable class sheet (PDF): the day's plan and each athlete's last loads.

The content is gathered into a :class:`ClassSheet` (plain data, testable
without a screen), written as HTML and printed to PDF by ``QTextDocument``.
Loads are the last ones each athlete logged (``store.loads``); athletes whose
screening makes an exercise risky see the caution and their substitute.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from backbeat.domain.athlete import caution_for
from backbeat.domain.equipment import Kind, warmup_ramp
from backbeat.domain.exercise import Exercise, Library
from backbeat.domain.prescription import Prescribed, Volume
from backbeat.domain.program import Program
from backbeat.domain.tempo import StartPhase
from backbeat.engine.timeline import ClassPlan
from backbeat.store.athletes import list_athletes
from backbeat.store.checkins import checked_in
from backbeat.store.db import Database
from backbeat.store.equipment import get_equipment
from backbeat.store.library import load_library
from backbeat.store.loads import LastLoad, last_loads
from backbeat.store.logs import suggested_load
from backbeat.store.settings import get_setting
from backbeat.ui import theme

KG_TO_LB = 2.20462
#: About how many table lines fit on one A4 landscape page at the sheet's 9 pt.
ONE_PAGE_LINES = 40


@dataclass(frozen=True)
class SheetRow:
    label: str  # A1, B2 …
    block: str
    exercise: str
    volume: str  # "3 × 8 each side", "3 rounds × 10", "3 × 20 s", "8 breaths"
    tempo: str
    rest: str
    load: str
    cues: str


@dataclass(frozen=True)
class AthleteRow:
    name: str
    cells: list[str]  # one per loaded exercise column
    flagged: bool = False


@dataclass
class ClassSheet:
    program: str
    day: int
    day_name: str
    duration: str
    printed: str
    units: str
    rows: list[SheetRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # exercise names
    athletes: list[AthleteRow] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    roster: str = "all active athletes"  # or "checked in today"
    warmups: list[tuple[str, str]] = field(default_factory=list)  # (exercise, "Ana 62.5: bar · 27.5 …")


def _letter(n: int) -> str:
    return chr(65 + n) if n < 26 else str(n + 1)


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s:02d} s" if s else f"{m} min"


def _weight(kg: float, units: str) -> str:
    value = kg * KG_TO_LB if units == "lb" else kg
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _volume(p: Prescribed, block) -> str:
    sets = f"{p.sets} rounds × " if block.rounds is not None else f"{p.sets} × "
    if p.volume is Volume.BREATH:
        return f"{p.cycles} breaths" if p.hold_s is None else f"{p.hold_s:g} s"
    text = f"{sets}{p.hold_s:g} s" if p.volume is Volume.HOLD else f"{sets}{p.reps}"
    if p.each_side:
        text += " each side"
    return text


def _tempo(p: Prescribed) -> str:
    if p.breath is not None:
        b = p.breath
        parts = [f"in {b.inhale:g}", f"hold {b.hold_in:g}" if b.hold_in else "",
                 f"out {b.exhale:g}", f"hold {b.hold_out:g}" if b.hold_out else ""]
        return ", ".join(x for x in parts if x)
    if p.tempo is None or p.exercise.start is StartPhase.NONE:
        return "hold"
    return f"{p.tempo} ({p.rep_s:g} s a rep)"


def _rest(item, block) -> str:
    if block.kind.grouped:
        return f"{block.rest_s:g} s a round" if block.rest_s else "—"
    return f"{item.rest_s:g} s" if item.rest_s else "—"


def class_sheet(db: Database, program: Program, day: int, *, library: Library | None = None,
                today: date | None = None) -> ClassSheet:
    library = library or load_library(db)
    plan = ClassPlan(program, day, library)
    the_day = program.day(day)
    units = get_setting(db, "units")
    sheet = ClassSheet(program=program.name, day=day, day_name=the_day.name,
                       duration=_clock(plan.timeline().duration_s),
                       printed=(today or date.today()).isoformat(), units=units)
    loaded: list[Exercise] = []
    per_side: set[str] = set()
    for b, block in enumerate(the_day.blocks):
        for i, item in enumerate(block.items):
            p = plan.prescriptions[(b, i)]
            ex = p.exercise
            cues = list(item.cues) or list(ex.cues[:2])
            sheet.rows.append(SheetRow(
                label=f"{_letter(b)}{i + 1}", block=block.name, exercise=ex.name,
                volume=_volume(p, block), tempo=_tempo(p), rest=_rest(item, block),
                load=item.load.describe() if item.load else "", cues=" · ".join(cues)))
            if p.volume is Volume.REPS and ex.start is not StartPhase.NONE and ex not in loaded:
                loaded.append(ex)
            if p.per_side:
                per_side.add(ex.slug)
    athletes = list_athletes(db)
    here = checked_in(db, day=today or date.today())
    if here:  # the class is under way: its athletes, not the whole roster
        athletes = [a for a in athletes if a.id in here]
        sheet.roster = "checked in today"
    sheet.columns = [ex.name for ex in loaded]
    sheet.warmups = _warmups(db, athletes, loaded, units)
    loads = last_loads(db, [a.id for a in athletes], [ex.slug for ex in loaded], sides=per_side)
    for athlete in athletes:
        cells = []
        for ex in loaded:
            caution = caution_for(athlete, ex)
            if caution is not None:
                sub = library.get(caution.substitute) if caution.substitute else None
                cells.append(f"⚠ does {sub.name}" if sub else "⚠ ask the coach")
                sheet.cautions.append(f"{athlete.name}: {ex.name} — {caution.text}"
                                      + (f" Substitute: {sub.name}." if sub else ""))
                continue
            cells.append(_load_cell(loads, athlete.id, ex.slug, ex.slug in per_side, units))
        sheet.athletes.append(AthleteRow(athlete.name, cells, bool(athlete.flags)))
    # columns nobody has a load or a caution in (bodyweight work) say nothing: drop them
    keep = [c for c in range(len(sheet.columns))
            if any(a.cells[c] != "—" for a in sheet.athletes)]
    sheet.columns = [sheet.columns[c] for c in keep]
    sheet.athletes = [AthleteRow(a.name, [a.cells[c] for c in keep], a.flagged)
                      for a in sheet.athletes]
    return sheet


def _warmups(db: Database, athletes, loaded: list[Exercise], units: str) -> list[tuple[str, str]]:
    """Each athlete's warm-up ramp to today's suggested load, for the barbell lifts."""
    equipment = get_equipment(db)
    out = []
    for ex in loaded:
        menu = equipment.menu_for(ex)
        if menu is None or menu.kind is not Kind.BARBELL:
            continue
        for athlete in athletes:
            if caution_for(athlete, ex) is not None:
                continue
            working = suggested_load(db, athlete.id, ex.slug)
            if not working:
                continue
            working = menu.nearest(working).kg
            ramp = warmup_ramp(working, menu)
            if ramp:
                steps = " · ".join("bar" if i == 0 else _weight(b.kg, units)
                                   for i, b in enumerate(ramp))
                out.append((ex.name, f"{athlete.name} → {_weight(working, units)} {units}: "
                                     f"{steps}"))
    return out


def _load_cell(loads: dict, athlete_id: int, slug: str, sided: bool, units: str) -> str:
    if sided:
        left: LastLoad | None = loads.get((athlete_id, slug, "left"))
        right: LastLoad | None = loads.get((athlete_id, slug, "right"))
        if left is None and right is None:
            return "—"
        return " · ".join(f"{side} {_weight(x.load_kg, units)}" for side, x in (("L", left), ("R", right))
                          if x is not None) + f" {units}"
    last: LastLoad | None = loads.get((athlete_id, slug, None))
    if last is None:
        return "—"
    return f"{_weight(last.load_kg, units)} {units} × {last.reps}"


def _day_title(sheet: ClassSheet) -> str:
    day = f"Day {sheet.day}"
    name = sheet.day_name
    return name if name.casefold().startswith(day.casefold()) else f"{day}: {name}"


def sheet_html(sheet: ClassSheet) -> str:
    e = html.escape
    out = [
        "<html><body>",
        f"<h1 style='font-size:20pt; margin:0'>{e(sheet.program)}</h1>",
        f"<p style='font-size:13pt; margin:2px 0 8px 0'><b>{e(_day_title(sheet))}</b>"
        f" &nbsp;·&nbsp; {e(sheet.duration)} &nbsp;·&nbsp; printed {e(sheet.printed)}</p>",
        "<table width='100%' border='1' cellspacing='0' cellpadding='3' "
        "style='border-collapse:collapse; border-color:#555'>",
        f"<tr style='background-color:{theme.SHEET_HEADER_BG}'><th></th><th align='left'>Exercise</th>"
        "<th align='left'>Sets × reps</th><th align='left'>Tempo</th><th align='left'>Rest</th>"
        "<th align='left'>Load</th><th align='left'>Cues</th></tr>",
    ]
    last_block = None
    for row in sheet.rows:
        if row.block != last_block:
            out.append(f"<tr style='background-color:{theme.SHEET_BLOCK_BG}'><td colspan='7'><b>{e(row.label[:-1])} · "
                       f"{e(row.block)}</b></td></tr>")
            last_block = row.block
        out.append(
            f"<tr><td><b>{e(row.label)}</b></td><td><b>{e(row.exercise)}</b></td>"
            f"<td>{e(row.volume)}</td><td>{e(row.tempo)}</td><td>{e(row.rest)}</td>"
            f"<td>{e(row.load)}</td><td>{e(row.cues)}</td></tr>")
    out.append("</table>")
    # one page when the plan and the roster fit on it; else the loads start page 2
    lines = len(sheet.rows) * 1.6 + len({r.block for r in sheet.rows}) + len(sheet.athletes) + 6
    brk = "page-break-before:always; " if lines > ONE_PAGE_LINES else ""
    out.append(f"<h2 style='{brk}font-size:14pt; margin-top:12px'>"
               f"Athletes' last loads ({e(sheet.units)})</h2>")
    if not sheet.athletes:
        out.append("<p>No athletes on the roster yet.</p>")
    elif not sheet.columns:
        out.append("<p>No loaded exercises in this class.</p>")
    else:
        out.append("<table width='100%' border='1' cellspacing='0' cellpadding='3' "
                   "style='border-collapse:collapse; border-color:#555'>")
        out.append(f"<tr style='background-color:{theme.SHEET_HEADER_BG}'><th align='left'>Athlete</th>"
                   + "".join(f"<th align='left'>{e(c)}</th>" for c in sheet.columns) + "</tr>")
        for athlete in sheet.athletes:
            name = f"{e(athlete.name)} ⚠" if athlete.flagged else e(athlete.name)
            out.append(f"<tr><td><b>{name}</b></td>"
                       + "".join(f"<td>{e(c)}</td>" for c in athlete.cells) + "</tr>")
        out.append("</table>")
        out.append(f"<p style='font-size:9pt'>{e(sheet.roster.capitalize())}. "
                   "Last logged load × reps per athlete; "
                   "L/R for one-side work. ⚠ = screening caution: the athlete does the substitute.</p>")
    if sheet.warmups:
        out.append(f"<h2 style='font-size:14pt'>Warm-ups ({e(sheet.units)}): the bar, then 45 %, "
                   "65 % and 85 % of the working load, as the gym's plates build them</h2><ul>")
        out += [f"<li><b>{e(ex)}</b> — {e(text)}</li>" for ex, text in sheet.warmups]
        out.append("</ul>")
    if sheet.cautions:
        out.append("<h2 style='font-size:15pt'>Cautions</h2><ul>")
        out += [f"<li>{e(c)}</li>" for c in sheet.cautions]
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


#: the ``paper`` setting's choices as Qt page sizes
PAPER = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}


def write_class_sheet(db: Database, program: Program, day: int, path: str | Path, *,
                      library: Library | None = None, today: date | None = None) -> Path:
    """Write the class sheet of ``program``'s ``day`` as a landscape PDF on the
    gym's paper (the ``paper`` setting: A4 or Letter)."""
    from backbeat.ui.application import application

    application()
    sheet = class_sheet(db, program, day, library=library, today=today)
    path = Path(path)
    if not path.parent.is_dir():
        raise OSError(f"there is no folder {path.parent}")
    writer = QPdfWriter(str(path))
    writer.setTitle(f"{sheet.program} — day {sheet.day}")
    writer.setCreator("Backbeat")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(PAPER[get_setting(db, "paper")]),
                                     QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    # lay the text out for the PDF's resolution and page, not the screen's,
    # so that the page margins above are the only ones
    doc.documentLayout().setPaintDevice(writer)
    paint = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(paint.width(), paint.height()))
    doc.setDocumentMargin(0)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9)
    doc.setDefaultFont(font)
    doc.setHtml(sheet_html(sheet))
    doc.print_(writer)
    del writer  # finishes the file
    if not path.is_file() or path.stat().st_size == 0:
        raise OSError("the PDF could not be written there (read-only or full?)")
    return path
