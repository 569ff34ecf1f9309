"""Installed, this folder is the package ``backbeat.sounds`` (pyproject.toml
maps it there), so ``importlib.resources`` finds the cue sounds in a wheel, an
editable install and a frozen bundle alike."""
