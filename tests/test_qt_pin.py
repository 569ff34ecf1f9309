"""PySide6 6.12.0 on CPython 3.11 leaks a reference to None on every Qt call
that returns nothing and aborts the process (Fatal Python error:
none_dealloc) after about 5,000 of them. pyproject pins around it; this test
makes tens of thousands of such calls in one process so an upgrade that
brings the trap back fails here, not on the gym TV mid-class."""

import subprocess
import sys
import textwrap


def test_many_void_qt_calls_do_not_abort():
    code = textwrap.dedent("""
        import sys
        from PySide6.QtWidgets import QApplication, QWidget
        from PySide6.QtCore import QRect
        app = QApplication(["x"])
        w = QWidget()
        before = sys.getrefcount(None)
        for i in range(60_000):
            w.setGeometry(QRect(0, 0, 100 + i % 7, 100))  # returns None
            w.update()
        after = sys.getrefcount(None)
        print("ok", after - before)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok")
    leaked = int(result.stdout.split()[1])
    assert leaked < 1000, f"{leaked} references to None leaked by 120,000 void Qt calls"
