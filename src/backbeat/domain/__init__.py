"""Pure rules of the class: tempo, breath, exercises, programs, progression.

No Qt and no SQL may be imported here (enforced by import-linter).
"""
