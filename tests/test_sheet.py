"""The printable class sheet: last loads from the logs, the PDF itself (its first
page turned into an image and read back as text), the CLI and the editor's button."""

import json
import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtGui import QImage

from backbeat.cli import main
from backbeat.domain.setlog import SetEntry
from backbeat.store.athletes import add_athlete, list_athletes
from backbeat.store.demo import ensure_demo
from backbeat.store.loads import last_loads
from backbeat.store.logs import log_set, undo_set
from backbeat.store.programs import load_program
from backbeat.store.settings import set_setting
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.program_editor import ProgramEditor
from backbeat.ui.trainer.sheet import class_sheet, write_class_sheet

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def log(db, athlete, exercise, load, reps=8, minutes=0, side=None, key=None):
    entry = SetEntry(key=key or f"{athlete}-{exercise}-{minutes}-{side}", athlete_id=athlete,
                     exercise=exercise, reps=reps, load_kg=load, side=side,
                     logged_at=(T0 + timedelta(minutes=minutes)).isoformat())
    assert log_set(db, entry)
    return entry.key


def first_page(pdf, tmp_path, dpi=50) -> QImage:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    image = QImage(str(next(tmp_path.glob("page*.png"))))
    assert not image.isNull()
    return image


def pdf_text(pdf) -> str:
    """The PDF's text, ligatures (ﬁ) undone."""
    return unicodedata.normalize("NFKC", subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout)


def squeezed(text: str) -> str:
    return "".join(text.split())  # the layout's runs of spaces (and thin ones) out


def test_last_loads_take_the_newest_kept_set_per_side(db):
    ana = add_athlete(db, "Ana")
    ben = add_athlete(db, "Ben")
    log(db, ana, "lat-pulldown", 30, minutes=0)
    log(db, ana, "lat-pulldown", 32.5, reps=7, minutes=5)
    undo_set(db, log(db, ana, "lat-pulldown", 40, minutes=9))  # a mistaken tap, undone
    log(db, ana, "single-arm-dumbbell-row", 14, side="left", minutes=10)
    log(db, ana, "single-arm-dumbbell-row", 12, side="right", minutes=11)
    log(db, ana, "single-arm-dumbbell-row", 16, side="left", minutes=1)  # older
    loads = last_loads(db, [ana, ben], ["lat-pulldown", "single-arm-dumbbell-row"],
                       sides=["single-arm-dumbbell-row"])
    assert (loads[(ana, "lat-pulldown", None)].load_kg, loads[(ana, "lat-pulldown", None)].reps) == (32.5, 7)
    assert loads[(ana, "single-arm-dumbbell-row", "left")].load_kg == 14
    assert loads[(ana, "single-arm-dumbbell-row", "right")].load_kg == 12
    assert not any(key[0] == ben for key in loads)


def test_sheet_content_loads_and_cautions(db):
    ensure_demo(db)  # eight athletes, six weeks of logs; Dev has a disc history
    program = load_program(db, "Precision Back")
    sheet = class_sheet(db, program, 2)
    rows = {r.label: r for r in sheet.rows}
    assert rows["C1"].exercise == "Weighted hyperextension"
    assert (rows["C1"].volume, rows["C1"].tempo, rows["C1"].rest) == ("3 × 8", "4-1-1-1 (7 s a rep)", "90 s")
    assert rows["D1"].volume == "3 × 6 each side"
    assert rows["E1"].volume == "3 rounds × 8" and rows["E1"].rest == "60 s a round"
    names = [a.name for a in sheet.athletes]
    dev = sheet.athletes[names.index("Dev")]
    column = sheet.columns.index("Weighted hyperextension")
    assert dev.flagged and dev.cells[column] == "⚠ does Bird dog"
    assert any(c.startswith("Dev: Weighted hyperextension") for c in sheet.cautions)
    ana = sheet.athletes[names.index("Ana")]
    athlete_ids = {a.name: a.id for a in list_athletes(db)}
    last = last_loads(db, [athlete_ids["Ana"]], ["weighted-hyperextension"])[
        (athlete_ids["Ana"], "weighted-hyperextension", None)]
    assert ana.cells[column] == f"{last.load_kg:g} kg × {last.reps}"
    set_setting(db, "units", "lb")
    in_lb = class_sheet(db, program, 2)
    cell = in_lb.athletes[names.index("Ana")].cells[column]
    assert cell.endswith(f"lb × {last.reps}")
    assert float(cell.split()[0]) == pytest.approx(last.load_kg * 2.20462, abs=0.06)


