#!/usr/bin/env bash
# Puts Backbeat in the desktop's menu (and, asked, in its autostart):
#   packaging/install-desktop.sh [--prefix DIR] [--exec PROGRAM] [--autostart tv|kiosk]...
# --prefix   where share/ lives: ~/.local (default, this user) or /usr/local (root)
# --exec     the backbeat program: the bundle's dist/backbeat/backbeat or a venv's
#            bin/backbeat (default: the one on PATH)
# --autostart tv | kiosk   start that face when this user logs in ($XDG_CONFIG_HOME/autostart,
#            or /etc/xdg/autostart with a system prefix)
# Installs backbeat.desktop, the AppStream file and the icons (SVG + PNG sizes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
icons="$here/../resources/icons"
prefix="${HOME}/.local"
exe=""
autostart=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --exec) exe=$2; shift 2 ;;
    --autostart)
      case "$2" in tv|kiosk) autostart+=("$2") ;; *) echo "install-desktop: --autostart takes tv or kiosk, not '$2'" >&2; exit 2 ;; esac
      shift 2 ;;
    *) echo "install-desktop: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$exe" ]; then
  exe=$(command -v backbeat || true)
  [ -n "$exe" ] || { echo "install-desktop: no backbeat on PATH; name it with --exec" >&2; exit 2; }
fi
[ -x "$exe" ] || { echo "install-desktop: $exe is not an executable program" >&2; exit 2; }
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
share="$prefix/share"
install -d "$share/applications" "$share/metainfo" "$share/icons/hicolor/scalable/apps"
sed "s|^Exec=backbeat |Exec=$exe |" "$here/backbeat.desktop" > "$share/applications/backbeat.desktop"
install -m 644 "$here/io.backbeat.Backbeat.metainfo.xml" "$share/metainfo/"
install -m 644 "$icons/backbeat.svg" "$share/icons/hicolor/scalable/apps/backbeat.svg"
for png in "$icons"/backbeat-*.png; do
  n=$(basename "$png" .png); n=${n#backbeat-}
  install -d "$share/icons/hicolor/${n}x${n}/apps"
  install -m 644 "$png" "$share/icons/hicolor/${n}x${n}/apps/backbeat.png"
done
if [ ${#autostart[@]} -gt 0 ]; then
  if [ "$prefix" = "${HOME}/.local" ]; then dir="${XDG_CONFIG_HOME:-$HOME/.config}/autostart"; else dir=/etc/xdg/autostart; fi
  install -d "$dir"
  for face in "${autostart[@]}"; do
    cat > "$dir/backbeat-$face.desktop" <<ENTRY
[Desktop Entry]
Type=Application
Name=Backbeat $face
Comment=Starts the Backbeat $face when this computer's user logs in
Exec=$exe $face
Icon=backbeat
Terminal=false
X-GNOME-Autostart-enabled=true
ENTRY
    echo "autostart: $dir/backbeat-$face.desktop"
  done
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "installed Backbeat's menu entry, AppStream file and icons under $share (program: $exe)"
