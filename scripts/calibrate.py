"""Fit the calibrated parameters of the daily model to clinical_targets.csv.

Run:  .venv/bin/python scripts/calibrate.py [hormones|sperm|pulse] [--write]

Prints the fitted values; with --write, puts them into hpg/parameters.py and the
presets of hpg/patients.py (each is marked there "calibrated to <target id>"). The tests in
tests/test_calibration.py then check every target with its published tolerance.
The fit minimises residuals scaled by each target's tolerance (its half-width,
or a little less where the range is lopsided), so a residual of 1 sits at or
near the edge of what the target allows.
"""
from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np
from scipy.optimize import least_squares

import hpg
from hpg import calibration, model, parameters, patients, validation
from hpg.drugs import Regimen as R

# What is fitted, within which bounds, to which rows: declared once in hpg.calibration
# (the model card and the tests read the same declaration).
HORMONE_PARAMETERS = calibration.GROUPS["hormones"].bounds  # name: (low, high); "preset:<name>:<field>" for preset fields
SPERM_PARAMETERS = calibration.GROUPS["sperm"].bounds


def current(name):
    """The value the package holds now (the fit starts from it)."""
    if name.startswith("preset:"):
        _, preset, field = name.split(":")
        return patients.PRESETS[preset]["parameters"].get(field, getattr(patients.Patient(), field))
    return parameters.MODEL[name].value


def apply(names, x):
    for name, value in zip(names, x):
        if name.startswith("preset:"):
            _, preset, field = name.split(":")
            patients.PRESETS[preset]["parameters"][field] = float(value)
        else:
            parameters.MODEL[name] = replace(parameters.MODEL[name], value=float(value))
    model._C = None


def change(preset, regimens, day, output):
    res = hpg.simulate(regimens, preset, days=day)
    return res.at(day)[output] / res.at(0)[output] - 1


def hormone_residuals():
    """The scenarios of hpg.validation, as continuous residuals."""
    out = []
    b, a = validation.coviello()
    out.append((100 * (1 - a["ITT"] / b["ITT"]) - 94) / 5)
    out.append((100 * a["LH"] / b["LH"] - 5) / 8)
    out.append((100 * a["FSH"] / b["FSH"] - 5) / 8)
    for dose, target in ((125, -25), (250, -7), (500, 26)):
        before, after = validation.coviello(dose)
        out.append((100 * (after["ITT"] / before["ITT"] - 1) - target) / 20)
    r = hpg.simulate(validation.LEDER_ANASTROZOLE, "aging", days=84)
    for output, pub in (("T", 572 / 343 - 1), ("E2", 17 / 26 - 1), ("LH", 7.9 / 5.1 - 1)):
        out.append((r.at(84)[output] / r.at(0)[output] - 1 - pub) / (0.3 * abs(pub)))
    r = hpg.simulate(validation.HELO_CLOMIPHENE, "secondary_hypogonadism", days=90)
    for output, pub, tol in (("T", 488 / 205 - 1, 0.3), ("E2", 1.0, 0.4), ("LH", 6.1 / 4 - 1, 0.4)):
        out.append((r.at(90)[output] / r.at(0)[output] - 1 - pub) / (tol * abs(pub)))
    out.append((r.at(42)["T"] / r.at(0)["T"] - 1 - (610 / 247.6 - 1)) / (0.3 * (610 / 247.6 - 1)))
    for preset in ("secondary_hypogonadism", "aging", "obese", "gnrh_deficient"):
        base = model.steady_state(patients.Patient.preset(preset))
        for output, value in patients.PRESETS[preset]["baseline"].items():
            out.append((base[output] / value - 1) / 0.2)
    return np.array(out)


def sperm_residuals():
    stop = validation.HANDELSMAN_TREATMENT_DAYS
    # A smaller cohort than validation's (n=1000), for speed while fitting.
    res = hpg.cohort([R("testosterone_enanthate", 200, every=7, start=0, stop=stop)], n=300, days=stop + 200, seed=1)
    out = []
    for threshold, weeks in {10: 6.8, 5: 8.7, 3: 10.0, 1: 13.0}.items():
        out.append((np.median(validation.crossing_weeks(res, threshold)) - weeks) / (0.2 * weeks))
    for threshold, weeks in {3: 9.0, 5: 9.9, 10: 11.5, 20: 13.6}.items():
        w = validation.crossing_weeks(res, threshold, after=stop, direction="above")
        out.append((np.nanmedian(w) - weeks) / (0.2 * weeks))
    return np.array(out)


