"""What the Equipment and Timetable tabs share: a form over one stored value.

A tab mixing this in has ``self.message`` (a QLabel), ``self.saved`` and
``unsaved_changes()``, and says how to read the stored value and show one;
loading, refreshing when shown (unless there are unsaved edits) and the
message's colours are here.
"""

from __future__ import annotations

from backbeat.ui import theme


class SavedForm:
    def read_saved(self):
        raise NotImplementedError

    def show_value(self, value) -> None:
        raise NotImplementedError

    def load(self) -> None:
        self.saved = self.read_saved()
        self.show_value(self.saved)
        self.message.setText("")

    def on_shown(self) -> None:
        if self.unsaved_changes() is None:
            self.load()

    def tell(self, text: str, *, problem: bool = False) -> None:
        self.message.setStyleSheet(theme.PROBLEM_STYLE if problem else theme.DONE_STYLE)
        self.message.setText(text)