def test_the_pdf_first_page_as_an_image_and_text(db, tmp_path):
    ensure_demo(db)
    program = load_program(db, "Precision Back")
    pdf = write_class_sheet(db, program, 1, tmp_path / "day1.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    image = first_page(pdf, tmp_path)
    # A4 landscape at 50 dpi: 297 x 210 mm
    assert abs(image.width() - 585) <= 2 and abs(image.height() - 413) <= 2
    small = image.scaled(117, 83)  # count ink on a coarse grid
    dark = sum(1 for x in range(small.width()) for y in range(small.height())
               if small.pixelColor(x, y).lightness() < 200)
    assert 0.05 < dark / (small.width() * small.height()) < 0.6
    corner = [image.pixelColor(x, y).lightness() for x in range(0, 20) for y in range(0, 20)]
    assert min(corner) > 245  # the margin is blank paper
    text = pdf_text(pdf)
    first = squeezed(text.split("\f")[0])
    for expected in ("Precision Back", "Day 1 — Scapular control", "Lat pulldown (depression first)",
                     "3 × 8", "3-1-1-2 (7 s a rep)", "Shoulders down first, then pull",
                     "3 rounds × 10", "Athletes' last loads (kg)", "Ana", "Hana"):
        assert squeezed(expected) in first, expected


def test_cli_sheet(db_url, tmp_path, capsys):
    out = tmp_path / "sheet.pdf"
    assert main(["--db", db_url, "sheet", "Precision Back", "--day", "2", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "Posterior chain" in pdf_text(out)
    assert main(["--db", db_url, "sheet", "Precision Back", "--day", "3", "--out", str(out)]) == 2
    assert "has days 1–2, not 3" in capsys.readouterr().err
    assert main(["--db", db_url, "sheet", "Precision Back", "--out",
                 str(tmp_path / "nowhere" / "x.pdf")]) == 1
    assert "there is no folder" in capsys.readouterr().err


def test_the_editor_prints_the_selected_day(qtbot, db, tmp_path):
    editor = ProgramEditor(TrainerContext(db))
    qtbot.addWidget(editor)
    editor.select((1, 0))
    assert editor.print_sheet(str(tmp_path / "from-editor.pdf"))
    assert "Posterior chain" in pdf_text(tmp_path / "from-editor.pdf")
    editor.select((1, 0, 0))
    editor.item_form.volume_kind.setCurrentIndex(editor.item_form.volume_kind.findData("reps"))
    editor.item_form.volume_kind.activated.emit(editor.item_form.volume_kind.currentIndex())
    assert not editor.review.ok  # reps on a breath drill
    assert not editor.print_sheet(str(tmp_path / "broken.pdf"))
    assert "Fix the problems first" in editor.banner.text()
    assert not (tmp_path / "broken.pdf").exists()


def test_once_athletes_check_in_the_sheet_lists_them_only(db):
    from backbeat.store.checkins import check_in

    ensure_demo(db)
    program = load_program(db, "Precision Back")
    everyone = class_sheet(db, program, 1, today=T0.date())
    assert len(everyone.athletes) == 8 and everyone.roster == "all active athletes"
    ids = {a.name: a.id for a in list_athletes(db)}
    check_in(db, ids["Ana"], day=T0.date())
    check_in(db, ids["Dev"], day=T0.date())
    class_now = class_sheet(db, program, 1, today=T0.date())
    assert [a.name for a in class_now.athletes] == ["Ana", "Dev"]
    assert class_now.roster == "checked in today"


def test_barbell_lifts_get_each_athletes_warm_up_ramp(db, tmp_path):
    from backbeat.domain.equipment import STARTER_EQUIPMENT
    from backbeat.domain.program import parse_program
    from backbeat.store.equipment import save_equipment

    save_equipment(db, STARTER_EQUIPMENT)
    program = parse_program(json.dumps({"format": "backbeat.program/1", "name": "Hinge day", "days": [
        {"name": "Day 1", "blocks": [{"name": "Main", "kind": "straight", "items": [
            {"exercise": "romanian-deadlift", "sets": 3, "reps": 8, "tempo": "3-1-1-1",
             "load": {"kind": "kg", "value": 60}},
            {"exercise": "lat-pulldown", "sets": 3, "reps": 8}]}]}]}), "test")
    ana, ben, cai = add_athlete(db, "Ana"), add_athlete(db, "Ben"), add_athlete(db, "Cai")
    log(db, ana, "romanian-deadlift", 80)
    log(db, ben, "romanian-deadlift", 61)  # not a load this gym builds: the nearest is used
    log(db, cai, "lat-pulldown", 40)  # no barbell history: no ramp
    sheet = class_sheet(db, program, 1)
    assert sheet.warmups == [
        ("Romanian deadlift", "Ana → 80 kg: bar · 35 · 52.5 · 67.5"),
        ("Romanian deadlift", "Ben → 60 kg: bar · 27.5 · 40 · 50"),
    ]
    pdf = write_class_sheet(db, program, 1, tmp_path / "hinge.pdf")
    text = squeezed(pdf_text(pdf))
    assert squeezed("Ana → 80 kg: bar · 35 · 52.5 · 67.5") in text
    set_setting(db, "units", "lb")
    assert class_sheet(db, program, 1).warmups[0][1].startswith("Ana → 176.4 lb: bar · 77.2")


def test_a_letter_gym_gets_its_sheet_on_letter_paper(db, tmp_path):
    ensure_demo(db)
    set_setting(db, "paper", "Letter")
    pdf = write_class_sheet(db, load_program(db, "Precision Back"), 1, tmp_path / "letter.pdf")
    image = first_page(pdf, tmp_path)
    # Letter landscape at 50 dpi: 11 x 8.5 in
    assert abs(image.width() - 550) <= 2 and abs(image.height() - 425) <= 2
    assert "Precision Back" in pdf_text(pdf)