REPORT = list(calibration.GROUPS["hormones"].targets)


DIFF_STEP = 1e-3


def fit(spec, residuals):
    names = list(spec)
    x0 = np.array([current(n) for n in names])
    lo = np.array([spec[n][0] for n in names])
    hi = np.array([spec[n][1] for n in names])

    def f(x):
        apply(names, x)
        try:
            return residuals()
        except Exception as error:  # an infeasible corner: push the fit away
            print("  (infeasible:", error, ")")
            return np.full(len(residuals_at_start), 50.0)

    apply(names, x0)
    residuals_at_start = residuals()
    print("start", np.round(residuals_at_start, 2))
    sol = least_squares(f, x0, bounds=(lo, hi), x_scale=np.abs(x0), diff_step=DIFF_STEP, max_nfev=60 * len(names))
    apply(names, sol.x)
    print("end  ", np.round(sol.fun, 2))
    print(validation.format_report([vars(validation.run(i)) for i in REPORT]))
    for name, value in zip(names, sol.x):
        print(f"{name} = {value:.4g}")
    if "--write" in sys.argv:
        write(names, sol.x)


def write(names, values):
    """Write fitted values into hpg/parameters.py and the PRESETS of hpg/patients.py."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    params, presets = root / "hpg" / "parameters.py", root / "hpg" / "patients.py"
    p_text, s_text = params.read_text(), presets.read_text()
    for name, value in zip(names, values):
        value = float(f"{value:.4g}")
        if name.startswith("preset:"):
            _, preset, field = name.split(":")
            pattern = re.compile(r'("%s": \{\n\s+"parameters": \{)([^}]*)(\})' % preset)
            match = pattern.search(s_text)
            fields = dict(re.findall(r'"(\w+)": ([-\d.e]+)', match.group(2)))
            fields[field] = repr(value)
            body = ", ".join(f'"{k}": {v}' for k, v in fields.items())
            s_text = s_text[: match.start(2)] + body + s_text[match.end(2) :]
        else:
            p_text, count = re.subn(r'(_p\("%s", )([^,]+)(,)' % name, lambda m: m.group(1) + repr(value) + m.group(3), p_text)
            assert count == 1, name
    params.write_text(p_text)
    presets.write_text(s_text)
    print("written to", params, "and", presets)


def fit_pulse_interval():
    """The pulse generator's mean interval (pulse-level model) against ref_pulse.

    The detected LH interval is stochastic, moves in steps and changes slowly with the
    generator's interval (Cluster misses more pulses as they come faster), so scan a grid
    and solve the straight line through it for 95 min rather than chase the noise."""
    from hpg import pulses

    grid = np.arange(70, 102, 2)
    detected = []
    for interval in grid:
        parameters.MODEL["pulse_interval"] = replace(parameters.MODEL["pulse_interval"], value=float(interval))
        pulses._C = None
        found, generated = validation.pulse_intervals(profiles=48)  # more than the check's 8: less noise
        detected.append(found)
        print(f"pulse_interval {interval}: generator {generated:.1f} min, detected {found:.1f} min")
    slope, intercept = np.polyfit(grid, detected, 1)
    best = round((95 - intercept) / slope)
    print(f"pulse_interval = {best} (line: detected = {intercept:.1f} + {slope:.3f} x interval; ref_pulse 95 +/- 11)")
    if "--write" in sys.argv:
        write(["pulse_interval"], [best])


if __name__ == "__main__":
    which = next((a for a in sys.argv[1:] if not a.startswith("--")), "hormones")
    if which == "hormones":
        fit(HORMONE_PARAMETERS, hormone_residuals)
    elif which == "pulse":
        fit_pulse_interval()
    else:
        DIFF_STEP = 0.03  # crossing times are interpolated between days: steps must move them
        REPORT = list(calibration.GROUPS["sperm"].targets)
        fit(SPERM_PARAMETERS, sperm_residuals)
