"""Edits of a program document (the ``backbeat.program/1`` dict) for the editor.

Pure functions, no Qt: each takes a document and returns a new one, so every
edit can be undone by keeping the document before it. A node is addressed by
a path tuple: ``()`` the program, ``(d,)`` a day, ``(d, b)`` a block,
``(d, b, i)`` an item — and in messages by its field path
(``days[0].blocks[1].items[2]``).
"""

from __future__ import annotations

import copy
from enum import StrEnum
from typing import Any

from backbeat.domain.exercise import Exercise, Laterality, Library
from backbeat.domain.prescription import tempo_in_force
from backbeat.domain.program import PROGRAM_FORMAT, BlockKind
from backbeat.domain.tempo import StartPhase

Path = tuple[int, ...]
Doc = dict[str, Any]

CHILDREN = ("days", "blocks", "items")

class Template(StrEnum):
    """What a block the editor adds starts as (a block's kind, or timed holds)."""

    STRAIGHT = BlockKind.STRAIGHT.value
    SUPERSET = BlockKind.SUPERSET.value
    CIRCUIT = BlockKind.CIRCUIT.value
    BREATH = BlockKind.BREATH.value
    HOLD = "hold"  # straight sets of timed holds


#: Blocks the editor can add, with what the trainer sees.
BLOCK_TEMPLATES = {
    Template.STRAIGHT: "Straight sets",
    Template.SUPERSET: "Superset (A1/A2)",
    Template.CIRCUIT: "Circuit (3 stations)",
    Template.BREATH: "Breath drill",
    Template.HOLD: "Timed hold",
}


def block_kind(block: dict) -> BlockKind:
    """A block node's kind (left out of the file: straight sets)."""
    return BlockKind(block.get("kind", BlockKind.STRAIGHT))


def field_path(path: Path, key: str | None = None) -> str:
    out = ""
    for level, index in enumerate(path):
        out += ("." if out else "") + f"{CHILDREN[level]}[{index}]"
    if key:
        out += ("." if out else "") + key
    return out


def parse_field_path(text: str) -> tuple[Path, str | None]:
    """``days[0].blocks[1].tempo`` → ((0, 1), "tempo")."""
    path: list[int] = []
    key = None
    for part in text.split("."):
        if "[" in part:
            name, _, rest = part.partition("[")
            if name in CHILDREN and len(path) == CHILDREN.index(name):
                path.append(int(rest.split("]")[0]))
                continue
        key = part if key is None else f"{key}.{part}"
        break
    return tuple(path), key


def node(doc: Doc, path: Path) -> dict:
    here = doc
    for level, index in enumerate(path):
        here = here[CHILDREN[level]][index]
    return here


def children(doc: Doc, path: Path) -> list:
    return node(doc, path).setdefault(CHILDREN[len(path)], [])


def set_fields(doc: Doc, path: Path, **values: Any) -> Doc:
    """Set fields of one node; None (or an empty list) removes the field."""
    out = copy.deepcopy(doc)
    target = node(out, path)
    for key, value in values.items():
        if value is None or value == []:
            target.pop(key, None)
        else:
            target[key] = value
    return out


def insert(doc: Doc, parent: Path, index: int, child: dict) -> tuple[Doc, Path]:
    out = copy.deepcopy(doc)
    siblings = children(out, parent)
    index = max(0, min(index, len(siblings)))
    siblings.insert(index, copy.deepcopy(child))
    return out, (*parent, index)


def remove(doc: Doc, path: Path) -> Doc:
    out = copy.deepcopy(doc)
    del children(out, path[:-1])[path[-1]]
    return out


def move(doc: Doc, src: Path, parent: Path, index: int) -> tuple[Doc, Path]:
    """Move node ``src`` to position ``index`` among ``parent``'s children
    (the index as it is before the move). Days move among days, blocks into
    any day, items into any block."""
    if len(parent) != len(src) - 1:
        raise ValueError(f"cannot move {field_path(src)} under {field_path(parent) or 'the program'}")
    out = copy.deepcopy(doc)
    moving = children(out, src[:-1]).pop(src[-1])
    if parent == src[:-1] and index > src[-1]:
        index -= 1
    siblings = children(out, parent)
    index = max(0, min(index, len(siblings)))
    siblings.insert(index, moving)
    return out, (*parent, index)


