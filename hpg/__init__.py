"""hpg: a teaching simulator of the male hypothalamic-pituitary-gonadal axis.

This package drives every figure and widget of the HPG axis book. Notebooks call
``hpg``; ``hpg`` never knows about notebooks. Data flows one way: parameters ->
model -> result -> plot -> widget.

Public API (DESIGN.md section 3)
--------------------------------
hpg.simulate(regimens, patient, days)   one patient, daily outputs (hpg.model)
hpg.cohort(regimens, n, days, seed)     many virtual patients at once (hpg.cohorts)
hpg.simulate_pulses(hours, gonadorelin) minute by minute: GnRH pulses, receptor, LH, FSH (hpg.pulses)
hpg.Regimen, hpg.Infusion               dosing schedules (hpg.drugs)
hpg.Patient, hpg.Patient.preset(name)   virtual patients (hpg.patients)

Modules
-------
hpg.parameters   every number of the model with its unit, meaning and source; Parameters, a frozen value
hpg.equations    every equation of the model, once, as a named function of plain numbers
hpg.daily        the daily model for one man in plain Python (no NumPy): loop, rates, steady state, integrator
hpg.model        simulate (compiled with numba where installed), Result, simulate_reference (solve_ivp)
hpg.outputs      one registry of outputs: unit, label, SI conversion, reference range
hpg.drugs        every drug of the book: closed-form pharmacokinetics, catalogue()
hpg.patients     patient parameters and presets
hpg.checks       the argument checks every entry point shares
hpg.cohorts      documented parameter distributions, cohorts run in parallel
hpg.pulses       the pulse-level model; Cluster pulse detection
hpg.calibration  what the calibration fits, to which published rows (the in-sample rows)
hpg.arguments    the one rule for numbers every public function takes
hpg.lab          the browser lab's entry point (JSON in, JSON out) and links into the lab
hpg.labs         laboratory panels in conventional and SI units with reference ranges (case files)
hpg.sbml         the daily model as SBML (export), generated from the same equations, for COPASI or tellurium
hpg.leydig       inside the Leydig cell: LHCGR -> cAMP -> PKA -> StAR -> testosterone, minute by minute
hpg.targets      the published targets: clinical_targets.csv and its machine columns, read once
hpg.validation   every row of clinical_targets.csv against the model: evaluate(), report()
hpg.plots        plotting shared by figures and widgets, with alt text (describe*)
hpg.units        conventional and SI units
hpg.widgets      explorers: live in a kernel, precomputed and linked on the static site
hpg.toy          Smith's (1980) three-variable loop, a teaching toy in arbitrary units

Submodules are imported lazily so that ``import hpg`` stays fast (well under
half a second): the cost of SciPy and Matplotlib is paid on first use.
"""
from __future__ import annotations

import importlib

from ._version import __version__

_SUBMODULES = ("arguments", "calibration", "checks", "cohorts", "daily", "drugs", "equations", "lab", "labs", "leydig", "model", "outputs",
               "parameters", "patients", "plots", "pulses", "sbml", "targets", "toy", "units", "validation", "widgets")
# The public API of DESIGN.md section 3: name -> module that defines it (imported on first use).
_API = {
    "simulate": "model",
    "Result": "model",
    "SolverError": "model",
    "cohort": "cohorts",
    "simulate_pulses": "pulses",
    "PulseResult": "pulses",
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
