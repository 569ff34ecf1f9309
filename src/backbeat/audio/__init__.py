"""Cue audio: render a class's cues from sounds/ into one buffer at exact
sample offsets (numpy) and play it (simpleaudio), or say why it cannot."""
