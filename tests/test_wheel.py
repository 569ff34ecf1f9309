"""What a gym installs: ``python -m build`` makes the sdist, then the wheel
from the sdist (not from the checkout), and that wheel, installed into a fresh
venv, runs from outside the checkout with its own resources and sounds."""

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def test_every_package_in_the_source_tree_is_listed_for_the_build():
    """pyproject names its packages (resources/ and sounds/ are mapped in), so a
    new folder under src/backbeat/ must be added there or the wheel lacks it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    src = ROOT / "src"
    found = {".".join(init.parent.relative_to(src).parts) for init in src.rglob("__init__.py")}
    listed = set(config["packages"])
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - found == {"backbeat.resources", "backbeat.sounds"}
    assert config["package-dir"] == {"": "src", "backbeat.resources": "resources",
                                     "backbeat.sounds": "sounds"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "-o", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    [sdist] = out.glob("backbeat-*.tar.gz")
    [wheel] = out.glob("backbeat-*.whl")
    return sdist, wheel


def test_the_sdist_carries_resources_sounds_and_the_license(built):
    sdist, wheel = built
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"LICENSE", "resources/library.json", "resources/programs/precision-back.json",
            "sounds/tick.wav", "src/backbeat/store/migrations/script.py.mako"} <= names
    assert "setup.py" not in names
    inside = set(zipfile.ZipFile(wheel).namelist())
    assert {"backbeat/resources/library.json", "backbeat/sounds/voice_go.wav",
            "backbeat/store/migrations/env.py", "backbeat-0.1.0.dist-info/licenses/LICENSE"} <= inside
    metadata = zipfile.ZipFile(wheel).read("backbeat-0.1.0.dist-info/METADATA").decode()
    required = [line.split(":", 1)[1].strip() for line in metadata.splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line]
    # Installs without a compiler (simpleaudio is an extra) and without Qt's Addons
    assert required and not [r for r in required if r.startswith(("simpleaudio", "PySide6 ", "PySide6>",
                                                                   "PySide6-Addons", "pyside6"))]
    assert any(r.startswith("PySide6-Essentials") for r in required)
    assert 'simpleaudio-patched>=1.0.5; extra == "simpleaudio"' in metadata


@pytest.mark.slow
def test_the_wheel_built_from_the_sdist_runs_from_a_fresh_venv(built, tmp_path):
    _sdist, wheel = built
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    fresh_site = Path(subprocess.run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip())
    # The dependencies (Qt, numpy, …) come from this venv's site-packages, read
    # as a plain path: its .pth files (the checkout's editable install) are not run.
    (fresh_site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    # No index: pip must find every dependency the wheel declares already there.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                    "-q", "--no-index", str(wheel)], check=True, capture_output=True, timeout=600)
    env = {**os.environ, "BACKBEAT_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    backbeat = str(venv / "bin" / "backbeat")

    def run(*args):
        return subprocess.run([backbeat, *args], cwd=tmp_path, env=env, check=True,
                              capture_output=True, text=True, timeout=120).stdout

    assert run("--version").strip() == "backbeat 0.1.0"
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import backbeat.paths as p, backbeat;"
         "print(json.dumps([backbeat.__file__, str(p.resources_dir()), str(p.sounds_dir())]))"
         .replace("json.dumps", "__import__('json').dumps")],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout
    for path in json.loads(where):
        assert path.startswith(str(fresh_site)), path
    plan = json.loads(run("plan", "Precision Back", "--json"))
    assert plan["program"] == "Precision Back" and plan["cues"]
    run("snapshot", "tv", "--at", "30", "--out", str(tmp_path / "tv.png"))
    assert (tmp_path / "tv.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
