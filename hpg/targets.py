"""The published targets, read once from ``hpg/data/clinical_targets.csv`` (and the rows this
project proposes to add to it, ``hpg/data/proposed_targets.csv``, in the same columns).

The file is the shared table of published numbers (``shared/data/clinical_targets.csv``,
every column and row verbatim; tested) with five machine columns appended:

``scenario``
    the name of the simulated study in :data:`hpg.validation.SCENARIOS` (patient, regimens,
    length, model); rows of one study share one simulation.
``output``
    the hpg output or drug species measured (``;`` between several, ``/`` for a ratio).
``statistic``
    how the model's number is computed (:data:`hpg.validation.STATISTICS`): a value at a day,
    a change from day 0, a cohort median crossing time or share, or a named feature such as
    ``pharmacokinetics``.
``day``
    the day of measurement from the scenario's start; ``end`` is the day its treatment ends (the
    first missed dose), from which recovery is counted; empty where the feature fixes it.
``values``
    one or more *parts* separated by ``;``, each ``[key:][number][tolerance]``. ``key`` is a
    threshold (``10`` million/mL), a time (``recovered@6`` months) or a feature (``peak_day``);
    ``number`` is the published number; ``tolerance`` is ``+-X`` (absolute), ``+-X%`` (relative
    to the number), ``[low,high]``, ``>=low`` or ``<=high``. The first part, if it has no number,
    takes the published number from the row's own ``baseline`` and ``treated`` columns (a change
    statistic from both, unless the unit is already a percentage), so no number is typed twice.

This module is standard library only (the lab page reads presets in the browser).
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["rows", "row", "proposed", "Part", "parts", "published", "baselines", "reference_ranges", "CHANGES",
           "SHARED_COLUMNS", "MACHINE_COLUMNS"]

SHARED_COLUMNS = ("id", "kind", "source", "population", "patient_preset", "intervention", "measure", "unit",
                  "baseline", "treated", "when", "tolerance", "notes")
MACHINE_COLUMNS = ("scenario", "output", "statistic", "day", "values")
#: Statistics that compare a treated value with a baseline: the published number from the row's
#: baseline and treated columns, and the model's from its day 0 and day of measurement.
CHANGES = {"change": lambda b, t: t / b - 1, "percent_change": lambda b, t: 100 * (t / b - 1),
             "percent_of_baseline": lambda b, t: 100 * t / b}


#: The two tables: the shared one, and rows this project proposes to add to it (published
#: numbers the model is also held to, in the same columns; see PROPOSED).
FILES = ("data/clinical_targets.csv", "data/proposed_targets.csv")


@lru_cache(maxsize=None)
def _read(name: str) -> tuple[dict, ...]:
    text = resources.files("hpg").joinpath(name).read_text(encoding="utf-8")
    table = tuple(csv.DictReader(text.splitlines()))
    if tuple(table[0]) != SHARED_COLUMNS + MACHINE_COLUMNS:
        raise ValueError(f"hpg/{name}: columns {tuple(table[0])}, expected {SHARED_COLUMNS + MACHINE_COLUMNS}")
    return table


@lru_cache(maxsize=1)
def _table() -> tuple[dict, ...]:
    shared, proposed = (_read(name) for name in FILES)
    ids = [r["id"] for r in shared + proposed]
    if len(set(ids)) != len(ids):
        raise ValueError(f"a target id appears twice in {' and '.join(FILES)}")
    return shared + proposed


@lru_cache(maxsize=1)
def proposed() -> frozenset:
    """Ids of the rows of ``hpg/data/proposed_targets.csv``: published numbers that are not (yet)
    rows of the shared table, held to the same standard (tested, reported as proposed)."""
    return frozenset(r["id"] for r in _read(FILES[1]))


def rows() -> list[dict]:
    """Every row (a fresh dict each, shared and machine columns)."""
    return [dict(r) for r in _table()]


def row(target_id: str) -> dict:
    """The row ``target_id``; a KeyError naming the known ids otherwise."""
    for r in _table():
        if r["id"] == target_id:
            return dict(r)
    raise KeyError(f"unknown target {target_id!r}; known targets: {', '.join(r['id'] for r in _table())}")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def published(r: dict) -> float | None:
    """The number a part without its own takes: from the row's baseline and treated columns."""
    b, t = _number(r["baseline"]), _number(r["treated"])
    if b is not None and t is not None and not r["unit"].startswith("%"):
        if r["statistic"] not in CHANGES:
            raise ValueError(f"target {r['id']}: baseline and treated given, but statistic {r['statistic']!r} is not a change")
        return CHANGES[r["statistic"]](b, t)
    if r["treated"]:
        return t  # None where the treated column is a range or a sentence
    return b


