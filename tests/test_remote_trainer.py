"""The trainer's Remote tab: the code a serving TV shows, paired phones revoked
from the desk, and the setting that turns the remote on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backbeat.store.remote import device_for_token, pair_device, show_code
from backbeat.store.settings import get_setting
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.remote_tab import RemoteTab


def test_the_tab_shows_the_code_and_revokes_a_phone(qtbot, db):
    soon = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=90)
    show_code(db, "tv@front", "482913", soon, "http://10.0.0.5:8088/")
    token = pair_device(db, "tv@front", "Coach's Pixel")
    tab = RemoteTab(TrainerContext(db))
    qtbot.addWidget(tab)
    tab.on_shown()
    assert "482 913" in tab.code.text() and "tv@front" in tab.code.text()
    assert tab.qr.text == "http://10.0.0.5:8088/#pair=482913"
    assert tab.table.rowCount() == 1 and tab.table.item(0, 0).text() == "Coach's Pixel"
    tab.table.selectRow(0)
    tab.revoke_chosen()
    assert device_for_token(db, token) is None
    assert "(revoked)" in tab.table.item(0, 0).text()


def test_no_tv_serving_says_how_to_start_one(qtbot, db):
    tab = RemoteTab(TrainerContext(db))
    qtbot.addWidget(tab)
    assert "No TV serves the remote now" in tab.code.text() and tab.qr.text == ""


def test_the_setting_is_checked_before_it_is_saved(qtbot, db):
    tab = RemoteTab(TrainerContext(db))
    qtbot.addWidget(tab)
    tab.enabled.setChecked(True)
    tab.address.setText("0.0.0.0:eighty")
    tab.save_settings()
    assert "port must be a number" in tab.message.text()
    assert get_setting(db, "remote.enabled") is False
    tab.address.setText("0.0.0.0:8090")
    tab.save_settings()
    assert get_setting(db, "remote.enabled") is True and get_setting(db, "remote.address") == "0.0.0.0:8090"
