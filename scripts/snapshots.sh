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
rm -rf "$tmp"
