"""The table every benchmark prints: measure, value, bar, whether the bar is met."""

from __future__ import annotations

Row = tuple[str, str, str, bool]


def report(rows: list[Row]) -> bool:
    """Print the rows aligned; True when every bar is met."""
    width = max(len("measure"), *(len(r[0]) for r in rows))
    vw = max(5, *(len(r[1]) for r in rows))
    bw = max(3, *(len(r[2]) for r in rows))
    print(f"{'measure':<{width}}  {'value':>{vw}}  {'bar':>{bw}}  ok")
    for name, value, bar, ok in rows:
        print(f"{name:<{width}}  {value:>{vw}}  {bar:>{bw}}  {'yes' if ok else 'NO'}")
    return all(r[3] for r in rows)
