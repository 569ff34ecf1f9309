"""The log-a-set screen: what to do, steppers to say what was done, one LOG tap.

A view: it holds the values being entered and shows what the kiosk window
tells it (class set, suggestion, caution, history, saved/refused). Rules
are checked by the window with :func:`backbeat.domain.setlog.check_set`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from backbeat.domain.athlete import Athlete, Caution
from backbeat.domain.equipment import Kind, LoadMenu, warmup_ramp
from backbeat.domain.exercise import Exercise, Laterality, Side
from backbeat.domain.setlog import (
    HOLD_STEP_S,
    LOAD_STEPS,
    Units,
    format_load,
    kg_to_units,
    set_words,
    step_load,
)
from backbeat.store.logs import LoggedSet
from backbeat.ui.kiosk.widgets import Banner, ChoiceRow, Stepper, button, label

HISTORY_ROWS = 4


class _History(QFrame):
    """LAST SETS: the rows that fit its height whole (the newest first); the others
    are left out, never squeezed under their letters (a long caution above it leaves
    less room)."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "panel")
        # it takes the room the page has left, whatever its rows would like
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        col = QVBoxLayout(self)
        col.setContentsMargins(16, 10, 16, 10)
        col.setSpacing(2)
        self.caption = label("LAST SETS", "caption")
        col.addWidget(self.caption)
        self.rows = [label("", "history") for _ in range(HISTORY_ROWS)]
        for lab in self.rows:  # long lines are cut, never widen the screen
            lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            col.addWidget(lab)
        col.addStretch(1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        col = self.layout()
        margins = col.contentsMargins()
        room = self.height() - margins.top() - margins.bottom() - self.caption.sizeHint().height()
        for i, lab in enumerate(self.rows):
            need = lab.sizeHint().height() + col.spacing()
            show = (i == 0 or bool(lab.text())) and room >= need
            lab.setVisible(show)
            if show:
                room -= need


@dataclass
class SetForm:
    """What the athlete is about to log (load in kg)."""

    reps: int
    load_kg: float | None
    side: str | None = None
    effort: float | None = None
    form: int | None = None
    #: a timed hold: the seconds held (the stepper counts them instead of reps)
    hold_s: int | None = None


class LogPage(QWidget):
    log_tapped = Signal()
    undo_tapped = Signal()
    done_tapped = Signal()
    change_tapped = Signal()
    swap_tapped = Signal()  # take the substitute the kiosk offers
    side_changed = Signal(object)  # the athlete tapped LEFT or RIGHT
    next_set_tapped = Signal()  # the double-tap question: yes, my next set
    mistake_tapped = Signal()  # the double-tap question: no, a mistake

    def __init__(self, units: Units):
        super().__init__()
        self.units = units
        self.exercise: Exercise | None = None
        self.form = SetForm(reps=8, load_kg=None)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 18)
        outer.setSpacing(12)

        top = QHBoxLayout()
        self.done_button = button("◀  DONE", "", self.done_tapped.emit, name="done")
        # a long name and a long exercise break over two lines, never cropped
        self.athlete_label = label("", "heading", wrap=True)
        self.athlete_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.change_button = button("CHANGE", "", self.change_tapped.emit, name="change")
        top.addWidget(self.done_button)
        top.addSpacing(16)
        top.addWidget(self.athlete_label, 1)
        top.addWidget(self.change_button)
        outer.addLayout(top)
        # the exercise and what the class prescribes, under the name
        line = QHBoxLayout()
        line.setSpacing(18)
        self.set_label = label("", "heading")
        self.prescription_label = label("", "muted", wrap=True)
        line.addWidget(self.set_label)
        line.addWidget(self.prescription_label, 1)
        outer.addLayout(line)
        self.caution = Banner()
        self.caution.text_label.setProperty("role", "history")
        outer.addWidget(self.caution)

        main = QHBoxLayout()
        main.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(14)
        self.side_row = ChoiceRow("", [(Side.LEFT.value, "LEFT"), (Side.RIGHT.value, "RIGHT")],
                                  optional=False)
        self.side_row.changed.connect(self._side_changed)
        self.reps_stepper = Stepper("")
        self.reps_stepper.stepped.connect(self._step_reps)
        small, big = LOAD_STEPS[units]
        self.load_stepper = Stepper("", small=f"{small:g}", big=f"{big:g}")
        self.load_stepper.stepped.connect(self._step_load)
        left.addWidget(self.side_row)
        left.addWidget(self.reps_stepper)
        left.addWidget(self.load_stepper)
        # how to build the load on the stepper: plates per side or the dumbbell; the
        # nearest two buildable loads when it cannot be made; the warm-up for barbell lifts
        self.build_panel = QFrame()
        self.build_panel.setProperty("role", "panel")
        build_col = QVBoxLayout(self.build_panel)
        build_col.setContentsMargins(16, 8, 16, 8)
        build_col.setSpacing(6)
        # the words and the two nearest loads side by side: the panel stays one row high
        near = QHBoxLayout()
        near.setSpacing(12)
        self.build_label = label("", "heading", wrap=True)
        self.build_label.setObjectName("build")
        near.addWidget(self.build_label, 1)
        self.nearest_buttons = [button("", "choice", name=f"nearest_{i}") for i in range(2)]
        for i, b in enumerate(self.nearest_buttons):
            b.clicked.connect(lambda _=False, i=i: self._take_nearest(i))
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            near.addWidget(b)
        build_col.addLayout(near)
        self.warmup_label = label("", "history", wrap=True)
        self.warmup_label.setObjectName("warmup")
        build_col.addWidget(self.warmup_label)
        self.build_panel.hide()
        self.menu: LoadMenu | None = None
        self._nearest: list[float] = []
        left.addWidget(self.build_panel)
        left.addStretch(1)
        main.addLayout(left, 11)

        right = QVBoxLayout()
        right.setSpacing(14)
        self.effort_row = ChoiceRow("EFFORT (RPE) — optional", [(v, str(v)) for v in (6, 7, 8, 9, 10)])
        self.effort_row.changed.connect(lambda v: setattr(self.form, "effort", v))
        self.form_row = ChoiceRow("FORM — optional", [(v, str(v)) for v in (1, 2, 3, 4, 5)])
        self.form_row.changed.connect(lambda v: setattr(self.form, "form", v))
        right.addWidget(self.effort_row)
        right.addWidget(self.form_row)
        history = _History()
        self.history_labels = history.rows
        # the double-tap question takes the place of LAST SETS (it names the set it is
        # about), right over its answers: nothing on the page moves when it comes or goes
        self.question = Banner()
        self.question.text_label.setProperty("role", "title")
        self.question.text_label.setObjectName("question")
        self.history_or_question = QStackedWidget()
        self.history_or_question.addWidget(history)
        self.history_or_question.addWidget(self.question)
        right.addWidget(self.history_or_question, 1)
        main.addLayout(right, 10)
        outer.addLayout(main, 1)
        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        self.message = Banner()
        self.undo_button = button("UNDO", "undo", self.undo_tapped.emit, name="undo")
        self.undo_button.hide()
        self.log_button = button("LOG SET", "primary", self.log_tapped.emit, name="log")
        self.log_button.setMinimumWidth(360)
        # a second tap of the same set within 20 s asks first, with one tap
        self.next_set_button = button("YES, MY NEXT SET", "primary", self.next_set_tapped.emit,
                                      name="next_set")
        self.mistake_button = button("NO, A MISTAKE", "undo", self.mistake_tapped.emit,
                                     name="mistake")
        self.next_set_button.hide()
        self.mistake_button.hide()
        # a flagged athlete without the coach's swap: the safe substitute, one tap away
        self.swap_button = button("DO IT INSTEAD", "", self.swap_tapped.emit, name="swap")
        self.swap_button.hide()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.swap_button)
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.mistake_button)
        bottom.addWidget(self.next_set_button)
        bottom.addWidget(self.log_button)
        outer.addLayout(bottom)
        self.status_label = label("", "muted", wrap=True)
        self.status_label.hide()
        outer.addWidget(self.status_label)

    # --- filled in by the window --------------------------------------------------
    def open(self, athlete: Athlete, exercise: Exercise, *, set_text: str, prescription: str,
             form: SetForm, caution: Caution | None, caution_text: str = "",
             menu: LoadMenu | None = None, offered: Exercise | None = None) -> None:
        self.exercise = exercise
        self.form = form
        self.menu = menu
        self.athlete_label.setText(f"{athlete.name}  ·  {exercise.name}")
        self.set_label.setText(set_text)
        self.set_label.setVisible(bool(set_text))
        self.prescription_label.setText(prescription)
        self.prescription_label.setVisible(bool(prescription))
        if caution is not None:
            self.caution.show_message("caution", caution_text)
        else:
            self.caution.clear()
        self.swap_button.setVisible(offered is not None)
        if offered is not None:
            self.swap_button.setText(f"DO {offered.name.upper()}")
        self.end_question()
        self.side_row.setVisible(exercise.laterality is Laterality.UNILATERAL)
        self.side_row.set_value(form.side)
        self.effort_row.set_value(form.effort)
        self.form_row.set_value(form.form)
        self.message.clear()
        self.undo_button.hide()
        self.log_button.setEnabled(True)
        self._refresh()

    def set_units(self, units: Units) -> None:
        """The gym's units (read with the roster): the load stepper steps and shows them."""
        if units is self.units:
            return
        self.units = units
        small, big = LOAD_STEPS[units]
        for key, text in (("down_big", f"−{big:g}"), ("down", f"−{small:g}"),
                          ("up", f"+{small:g}"), ("up_big", f"+{big:g}")):
            self.load_stepper.buttons[key].setText(text)
        self._refresh()

    def set_menu(self, menu: LoadMenu | None) -> None:
        """How loads are built here (read with the athlete's numbers)."""
        self.menu = menu
        self._refresh()

    def set_caption(self, text: str) -> None:
        self.set_label.setText(text)
        self.set_label.setVisible(bool(text))

    def ask(self, question: str) -> None:
        """The double-tap question: the LOG button gives way to two answers."""
        self.message.clear()
        self.history_or_question.setCurrentWidget(self.question)
        self.question.show_message("caution", question)
        self.log_button.hide()
        self.undo_button.hide()
        self.next_set_button.show()
        self.mistake_button.show()

    def end_question(self) -> None:
        self.question.clear()
        self.history_or_question.setCurrentIndex(0)  # LAST SETS again
        self.next_set_button.hide()
        self.mistake_button.hide()
        self.log_button.show()

    @property
    def asking(self) -> bool:
        return self.next_set_button.isVisibleTo(self)

    def show_history(self, rows: list[LoggedSet], today) -> None:
        for lab, row in zip(self.history_labels, [*rows, *[None] * HISTORY_ROWS], strict=False):
            lab.setText(self.describe(row, today) if row else "")
        if not rows:
            self.history_labels[0].setText("No sets logged yet")
        self.history_or_question.widget(0).fit()

    def describe(self, row: LoggedSet, today) -> str:
        local = row.logged_at.astimezone()
        # today's sets by their number (the athlete's own count), earlier ones by the day
        if local.date() == today:
            when = f"set {row.set_number}" if row.set_number else f"{local:%H:%M}"
        else:
            when = f"{local:%d %b}"
        parts = [when]
        parts.append(set_words(row.reps, row.load_kg, self.units, row.hold_s))
        if row.side:
            parts.append(row.side[:1].upper())  # L / R: the line fits the panel
        if row.effort is not None:
            parts.append(f"RPE {row.effort:g}")
        if row.form is not None:
            parts.append(f"form {row.form}")
        if row.station.startswith("import:"):  # history brought in from another app
            parts.append(f"from {row.station.removeprefix('import:').capitalize()}")
        return " · ".join(parts)

    # --- steppers ----------------------------------------------------------------------
    def _step_reps(self, steps: int, _big: bool) -> None:
        if self.form.hold_s is not None:  # a hold: seconds held, in steps of HOLD_STEP_S
            self.form.hold_s = max(0, self.form.hold_s + steps * HOLD_STEP_S)
        else:
            self.form.reps = max(0, self.form.reps + steps)
        self._refresh()

    def _step_load(self, steps: int, big: bool) -> None:
        self.form.load_kg = step_load(self.form.load_kg, steps, self.units, big=big)
        self._refresh()

    def _side_changed(self, side: str | None) -> None:
        self.form.side = side
        self.side_changed.emit(side)

    def _refresh(self) -> None:
        if self.message.kind == "bad":  # the athlete is changing what was refused
            self.message.clear()
        counted = self.form.reps if self.form.hold_s is None else self.form.hold_s
        self.reps_stepper.show_value(str(counted), "reps" if self.form.hold_s is None else "s held")
        kg = self.form.load_kg
        if kg:
            self.load_stepper.show_value(f"{kg_to_units(kg, self.units):g}", self.units.value)
        else:
            self.load_stepper.show_value("0", f"{self.units.value} · no load")
        self.load_stepper.buttons["down"].setEnabled(bool(kg))
        self.load_stepper.buttons["down_big"].setEnabled(bool(kg))
        self.reps_stepper.buttons["down"].setEnabled(counted > 0)
        self._refresh_build()

    def _refresh_build(self) -> None:
        menu, kg = self.menu, self.form.load_kg
        if menu is None or not kg:
            self.build_panel.hide()
            return
        fit = menu.fit(kg)
        self._nearest = []
        if fit.exact is not None:
            self.build_label.setText(f"LOAD IT:  {fit.exact.describe()}")
        else:
            self.build_label.setText(f"⚠ {format_load(kg, self.units)} cannot be built. Nearest:")
            self._nearest = [b.kg for b in (fit.below, fit.above) if b is not None]
        for b, near in zip(self.nearest_buttons, [*self._nearest, None, None], strict=False):
            b.setVisible(near is not None)
            if near is not None:
                b.setText(format_load(near, self.units))
        ramp = warmup_ramp(kg, menu) if menu.kind is Kind.BARBELL and fit.exact else []
        self.warmup_label.setVisible(bool(ramp))
        if ramp:
            steps = ["bar" if i == 0 else f"{kg_to_units(b.kg, self.units):g}"
                     for i, b in enumerate(ramp)]
            self.warmup_label.setText(f"WARM-UP  {' → '.join(steps)} {self.units.value}")
        self.build_panel.show()

    def _take_nearest(self, i: int) -> None:
        if i < len(self._nearest):
            self.set_load(self._nearest[i])

    def set_side(self, side: str | None) -> None:
        self.form.side = side
        self.side_row.set_value(side)

    def set_load(self, kg: float | None) -> None:
        self.form.load_kg = kg
        self._refresh()


def side_word(side: str | None) -> str:
    return {"left": "LEFT side", "right": "RIGHT side"}.get(side or "", "")

