"""An installed wheel (not a checkout) finds its resources, sounds and
migrations: the build copies resources/ and sounds/ into backbeat/_data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_installed_wheel_finds_its_assets(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    [wheel] = wheels.glob("backbeat-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=600)
    code = (
        "import backbeat.paths as p, json;"
        "from backbeat.store.db import Database;"
        "from backbeat.store.programs import list_programs;"
        "db = Database('sqlite:///' + __import__('sys').argv[1]);"
        "print(json.dumps([str(p.resources_dir()), str(p.sounds_dir()), list_programs(db)]))"
    )
    env = {**os.environ, "PYTHONPATH": str(target), "BACKBEAT_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "w.db")], cwd=tmp_path, env=env,
                         check=True, capture_output=True, text=True, timeout=120).stdout
    resources, sounds, programs = __import__("json").loads(out)
    assert resources.startswith(str(target)) and sounds.startswith(str(target))
    assert programs == ["Precision Back"]
