"""A process that showed the trainer's charts leaves cleanly: exit code 0, not
a segfault in PySide's clean-up (pyqtgraph's scenes are closed while Python
still runs; nothing is hidden behind os._exit)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import sys
    from backbeat.store.athletes import list_athletes
    from backbeat.store.db import Database
    from backbeat.store.demo import ensure_demo
    from backbeat.ui.application import application
    from backbeat.ui.trainer.progress import ProgressTab
    from backbeat.ui.trainer.context import TrainerContext

    application()
    db = Database(sys.argv[1])
    ensure_demo(db, weeks=2)
    tab = ProgressTab(TrainerContext(db))
    tab.resize(1600, 900)
    tab.show()
    for athlete in list_athletes(db)[:2]:
        tab.select_athlete(athlete.name)
        tab.view.grab()
    tab.close()
    db.close()
    print("charts shown", flush=True)
""")


def test_a_process_that_showed_the_charts_exits_cleanly(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for run in range(3):  # the crash depended on teardown order: it came most runs, not all
        url = f"sqlite:///{tmp_path / f'gym{run}.db'}"
        proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", CHILD, url], env=env,
                              capture_output=True, text=True, timeout=120)
        assert "charts shown" in proc.stdout, proc.stderr[-2000:]
        assert proc.returncode == 0, f"run {run}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
