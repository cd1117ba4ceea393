"""Fit the calibrated parameters of the model to clinical_targets.csv.

Run:  .venv/bin/python scripts/calibrate.py [hormones|sperm|pulse] [--write]

Every candidate model is a value: a :class:`hpg.parameters.Parameters` (``DEFAULT.replace``)
and the fitted fields of the presets, passed to ``hpg.simulate``, ``hpg.cohort`` and
``hpg.simulate_pulses`` explicitly. Nothing global is changed while fitting. With
``--write`` the fitted values go to ``hpg/data/calibrated.json``, which hpg/parameters.py
and hpg/patients.py read; tests/test_calibration.py then checks every target with its
published tolerance. The fit minimises residuals scaled by each target's tolerance (its
half-width, or a little less where the range is lopsided), so a residual of 1 sits at or
near the edge of what the target allows.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy.optimize import least_squares

import hpg
from hpg import patients, validation
from hpg.drugs import Regimen as R
from hpg.parameters import DEFAULT, Parameters, fitted_values

DATA = Path(__file__).resolve().parents[1] / "hpg" / "data" / "calibrated.json"

HORMONE_PARAMETERS = {
    # name: (low, high); "preset:<name>:<field>" for preset fields
    "kappa_T": (0.2, 20.0),
    "kappa_E": (0.05, 200.0),
    "K_enclomiphene": (0.1, 20.0),
    "leydig_capacity_kappa": (0.1, 100.0),
    "leydig_k0": (1 / 365, 1 / 10),
    "leydig_k1": (1 / 200, 1.0),
    "K_hCG": (5.0, 400.0),
    "K_Leydig": (0.2, 5.0),
    "hCG_max": (0.3, 10.0),
    "leydig_basal": (0.0, 0.2),
    "E2_residual": (0.0, 0.6),
    "preset:secondary_hypogonadism:gnrh_drive": (0.1, 1.5),
    "preset:secondary_hypogonadism:leydig_capacity": (0.1, 1.5),
    "preset:aging:gnrh_drive": (0.3, 2.5),
    "preset:aging:leydig_capacity": (0.1, 1.5),
    "preset:aging:leydig_reserve": (0.1, 3.0),
    "preset:aging:aromatase": (0.5, 3.0),
    "preset:secondary_hypogonadism:aromatase": (0.5, 3.0),
    "preset:obese:gnrh_drive": (0.3, 1.5),
    "preset:gnrh_deficient:gnrh_drive": (0.0001, 0.3),
}

SPERM_PARAMETERS = {
    "sertoli_tau": (1.0, 60.0),
    "loss_max": (0.01, 1.0),
    "loss_K": (0.05, 0.95),
    "K_ITT": (0.01, 2.0),
}


class Model(NamedTuple):
    """A candidate model: a parameter set and the fitted fields of each preset."""

    parameters: Parameters
    presets: dict

    def patient(self, preset: str) -> hpg.Patient:
        return hpg.Patient.preset(preset, **self.presets.get(preset, {}))


def current(name: str) -> float:
    """The value the package holds now (the fit starts from it)."""
    if name.startswith("preset:"):
        _, preset, field = name.split(":")
        return patients.PRESETS[preset]["parameters"].get(field, getattr(hpg.Patient(), field))
    return DEFAULT[name]


def model_at(names, x) -> Model:
    """The candidate model with ``names`` set to ``x`` (everything else as published)."""
    changes, presets = {}, {}
    for name, value in zip(names, x):
        if name.startswith("preset:"):
            _, preset, field = name.split(":")
            presets.setdefault(preset, {})[field] = float(value)
        else:
            changes[name] = float(value)
    return Model(DEFAULT.replace(**changes), presets)


def hormone_residuals(model: Model) -> np.ndarray:
    """The scenarios of hpg.validation, as continuous residuals."""
    p = model.parameters
    out = []
    b, a = validation.coviello(parameters=p)
    out.append((100 * (1 - a["ITT"] / b["ITT"]) - 94) / 5)
    out.append((100 * a["LH"] / b["LH"] - 5) / 8)
    out.append((100 * a["FSH"] / b["FSH"] - 5) / 8)
    for dose, target in ((125, -25), (250, -7), (500, 26)):
        before, after = validation.coviello(dose, parameters=p)
        out.append((100 * (after["ITT"] / before["ITT"] - 1) - target) / 20)
    r = hpg.simulate(validation.LEDER_ANASTROZOLE, model.patient("aging"), days=84, parameters=p)
    for output, pub in (("T", 572 / 343 - 1), ("E2", 17 / 26 - 1), ("LH", 7.9 / 5.1 - 1)):
        out.append((r.at(84)[output] / r.at(0)[output] - 1 - pub) / (0.3 * abs(pub)))
    r = hpg.simulate(validation.HELO_CLOMIPHENE, model.patient("secondary_hypogonadism"), days=90, parameters=p)
    for output, pub, tol in (("T", 488 / 205 - 1, 0.3), ("E2", 1.0, 0.4), ("LH", 6.1 / 4 - 1, 0.4)):
        out.append((r.at(90)[output] / r.at(0)[output] - 1 - pub) / (tol * abs(pub)))
    out.append((r.at(42)["T"] / r.at(0)["T"] - 1 - (610 / 247.6 - 1)) / (0.3 * (610 / 247.6 - 1)))
    for preset in ("secondary_hypogonadism", "aging", "obese", "gnrh_deficient"):
        base = hpg.model.steady_state(model.patient(preset), parameters=p)
        for output, value in patients.PRESETS[preset]["baseline"].items():
            out.append((base[output] / value - 1) / 0.2)
    return np.array(out)


def sperm_residuals(model: Model, n: int = 300) -> np.ndarray:
    stop = validation.HANDELSMAN_TREATMENT_DAYS
    # A smaller cohort than validation's (n=1000), for speed while fitting.
    res = hpg.cohort([R("testosterone_enanthate", 200, every=7, start=0, stop=stop)], n=n, days=stop + 200, seed=1,
                     parameters=model.parameters)
    out = []
    for threshold, weeks in {10: 6.8, 5: 8.7, 3: 10.0, 1: 13.0}.items():
        out.append((np.median(validation.crossing_weeks(res, threshold)) - weeks) / (0.2 * weeks))
    for threshold, weeks in {3: 9.0, 5: 9.9, 10: 11.5, 20: 13.6}.items():
        w = validation.crossing_weeks(res, threshold, after=stop, direction="above")
        out.append((np.nanmedian(w) - weeks) / (0.2 * weeks))
    return np.array(out)


def fit(spec: dict, residuals, diff_step: float = 1e-3):
    """Fit the parameters of ``spec`` by least squares; returns ``(names, values)``."""
    names = list(spec)
    x0 = np.array([current(n) for n in names])
    lo = np.array([spec[n][0] for n in names])
    hi = np.array([spec[n][1] for n in names])
    start = residuals(model_at(names, x0))

    def f(x):
        try:
            return residuals(model_at(names, x))
        except (ValueError, hpg.SolverError) as error:  # an infeasible corner: push the fit away
            print("  (infeasible:", error, ")")
            return np.full(len(start), 50.0)

    print("start", np.round(start, 2))
    sol = least_squares(f, x0, bounds=(lo, hi), x_scale=np.abs(x0), diff_step=diff_step, max_nfev=60 * len(names))
    print("end  ", np.round(sol.fun, 2))
    for name, value in zip(names, sol.x):
        print(f"{name} = {value:.4g}")
    return names, sol.x


def write(names, values, path: Path = DATA) -> None:
    """Put fitted values (4 significant digits) into hpg/data/calibrated.json."""
    data = fitted_values()
    for name, value in zip(names, values):
        value = float(f"{value:.4g}")
        if name.startswith("preset:"):
            _, preset, field = name.split(":")
            data["presets"].setdefault(preset, {})[field] = value
        else:
            data["parameters"][name] = value
    path.write_text(json.dumps(data, indent=2) + "\n")
    print("written to", path)


def fit_pulse_interval():
    """The pulse generator's mean interval (pulse-level model) against ref_pulse.

    The detected LH interval is stochastic, moves in steps and changes slowly with the
    generator's interval (Cluster misses more pulses as they come faster), so scan a grid
    and solve the straight line through it for 95 min rather than chase the noise."""
    grid = np.arange(70, 102, 2)
    detected = []
    for interval in grid:
        found, generated = validation.pulse_intervals(profiles=48, parameters=DEFAULT.replace(pulse_interval=float(interval)))
        detected.append(found)
        print(f"pulse_interval {interval}: generator {generated:.1f} min, detected {found:.1f} min")
    slope, intercept = np.polyfit(grid, detected, 1)
    best = round((95 - intercept) / slope)
    print(f"pulse_interval = {best} (line: detected = {intercept:.1f} + {slope:.3f} x interval; ref_pulse 95 +/- 11)")
    return ["pulse_interval"], [best]


def main(argv) -> None:
    which = next((a for a in argv if not a.startswith("--")), "hormones")
    if which == "hormones":
        names, values = fit(HORMONE_PARAMETERS, hormone_residuals)
    elif which == "sperm":
        # crossing times are interpolated between days: steps must move them
        names, values = fit(SPERM_PARAMETERS, sperm_residuals, diff_step=0.03)
    elif which == "pulse":
        names, values = fit_pulse_interval()
    else:
        raise SystemExit(f"usage: calibrate.py [hormones|sperm|pulse] [--write]; got {which!r}")
    if "--write" in argv:
        write(names, values)


if __name__ == "__main__":
    main(sys.argv[1:])
