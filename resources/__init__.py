"""Installed, this folder is the package ``backbeat.resources`` (pyproject.toml
maps it there), so ``importlib.resources`` finds the library, programs and
schema in a wheel, an editable install and a frozen bundle alike."""
