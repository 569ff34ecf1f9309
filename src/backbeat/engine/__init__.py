"""The class timeline: compile a program day into timed segments and cues, and
run it against a monotonic clock. No Qt, no SQL (enforced by import-linter)."""
