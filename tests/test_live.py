from sqlalchemy import text

from backbeat.store.live import LiveStateWriter, load_live_state, resumable


def test_writer_saves_the_newest_state(db):
    writer = LiveStateWriter(db, "tv")
    for i in range(50):
        writer.submit({"program": "P", "day": 1, "position_ms": i, "state": "running"}, i)
    assert writer.flush()
    state = load_live_state(db, "tv")
    assert state["position_ms"] == 49 and writer.error is None
    assert resumable(state)
    assert 1 <= writer.saved <= 50  # intermediate states may be skipped, never the last
    writer.close()


def test_a_failing_database_is_reported_not_raised(db):
    writer = LiveStateWriter(db, "tv")
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE live_state"))
    writer.submit({"program": "P", "day": 1, "position_ms": 5, "state": "paused"}, 0)
    assert writer.flush()
    assert writer.error and "position not saved" in writer.error
    writer.close()


def test_finished_class_is_not_offered_for_resume():
    assert not resumable({"state": "ended"})
    assert not resumable(None)
    assert resumable({"state": "paused"})
