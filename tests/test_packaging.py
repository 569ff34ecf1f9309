"""The packaging files a desktop reads: validated by the desktop's own tools
(desktop-file-validate, appstreamcli), installed by install-desktop.sh with
the icons they name, and the PyInstaller spec's promises (data in, Quick/QML
and GTK out, no console)."""

import configparser
import os
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

PKG = Path(__file__).parents[1] / "packaging"
ICONS = Path(__file__).parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def test_desktop_entry_passes_desktop_file_validate():
    r = subprocess.run(["desktop-file-validate", str(PKG / "backbeat.desktop")],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "", r.stdout + r.stderr


def test_appstream_metadata_passes_appstreamcli_validate():
    r = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain",
                        str(PKG / "io.backbeat.Backbeat.metainfo.xml")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Validation was successful" in r.stdout
    assert "E:" not in r.stdout and "W:" not in r.stdout and "I:" not in r.stdout, r.stdout


def test_desktop_entry_and_appstream_agree():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PKG / "backbeat.desktop")
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application" and main["Exec"].startswith("backbeat ")
    for action in main["Actions"].strip(";").split(";"):
        assert entry[f"Desktop Action {action}"]["Exec"].startswith("backbeat ")
    root = ET.parse(PKG / "io.backbeat.Backbeat.metainfo.xml").getroot()
    assert root.findtext("id") == "io.backbeat.Backbeat"
    assert root.find("launchable").text == "backbeat.desktop"
    assert root.findtext("provides/binary") == "backbeat"
    assert root.findtext("icon") == main["Icon"] == "backbeat"


def test_the_icon_is_an_svg_and_a_png_at_every_usual_size():
    ET.parse(ICONS / "backbeat.svg")  # well-formed
    for size in SIZES:
        head = (ICONS / f"backbeat-{size}.png").read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", head[16:24]) == (size, size)


def test_install_desktop_puts_entry_icons_and_autostart_in_place(tmp_path):
    exe = tmp_path / "bundle" / "backbeat"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    r = subprocess.run(["bash", str(PKG / "install-desktop.sh"), "--exec", str(exe),
                        "--autostart", "tv", "--autostart", "kiosk"], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    share = home / ".local" / "share"
    desktop = (share / "applications" / "backbeat.desktop").read_text()
    assert f"Exec={exe} tv" in desktop and f"Exec={exe} kiosk" in desktop
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "backbeat.svg").is_file()
    for size in SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "backbeat.png").is_file()
    assert (share / "metainfo" / "io.backbeat.Backbeat.metainfo.xml").is_file()
    for face in ("tv", "kiosk"):
        auto = home / ".config" / "autostart" / f"backbeat-{face}.desktop"
        assert f"Exec={exe} {face}\n" in auto.read_text()
        v = subprocess.run(["desktop-file-validate", str(auto)], capture_output=True, text=True)
        assert v.returncode == 0 and v.stdout.strip() == "", v.stdout
    bad = subprocess.run(["bash", str(PKG / "install-desktop.sh"), "--exec", str(exe), "--autostart", "trainer"],
                         env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "tv or kiosk" in bad.stderr


def test_frozen_bundle_spec_carries_the_data_and_leaves_quick_qml_gtk_out():
    spec = (PKG / "backbeat.spec").read_text()
    for data in ('"backbeat/resources"', '"backbeat/sounds"', '"backbeat/store/migrations"'):
        assert data in spec
    for out in ('"PySide6.QtQml"', '"PySide6.QtQuick"', '"libqgtk3"', '"libgtk-3"'):
        assert out in spec
    assert "console=False" in spec


def test_every_window_carries_the_icon(qapp):
    from backbeat.ui.application import app_icon, application

    icon = app_icon()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(n, n) for n in SIZES} <= sizes
    assert not application().windowIcon().isNull()
