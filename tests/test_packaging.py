import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

PKG = Path(__file__).parents[1] / "packaging"


def test_desktop_entry_is_well_formed():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PKG / "backbeat.desktop")
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application" and main["Exec"].startswith("backbeat ")
    for action in main["Actions"].strip(";").split(";"):
        assert entry[f"Desktop Action {action}"]["Exec"].startswith("backbeat ")
    assert main["Categories"].endswith(";")


def test_appstream_metadata_names_the_desktop_entry():
    root = ET.parse(PKG / "io.backbeat.Backbeat.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == "io.backbeat.Backbeat"
    assert root.find("launchable").text == "backbeat.desktop"
    assert root.findtext("provides/binary") == "backbeat"
    assert root.findtext("summary") and root.find("description/p") is not None


def test_frozen_bundle_carries_resources_sounds_and_migrations():
    spec = (PKG / "backbeat.spec").read_text()
    for folder in ('"resources"', '"sounds"', '"migrations"'):
        assert folder in spec
