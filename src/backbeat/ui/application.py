"""What every Qt face shares: the application object (name, icon, the plain
message for an unexpected error) and where ``backbeat demo`` puts its windows.

The faces' own launchers are in ``ui/tv/app.py``, ``ui/kiosk/app.py`` and
``ui/trainer/app.py``.
"""

from __future__ import annotations

import atexit
import sys

from PySide6.QtCore import QCoreApplication, QEvent, QRect, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

_charts_released_at_exit = False


def application() -> QApplication:
    from backbeat import __version__, diagnostics

    global _charts_released_at_exit
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if not _charts_released_at_exit:
        atexit.register(release_charts)  # runs before PySide's own exit clean-up (LIFO)
        _charts_released_at_exit = True
    app.setApplicationName("Backbeat")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("backbeat")
    if app.windowIcon().isNull():
        app.setWindowIcon(app_icon())
    diagnostics.on_screen(show_problem)
    return app


def run_event_loop() -> int:
    """``app.exec()``, leaving nothing of its end behind: a last window closed as
    the loop ends posts a Quit, and that Quit, run later by another loop (a
    dialog's, a test's waits), would tell every loop after it to end at once
    (``QCoreApplication.exit`` with no loop running stays pending)."""
    app = application()
    code = app.exec()
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    return code


def app_icon() -> QIcon:
    """Backbeat's icon at every size it ships (PNGs: no SVG plugin needed)."""
    from backbeat.paths import icon_files

    icon = QIcon()
    for path in icon_files():
        if path.suffix == ".png":
            icon.addFile(str(path))
    return icon


def release_charts() -> None:
    """Close every pyqtgraph view while Python still runs (registered with atexit
    by :func:`application`, so it runs before PySide's own clean-up).

    Left to PySide's clean-up at exit, a pyqtgraph scene is torn down item by
    item while the interpreter is finalising; its items override Qt methods in
    Python, Qt calls them as the scene comes down, and the process crashed
    (a segfault after the trainer, or any process that showed its charts, was
    done). ``GraphicsView.close()`` is pyqtgraph's own tear-down: it clears the
    scene first."""
    app = QApplication.instance()
    pyqtgraph = sys.modules.get("pyqtgraph")
    if app is None or pyqtgraph is None:
        return
    import shiboken6

    for widget in app.allWidgets():
        if isinstance(widget, pyqtgraph.GraphicsView) and shiboken6.isValid(widget):
            widget.close()


def show_problem(message: str) -> None:
    """An unexpected error, in one plain sentence, over whatever is on screen
    (not modal: the class behind it keeps running)."""
    from PySide6.QtCore import Qt, QThread
    from PySide6.QtWidgets import QMessageBox

    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return  # only the GUI thread may open a window; the log has it anyway
    box = QMessageBox(QMessageBox.Icon.Warning, "Backbeat: something went wrong", message)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setModal(False)
    _problem_boxes.add(box)  # Python holds it until it is closed
    box.finished.connect(lambda _result: _problem_boxes.discard(box))
    box.show()


_problem_boxes: set = set()


def nobody_can_answer() -> bool:
    """Offscreen (tests, snapshots, a headless box) there is no one to ask."""
    import os

    platform = (QGuiApplication.platformName() if QGuiApplication.instance() else
                os.environ.get("QT_QPA_PLATFORM", ""))
    return platform in ("offscreen", "minimal") or bool(os.environ.get("BACKBEAT_NO_SETUP"))


def setup_due(db) -> bool:
    """Whether the first start's set-up (ui/first_run.py) is to be asked now: this
    computer is not set up yet and someone can answer. Asked before the set-up's
    own module is imported, so a face that is set up never loads it."""
    from backbeat.store.settings import get_setting

    return not get_setting(db, "setup.done") and not nobody_can_answer()


#: Set in the environment, a face prints ``first-frame rss_kb=N`` once its first
#: frame is painted and quits (the start-up benchmark, benchmarks/bench_startup.py).
EXIT_AFTER_FIRST_FRAME = "BACKBEAT_EXIT_AFTER_FIRST_FRAME"


def first_frame_reported() -> bool:
    """Whether this run is the start-up benchmark's (see :data:`EXIT_AFTER_FIRST_FRAME`)."""
    import os

    return bool(os.environ.get(EXIT_AFTER_FIRST_FRAME))


def report_first_frame(leave: bool = True, line: str = "first-frame") -> None:
    """Say the first frame is painted (with this process's memory) and quit
    (``leave=False``: go on, as a face does that paints before it opens the
    database; it says ``window-frame`` at its window's first frame and quits)."""
    print(f"{line} rss_kb={_rss_kb()}", flush=True)
    if leave:
        QApplication.quit()


def exit_after_first_frame(window, line: str = "first-frame") -> None:
    """With :data:`EXIT_AFTER_FIRST_FRAME` set: :func:`report_first_frame` once
    ``window`` has painted its first frame (children included: the report waits
    for the event loop's next turn after the window's first paint event)."""
    if not first_frame_reported():
        return
    from PySide6.QtCore import QEvent, QObject

    class _FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, report_first_frame if line == "first-frame"
                                  else lambda: report_first_frame(line=line))
            return False

    window._first_paint = _FirstPaint(window)
    window.installEventFilter(window._first_paint)


def _rss_kb() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


#: ``backbeat demo`` on one desk: the kiosk at the size of the tablet it is made
#: for, at the right, and the TV in 16:9 in what is left of the width; on a
#: laptop the kiosk shrinks (to 60 %, its smallest scale) so the TV keeps at
#: least :data:`DEMO_TV_MIN_WIDTH`. Neither covers the other.
DEMO_KIOSK_SIZE = (1280, 800)
DEMO_KIOSK_LEAST = (768, 480)
DEMO_TV_MIN_WIDTH = 640


def demo_rects(area: QRect) -> tuple[QRect, QRect]:
    """(TV, kiosk) side by side on a screen's available ``area``, never overlapping."""
    room = area.width() - DEMO_TV_MIN_WIDTH
    kw = max(DEMO_KIOSK_LEAST[0], min(DEMO_KIOSK_SIZE[0], room))
    kh = min(round(kw * DEMO_KIOSK_SIZE[1] / DEMO_KIOSK_SIZE[0]), area.height())
    kiosk = QRect(area.right() + 1 - kw, area.y(), kw, kh)
    tw = area.width() - kw
    th = min(round(tw * 9 / 16), area.height())
    tw = min(tw, round(th * 16 / 9))
    return QRect(area.x(), area.y(), tw, th), kiosk


def place_framed(window, rect: QRect) -> None:
    """Show ``window`` so that its frame (title bar and borders included) fills ``rect``:
    two windows placed side by side this way do not overlap."""
    window.setGeometry(rect)
    window.show()

    def fit() -> None:
        frame, inner = window.frameGeometry(), window.geometry()
        margins = (inner.left() - frame.left(), inner.top() - frame.top(),
                   frame.right() - inner.right(), frame.bottom() - inner.bottom())
        window.setGeometry(rect.adjusted(margins[0], margins[1], -margins[2], -margins[3]))

    fit()
    QTimer.singleShot(300, fit)  # a window manager may add its frame a moment later


def demo_geometry(part: str) -> QRect:
    """Where the demo puts the TV ("tv") or the kiosk ("kiosk") on the primary screen."""
    tv, kiosk = demo_rects(QGuiApplication.primaryScreen().availableGeometry())
    return kiosk if part == "kiosk" else tv
