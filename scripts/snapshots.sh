#!/usr/bin/env bash
# Regenerates the screenshots in docs/screenshots/ (generated: do not edit by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
tmp=$(mktemp -d)
export BACKBEAT_DATA_DIR="$tmp"
bb=".venv/bin/backbeat --db sqlite:///$tmp/snap.db"
out=docs/screenshots
$bb snapshot tv --at 430 --size 1920x1080 --out $out/tv-work-1080p.png
$bb snapshot tv --at 1085 --size 1920x1080 --out $out/tv-rest-1080p.png
$bb snapshot tv --at 12 --size 1920x1080 --out $out/tv-breath-1080p.png
$bb snapshot tv --at 1000 --size 3840x2160 --out $out/tv-unilateral-4k.png
$bb snapshot tv --at 1000 --size 1280x720 --paused --out $out/tv-paused-720p.png
$bb snapshot tv --at 300 --size 1920x1080 --paused --remote-code 482913 --out $out/tv-paused-remote-1080p.png
# the phone remote's page in a real headless Chromium, at a phone's and a tablet's size
BACKBEAT_REMOTE_SHOTS=$PWD/$out .venv/bin/python -m pytest -q -p no:cacheprovider -p no:randomly \
  tests/test_remote_browser.py >/dev/null
# trainer: the demo gym (athletes, a disc-history screening, six weeks of logs) in its own database
tdb="sqlite:///$tmp/trainer.db"
.venv/bin/python -c "import sys; from backbeat.store.seed import open_database; from backbeat.store.demo import ensure_demo, check_in_demo_athletes; db = open_database(sys.argv[1]); ensure_demo(db); check_in_demo_athletes(db)" "$tdb"
# the TV's rest with the checked-in athletes' loads for the coming set
.venv/bin/backbeat --db "$tdb" snapshot tv --at 1085 --size 1920x1080 --out $out/tv-rest-board-1080p.png
# day 2's weighted hyperextension with Ana flagged for the shot (Dev is, by screening): who swaps
.venv/bin/backbeat --db "$tdb" snapshot tv --day 2 --at 600 --flag Ana --size 1920x1080 --out $out/tv-rest-caution-1080p.png
.venv/bin/backbeat --db "$tdb" snapshot tv --day 2 --at 520 --flag Ana --size 1280x720 --out $out/tv-work-caution-720p.png
# the coach's board in a class: sets logged so far (✓✓·), a flagged athlete's swap
at=$(.venv/bin/python scripts/board_class.py --db "$tdb")
.venv/bin/backbeat --db "$tdb" snapshot tv --at "$at" --day 2 --size 1920x1080 --out $out/tv-rest-board-sets-1080p.png
# between classes: the timetable's next class, its countdown and who is checked in
when=$(.venv/bin/python scripts/timetable_class.py --db "$tdb")
.venv/bin/backbeat --db "$tdb" snapshot tv --between-classes --station tv-front --now "$when" --size 1920x1080 --out $out/tv-between-classes-1080p.png
.venv/bin/backbeat --db "$tdb" snapshot trainer --tab Programs --day 2 --size 1600x1000 --out $out/trainer-program-editor.png
.venv/bin/backbeat --db "$tdb" snapshot trainer --tab Library --size 1600x1000 --out $out/trainer-library.png
.venv/bin/backbeat --db "$tdb" sheet "Precision Back" --day 1 --out "$tmp/class-sheet.pdf"
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$tmp/class-sheet.pdf" $out/class-sheet-day1
# athletes and progress: the demo gym plus 30,000 sets of classes from scripts/make_logs.py
.venv/bin/python scripts/make_logs.py --db "$tdb" --logs 30000 --athletes 10 >/dev/null
.venv/bin/backbeat --db "$tdb" snapshot trainer --tab Athletes --size 1600x1000 --out $out/trainer-athletes.png
.venv/bin/backbeat --db "$tdb" snapshot trainer --tab Progress --size 1920x1080 --out $out/trainer-progress.png
rm -rf "$tmp"
# the athletes' kiosk, on the demo gym in a throw-away database (--at S: the TV's class is at S)
kt=$(mktemp -d)
for size in 1280x800 1920x1080; do
  BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view roster --at 1000 --size $size --out $out/kiosk-roster-$size.png
  BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view log --at 1000 --size $size --out $out/kiosk-log-$size.png
done
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view caution --size 1280x800 --out $out/kiosk-caution-1280x800.png
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view checkin --at 1000 --size 1280x800 --out $out/kiosk-checkin-1280x800.png
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view change --size 1280x800 --out $out/kiosk-change-1280x800.png
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view pin --size 1280x800 --out $out/kiosk-pin-1280x800.png
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view double-tap --size 1280x800 --out $out/kiosk-double-tap-1280x800.png
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view substitute --at 546 --day 2 --size 1280x800 --out $out/kiosk-substitute-1280x800.png
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view roster --at 20 --size 1280x800 --out $out/kiosk-roster-now-breathing-1280x800.png
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view choose-class --size 1280x800 --out $out/kiosk-choose-class-1280x800.png
BACKBEAT_DATA_DIR="$kt" .venv/bin/backbeat snapshot kiosk --view tv-offline --at 1000 --size 1280x800 --out $out/kiosk-tv-offline-1280x800.png
# one class on two TVs and a kiosk at one instant (the README's gym section)
BACKBEAT_DATA_DIR="$kt" .venv/bin/python scripts/gym_screens.py $out/gym-two-tvs-kiosk.png
rm -rf "$kt"
# the first-start set-up, page by page (and the number a screen shows)
st=$(mktemp -d)
BACKBEAT_DATA_DIR="$st" .venv/bin/python -c "import sys; from backbeat.store.db import Database; from backbeat.ui.first_run import PAGES, snapshot_setup; db = Database(sys.argv[1]); [snapshot_setup(db, p, f'{sys.argv[2]}/setup-{p}.png') for p in PAGES]" "sqlite:///$st/setup.db" "$out"
rm -rf "$st"
