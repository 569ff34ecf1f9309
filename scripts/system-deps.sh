#!/usr/bin/env bash
# System packages Backbeat needs on Debian/Ubuntu, by what the machine does:
#   system-deps.sh [GROUP ...]   (default: runtime)
#   runtime      running Backbeat: ALSA and PortAudio (sound), the xcb, EGL and
#                font libraries Qt's xcb platform loads, python3-venv, espeak-ng
#                (the spoken exercise names and cues).
#   simpleaudio  building the simpleaudio backend from source (it has no wheels
#                for current Pythons): a C compiler, ALSA's headers and the
#                Python headers (only when the interpreter lacks Python.h).
#   test         the suite: Xvfb for real-window tests, poppler (class sheet
#                PDFs), PostgreSQL (a throw-away server), appstream and
#                desktop-file-utils (packaging files validated), faketime,
#                Chromium and its driver (the phone remote's page, in a real browser).
#                systemd (systemd-analyze checks the nightly backup timer).
#   package      the frozen bundle (make package): binutils for PyInstaller.
#   bench        make bench: PulseAudio, its tools and ALSA plugin (the audio
#                benchmark plays the TV into a null sink and records its monitor).
# "a|b" entries: either package will do (renamed across releases).
# Installs what is missing when run as root, else prints the apt-get line.
# PYTHON names the interpreter whose headers count (default python3).
set -euo pipefail
groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(runtime)
PKGS=()
for g in "${groups[@]}"; do
  case "$g" in
    runtime)
      PKGS+=(libasound2t64\|libasound2 libportaudio2 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
             libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxkbcommon-x11-0
             libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core python3-venv espeak-ng) ;;
    simpleaudio)
      PKGS+=(gcc libc6-dev libasound2-dev)
      py=${PYTHON:-python3}
      inc=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null || true)
      [ -n "$inc" ] && [ -f "$inc/Python.h" ] || PKGS+=(python3-dev) ;;
    test)
      PKGS+=(xvfb xauth poppler-utils postgresql appstream desktop-file-utils faketime
             chromium chromium-driver systemd) ;;
    package)
      PKGS+=(binutils) ;;
    bench)
      PKGS+=(pulseaudio pulseaudio-utils libasound2-plugins) ;;
    *) echo "system-deps: unknown group '$g' (runtime, simpleaudio, test, package, bench)" >&2; exit 2 ;;
  esac
done
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian/Ubuntu system; install the equivalents of: ${PKGS[*]}"; exit 0; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for entry in "${PKGS[@]}"; do  # "a|b": either will do (renamed across releases)
  IFS='|' read -r -a alts <<<"$entry"
  found=""
  for p in "${alts[@]}"; do installed "$p" && found=1 && break; done
  [ -n "$found" ] && continue
  pick=${alts[-1]}
  for p in "${alts[@]}"; do
    apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]' && pick=$p && break
  done
  missing+=("$pick")
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