@dataclass(frozen=True)
class Part:
    """One published number of a row and its tolerance: ``low <= model <= high``."""

    key: str
    published: float | None
    low: float | None  # None: no lower bound
    high: float | None  # None: no upper bound

    def residual(self, model: float) -> float:
        """0 at the published number (or the middle of the range), +-1 at the edges of the
        tolerance, beyond 1 outside it. One-sided bounds: ``low / model`` or ``model / high``."""
        if model is None or math.isnan(model):
            return math.inf
        if self.high is None:
            return self.low / model if model > 0 else math.inf
        if self.low is None:
            return model / self.high
        centre = self.published
        if centre is None or not self.low < centre < self.high:
            centre = (self.low + self.high) / 2
        if model >= centre:
            return (model - centre) / (self.high - centre)
        return (model - centre) / (centre - self.low)

    def describe(self, fmt=lambda x: f"{x:g}") -> str:
        if self.high is None:
            return f">= {fmt(self.low)}"
        if self.low is None:
            return f"<= {fmt(self.high)}"
        centre = "" if self.published is None else f"{fmt(self.published)}: "
        return f"{centre}{fmt(self.low)} to {fmt(self.high)}"


_PART = re.compile(r"^(?:(?P<key>[^:]+):)?(?P<number>[-+]?\d+(?:\.\d+)?)?"
                   r"(?:\+-(?P<tol>\d+(?:\.\d+)?)(?P<rel>%)?|\[(?P<lo>[-+]?[\d.]+),(?P<hi>[-+]?[\d.]+)\]"
                   r"|>=(?P<min>[-+]?[\d.]+)|<=(?P<max>[-+]?[\d.]+))$")


def parts(r: dict) -> list[Part]:
    """The parts of a row's ``values`` column, each with its bounds."""
    out = []
    for i, text in enumerate(r["values"].split(";")):
        m = _PART.match(text.strip())
        if not m:
            raise ValueError(f"target {r['id']}: cannot read the part {text!r} of values {r['values']!r} "
                             "(expected [key:][number][+-X | +-X% | [low,high] | >=low | <=high])")
        number = float(m["number"]) if m["number"] else published(r) if i == 0 else None
        if m["tol"]:
            if number is None:
                raise ValueError(f"target {r['id']}: part {text!r} has a tolerance around no published number")
            width = float(m["tol"]) * (abs(number) / 100 if m["rel"] else 1)
            low, high = number - width, number + width
        elif m["lo"]:
            low, high = float(m["lo"]), float(m["hi"])
        else:
            low = float(m["min"]) if m["min"] else None
            high = float(m["max"]) if m["max"] else None
        out.append(Part(m["key"] or "", number, low, high))
    return out


def baselines(*ids: str) -> dict[str, float]:
    """Untreated values published by rows ``ids``: ``{output: baseline}`` (a preset's baseline)."""
    out = {}
    for target_id in ids:
        r = row(target_id)
        value = _number(r["baseline"])
        if value is None:
            raise ValueError(f"target {target_id} publishes no baseline number")
        out[r["output"]] = value
    return out


def reference_ranges() -> dict:
    """Reference ranges of healthy young men (``ref_*`` rows): output -> (low, high, target id),
    high None for a lower limit only. A range is a row's first part without a published number."""
    out = {}
    for r in _table():
        if r["kind"] == "reference" and r["statistic"] == "value":
            ranged = [p for p in parts(r) if p.published is None]
            if ranged:
                out[r["output"]] = (ranged[0].low, ranged[0].high, r["id"])
    return out
