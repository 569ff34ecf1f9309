"""The gym's equipment (bars, plate pairs, dumbbell steps, bands), kept as one setting.

Nothing recorded means any load goes: progression and the kiosk then say
nothing about plates. The rules for what can be built are in
``domain/equipment.py``.
"""

from __future__ import annotations

from backbeat.domain.equipment import Equipment
from backbeat.domain.errors import first_refusal
from backbeat.store.db import Database
from backbeat.store.settings import get_setting, set_setting


def get_equipment(db: Database) -> Equipment:
    value = get_setting(db, "equipment")
    return Equipment() if value is None else Equipment.model_validate(value)


def parse_equipment(data: dict) -> Equipment:
    """Refuse equipment naming the first bad field, as the trainer's form shows it."""
    return first_refusal(Equipment, data, "equipment")


def save_equipment(db: Database, equipment: Equipment | dict) -> Equipment:
    if isinstance(equipment, dict):
        equipment = parse_equipment(equipment)
    set_setting(db, "equipment", equipment.model_dump(mode="json"))
    return equipment
