"""hpg: a teaching simulator of the male hypothalamic-pituitary-gonadal axis.

This package drives every figure and widget of the HPG axis book. Notebooks call
``hpg``; ``hpg`` never knows about notebooks. Data flows one way: parameters ->
model -> result -> plot -> widget.

Modules
-------
hpg.toy
    A three-variable negative-feedback loop (GnRH -> LH -> testosterone, with
    testosterone inhibiting GnRH) after Smith (1980). A toy for teaching the idea
    of feedback, in arbitrary units; it is *not* the physiological model.

The physiological model (daily timescale, drugs, virtual patients and cohorts)
and the pulse-level model are added by their own modules; see DESIGN.md.

Submodules are imported lazily so that ``import hpg`` stays fast (well under
half a second): the cost of SciPy and Matplotlib is paid on first use.
"""
from __future__ import annotations

import importlib

from ._version import __version__

_SUBMODULES = ("cohorts", "drugs", "model", "parameters", "patients", "plots", "toy", "validation")
# The public API of DESIGN.md section 3: name -> module that defines it (imported on first use).
_API = {
    "simulate": "model",
    "Result": "model",
    "SolverError": "model",
    "cohort": "cohorts",
    "Regimen": "drugs",
    "Infusion": "drugs",
    "Patient": "patients",
}

__all__ = ["__version__", *_SUBMODULES, *_API]


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    if name in _API:
        module = importlib.import_module(f"{__name__}.{_API[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hpg' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