def duplicate_day(doc: Doc, day: int) -> tuple[Doc, Path]:
    copy_ = copy.deepcopy(node(doc, (day,)))
    copy_["name"] = f"{copy_.get('name', 'Day')} (copy)"[:80]
    return insert(doc, (), day + 1, copy_)


def _first(library: Library, *slugs: str, test=None) -> Exercise:
    for slug in slugs:
        ex = library.get(slug)
        if ex is not None:
            return ex
    for ex in library.exercises:
        if test is None or test(ex):
            return ex
    raise ValueError("the exercise library is empty")


def _is_rep(ex: Exercise) -> bool:
    return ex.start is not StartPhase.NONE and not ex.is_breath_drill


def _is_hold(ex: Exercise) -> bool:
    return ex.start is StartPhase.NONE and not ex.is_breath_drill


def new_item(library: Library, kind: Template | BlockKind, *, grouped: bool = False,
             prefer: tuple[str, ...] = ()) -> dict:
    """A sensible first prescription for a block of ``kind``."""
    kind = Template(kind)
    if kind is Template.BREATH:
        ex = _first(library, *prefer, "box-breathing", test=lambda e: e.is_breath_drill)
        return {"exercise": ex.slug, "cycles": 6}
    if kind is Template.HOLD:
        ex = _first(library, *prefer, "scapular-retraction-hold", test=_is_hold)
        item: dict = {"exercise": ex.slug, "duration_s": 20}
        if not grouped:
            item |= {"sets": 3, "rest_s": 30}
        return item
    ex = _first(library, *prefer, "chest-supported-row", test=_is_rep)
    item = {"exercise": ex.slug, "reps": 8, "tempo": str(tempo_in_force(None, ex))}
    if ex.laterality is Laterality.UNILATERAL:
        item["per_side"] = True
    if not grouped:
        item |= {"sets": 3, "rest_s": 60}
    return item


def new_block(library: Library, template: Template | str) -> dict:
    template = Template(template)
    rep = Template.STRAIGHT
    if template is Template.SUPERSET:
        return {"name": "Superset", "kind": BlockKind.SUPERSET.value, "rounds": 3, "rest_s": 60, "items": [
            new_item(library, rep, grouped=True, prefer=("face-pull",)),
            new_item(library, rep, grouped=True, prefer=("band-pull-apart",)),
        ]}
    if template is Template.CIRCUIT:
        return {"name": "Circuit", "kind": BlockKind.CIRCUIT.value, "rounds": 2, "rest_s": 60, "items": [
            new_item(library, rep, grouped=True, prefer=("prone-ytw-raise",)),
            new_item(library, rep, grouped=True, prefer=("bird-dog",)),
            new_item(library, rep, grouped=True, prefer=("dead-bug",)),
        ]}
    if template is Template.BREATH:
        return {"name": "Breathing", "kind": BlockKind.BREATH.value,
                "items": [new_item(library, Template.BREATH)]}
    if template is Template.HOLD:
        return {"name": "Holds", "items": [new_item(library, Template.HOLD)]}
    item = new_item(library, rep)
    name = library.get(item["exercise"]).name
    return {"name": name[:60], "items": [item]}


def new_day(library: Library, number: int) -> dict:
    return {"name": f"Day {number}", "blocks": [new_block(library, Template.STRAIGHT)]}


def new_program(library: Library, name: str = "New program") -> Doc:
    return {"format": PROGRAM_FORMAT, "name": name, "days": [new_day(library, 1)]}


def set_block_kind(doc: Doc, path: Path, kind: BlockKind | str) -> Doc:
    """Change a block's kind, carrying sets over to rounds and back."""
    kind = BlockKind(kind)
    out = copy.deepcopy(doc)
    block = node(out, path)
    grouped_old = block_kind(block).grouped
    grouped_new = kind.grouped
    items = block.get("items", [])
    if grouped_new and not grouped_old:
        block["rounds"] = max([int(it.get("sets", 1)) for it in items] or [1])
        if "rest_s" not in block:
            rests = [it["rest_s"] for it in items if "rest_s" in it]
            block["rest_s"] = max(rests) if rests else 60
        for it in items:
            it.pop("sets", None)
            it.pop("rest_s", None)
    elif grouped_old and not grouped_new:
        rounds = block.pop("rounds", 1)
        rest = block.pop("rest_s", None)
        for it in items:
            it["sets"] = rounds
            if rest is not None:
                it["rest_s"] = rest
    if kind is BlockKind.STRAIGHT:
        block.pop("kind", None)
    else:
        block["kind"] = kind.value
    return out
