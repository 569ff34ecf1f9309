#!/usr/bin/env bash
# System packages Backbeat needs on Debian/Ubuntu: ALSA headers (simpleaudio
# builds against them), the xcb libraries Qt's xcb platform loads, Xvfb for
# real-window tests, fonts, PostgreSQL (the multi-station tests run a throw-away server). Installs them when run as root, else prints the line.
set -euo pipefail
PKGS=(libasound2-dev libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
      libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxkbcommon-x11-0
      libegl1 libgl1 libfontconfig1 libdbus-1-3 xvfb xauth fonts-dejavu-core python3-venv
      poppler-utils postgresql)
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian/Ubuntu system; install the equivalents of: ${PKGS[*]}"; exit 0; }
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Backbeat needs these system packages. Run:"
  echo "  sudo apt-get install ${missing[*]}"
  exit 1
fi
