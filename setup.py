"""Copies resources/ and sounds/ into the wheel as backbeat/_data, where
backbeat.paths looks for them when Backbeat runs from an installed wheel.
(Everything else about the build is in pyproject.toml.)"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildWithData(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "backbeat" / "_data"
        for folder in ("resources", "sounds"):
            shutil.copytree(HERE / folder, target / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
