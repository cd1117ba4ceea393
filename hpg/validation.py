"""The model against published numbers: every row of ``clinical_targets.csv``.

``report()`` runs each target's scenario and returns the table the book's model
card prints: target id, source, what was published, what the model gives, the
tolerance, and whether the model is within it. ``tests/test_calibration.py``
asserts every row. Rows about single pulses (``PULSE_LEVEL``: ``ref_pulse``,
``pk_LH``, ``pk_FSH``, ``pk_gonadorelin``) are checked with the pulse-level
model (:mod:`hpg.pulses`), ``belchetz`` with both models; a row without a
check would be listed in ``PENDING`` and reported as such, never silently
dropped.

Where a row gives no tolerance the default is +/-25%. "Relative change within
+/-30% of published" means the model's change (treated / baseline - 1) lies
within 30% of the published change.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from . import drugs as _drugs
from . import outputs as _outputs
from .parameters import value as _v
from .patients import Patient

__all__ = ["targets", "report", "format_report", "Check", "PULSE_LEVEL", "PENDING", "crossing_weeks"]

#: Rows checked with the pulse-level model (hpg.pulses).
PULSE_LEVEL = ("ref_pulse", "pk_LH", "pk_FSH", "pk_gonadorelin")
#: Rows that no model checks yet (reported as pending). The two cohort rows of suppression
#: and recovery shares need germ-cell dynamics and man-to-man variation in rates that the
#: model does not have yet (the re-sensitisation chapter shows the gap).
PENDING: tuple[str, ...] = ("who_supp_6mo", "liu_rec")
R = _drugs.Regimen


def targets() -> list[dict]:
    """The rows of ``hpg/data/clinical_targets.csv`` (a copy of ``shared/data``; tested equal)."""
    text = resources.files("hpg").joinpath("data/clinical_targets.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass
class Check:
    id: str
    source: str
    measure: str
    published: str
    model: str
    tolerance: str
    within: bool | None  # None: pending (no model checks this row yet)


def _sim(*args, **kwargs):
    from .model import simulate

    return simulate(*args, **kwargs)


def _rel(value, lo, hi) -> bool:
    return bool(lo <= value <= hi)


def _change_check(published_change, tol, model_change):
    lo, hi = sorted((published_change * (1 - tol), published_change * (1 + tol)))
    return _rel(model_change, lo, hi), f"change {published_change:+.0%} +/- {tol:.0%} of it: {lo:+.0%} to {hi:+.0%}"


def _first_crossing(t, s, threshold, below):
    """First time the series crosses ``threshold`` (linear interpolation between days)."""
    hit = s < threshold if below else s >= threshold
    idx = np.nonzero(hit)[0]
    if idx.size == 0:
        return math.inf
    i = idx[0]
    if i == 0:
        return t[0]
    a, b = s[i - 1], s[i]
    return t[i - 1] + (t[i] - t[i - 1]) * (a - threshold) / (a - b)


def crossing_weeks(result, threshold, *, after=0.0, direction="below"):
    """Per patient, weeks from ``after`` until sperm first goes below (or back above)
    ``threshold``, interpolated between days; ``inf`` if it never does. Recovery
    is counted only for patients whose sperm was below the threshold at ``after``
    (the others are ``nan``)."""
    t = result.t
    sperm = np.atleast_2d(result["sperm"])
    mask = t >= after
    weeks = []
    for row in sperm:
        s = row[mask]
        if direction == "below":
            weeks.append((_first_crossing(t[mask], s, threshold, True) - after) / 7)
        elif s[0] >= threshold:
            weeks.append(math.nan)
        else:
            weeks.append((_first_crossing(t[mask], s, threshold, False) - after) / 7)
    return np.array(weeks)


# ----------------------------------------------------------------------------- the checks
#: Reference ranges of healthy young men (the ref_* rows of clinical_targets.csv): output ->
#: (low, high, target id); high None: a lower limit only. The default patient must sit inside
#: them (checked below) and the plots shade them (hpg.plots).
REFERENCE_RANGES = {name: o.reference_range for name, o in _outputs.REGISTRY.items() if o.reference_range}


def _ref_range(output, lo=None, hi=None):
    if lo is None:
        lo, hi, _ = REFERENCE_RANGES[output]

    def run():
        value = _sim([], "healthy", days=1).at(0)[output]
        return f"{value:.3g}", _rel(value, lo, hi), f"within {lo:g}-{hi:g}"

    return run


def _ref_T():
    value = _sim([], "healthy", days=1).at(0)["T"]
    lo, hi, _ = REFERENCE_RANGES["T"]
    ok = _rel(value, lo, hi) and abs(value / 531 - 1) <= 0.05
    return f"{value:.0f}", ok, f"within {lo:g}-{hi:g} and within 5% of the median 531"


def _ref_ITT():
    value = _sim([], "healthy", days=1).at(0)["ITT"]
    return f"{value:.0f}", _rel(value, 1174 * 0.7, 1174 * 1.3), "1174 +/- 30%: 822-1526"


def _ref_sperm():
    value = _sim([], "healthy", days=1).at(0)["sperm"]
    limit = REFERENCE_RANGES["sperm"][0]
    return f"{value:.0f}", value >= 2 * limit, f"at least twice the lower reference limit {limit:g}"


def _pk_TE():
    t, conc = _pk(R("testosterone_enanthate", 250), 60)
    c = conc["exogenous_T"] / 100.0  # ng/mL
    i = int(np.argmax(c))
    above2 = t[c >= 2].max()
    above1 = t[c >= 1].max()
    ok = _rel(c[i], 15, 25) and _rel(t[i], 1.5, 3) and _rel(above2, 15, 25) and _rel(above1, 19.5, 32.5)
    return (
        f"peak {c[i]:.1f} ng/mL at day {t[i]:.1f}; >=2 ng/mL to day {above2:.0f}; >=1 to day {above1:.0f}",
        ok,
        "peak 20 +/- 25% at 1.5-3 d; >=2 ng/mL ~20 d and >=1 ng/mL ~26 d (+/- 25%)",
    )


def _pk_TC():
    t, c = _pk(R("testosterone_cypionate", 200), 30)
    day = t[int(np.argmax(c["exogenous_T"]))]
    return f"peak at day {day:.1f}", _rel(day, 2, 5), "peak at day 2-5"


def _half_life(t, c, t0, t1):
    a, b = np.interp([t0, t1], t, c)
    return (t1 - t0) * math.log(2) / math.log(a / b)


def _pk(regimen, days, step=1 / 1440):
    """Concentrations of a regimen's species on a one-minute grid (closed form, no physiology)."""
    t = np.arange(0.0, days, step)
    return t, regimen.concentrations(t, days)


def _pk_enclomiphene():
    t, c = _pk(R("enclomiphene", 25, every=1, start=0, stop=14), 20)
    hl = _half_life(t, c["enclomiphene"], 15, 16) * 24
    return f"half-life {hl:.1f} h", _rel(hl, 7.5, 12.5), "10 h +/- 25%"


def _pk_clomiphene():
    t, c = _pk(R("clomiphene", 25, every=1), 200, step=1 / 96)
    day = (t >= 180) & (t < 181)
    en, zu = c["enclomiphene"][day].mean(), c["zuclomiphene"][day].mean()
    return f"zu:en {zu / en:.1f} (en {en:.1f}, zu {zu:.0f} ng/mL)", _rel(zu / en, 15, 25), "20 +/- 25%"


def _pk_tamoxifen():
    t, c = _pk(R("tamoxifen", 20), 60)
    tmax = t[int(np.argmax(c["tamoxifen"]))] * 24
    hl = _half_life(t, c["tamoxifen"], 20, 40)
    return f"peak at {tmax:.1f} h; half-life {hl:.1f} d", _rel(tmax, 4, 7) and _rel(hl, 5.25, 8.75), "peak 4-7 h; half-life 7 d +/- 25%"


def _pk_anastrozole():
    from .daily import constants
    from .equations import aromatase_inhibition

    t, c = _pk(R("anastrozole", 1, every=1), 15)
    conc = c["anastrozole"][(t >= 14) & (t < 15)]
    remaining = 100 * float(np.mean(1 - aromatase_inhibition(conc, constants().IC50_anastrozole)))
    return f"aromatase activity {remaining:.0f}% of untreated", _rel(remaining, 20, 30), "20-30% (70-80% inhibition)"


def _pk_hcg():
    t, c = _pk(R("hcg", 1000), 12)
    tmax = t[int(np.argmax(c["hcg"]))] * 24
    hl = _half_life(t, c["hcg"], 4, 8) * 24
    return f"peak at {tmax:.0f} h; half-life {hl:.0f} h", _rel(tmax, 12, 18) and _rel(hl, 33, 43), "peak 12-18 h; half-life 33-43 h"


def coviello(hcg_dose=None, parameters=None):
    """Coviello 2005: TE 200 mg weekly for 3 weeks, with hCG every other day if a dose is
    given; every output at day 0 and day 21 (healthy patient)."""
    regimens = [R("testosterone_enanthate", 200, every=7, start=0, stop=21)]
    if hcg_dose:
        regimens.append(R("hcg", hcg_dose, every=2, start=0, stop=21))
    res = _sim(regimens, "healthy", days=21, parameters=parameters)
    return res.at(0), res.at(21)


def _cov_ratio(output, lo, hi):
    def run():
        before, after = coviello()
        pct = 100 * after[output] / before[output]
        return f"{pct:.1f}% of baseline", _rel(pct, lo, hi), f"{lo}-{hi}% of baseline"

    return run


def _cov_TE_ITT():
    before, after = coviello()
    fall = 100 * (1 - after["ITT"] / before["ITT"])
    return f"{before['ITT']:.0f} -> {after['ITT']:.0f} nmol/L (fall {fall:.1f}%)", _rel(fall, 85, 99), "fall of 85-99%"


def _cov_hcg(dose, lo, hi):
    def run():
        before, after = coviello(dose)
        change = 100 * (after["ITT"] / before["ITT"] - 1)
        return f"{change:+.0f}%", _rel(change, lo, hi), f"{lo:+d}% to {hi:+d}%"

    return run


_COHORT_CACHE: dict = {}


def _handelsman_cohort(n=1000):
    key = n
    if key not in _COHORT_CACHE:
        from .cohorts import cohort

        res = cohort([R("testosterone_enanthate", 200, every=7, start=0, stop=HANDELSMAN_TREATMENT_DAYS)], n=n, days=HANDELSMAN_TREATMENT_DAYS + 240, seed=2005)
        _COHORT_CACHE[key] = res
    return _COHORT_CACHE[key]


#: Treatment length of the simulated WHO-trial cohort: 12 months, the efficacy phase of who1990.
HANDELSMAN_TREATMENT_DAYS = 364


def _hand_supp():
    res = _handelsman_cohort()
    published = {10: 6.8, 5: 8.7, 3: 10.0, 1: 13.0}
    parts, ok = [], True
    for threshold, weeks in published.items():
        median = float(np.median(crossing_weeks(res, threshold)))
        ok &= _rel(median, 0.7 * weeks, 1.3 * weeks)
        parts.append(f"<{threshold}: {median:.1f}")
    return "; ".join(parts) + " wk (cohort median, n=1000)", ok, "each 6.8/8.7/10.0/13.0 wk +/- 30%"


def _hand_rec():
    res = _handelsman_cohort()
    published = {3: 9.0, 5: 9.9, 10: 11.5, 20: 13.6}
    parts, ok = [], True
    for threshold, weeks in published.items():
        w = crossing_weeks(res, threshold, after=HANDELSMAN_TREATMENT_DAYS, direction="above")
        median = float(np.nanmedian(w))
        ok &= _rel(median, 0.7 * weeks, 1.3 * weeks)
        parts.append(f">{threshold}: {median:.1f}")
    return "; ".join(parts) + " wk after 12 months (cohort median)", ok, "each 9.0/9.9/11.5/13.6 wk +/- 30%"


def _treated_change(preset, regimens, day, output, published_before, published_after, tol):
    def run():
        res = _sim(regimens, preset, days=day)
        before, after = res.at(0)[output], res.at(day)[output]
        model_change = after / before - 1
        ok, tol_text = _change_check(published_after / published_before - 1, tol, model_change)
        return f"{before:.3g} -> {after:.3g} ({model_change:+.0%})", ok, tol_text

    return run


LEDER_ANASTROZOLE = [R("anastrozole", 1, every=1, start=0, stop=84)]
HELO_CLOMIPHENE = [R("clomiphene", 25, every=1, start=0)]


def _belchetz_daily():
    patient = Patient.preset("gnrh_deficient")
    pulses = _sim(R("gonadorelin", 10, every=120 / 1440), patient, days=28)
    continuous = _sim(_drugs.Infusion("gonadorelin", 120), patient, days=28)
    switch = _sim([R("gonadorelin", 10, every=120 / 1440, start=0, stop=28), _drugs.Infusion("gonadorelin", 120, start=28)], patient, days=56)
    lh_pulses = pulses.at(28)["LH"]
    lh_cont = continuous.at(28)["LH"]
    lh_switch = switch.at(56)["LH"]
    ok = lh_pulses >= 2.2 and lh_cont < 0.3 * lh_pulses and lh_switch < 0.3 * switch.at(27)["LH"]
    return f"daily model, LH day 28: pulses {lh_pulses:.1f}, continuous {lh_cont:.2f}; after switching {lh_switch:.2f} IU/L", ok


#: The pulse-level Belchetz scenario: 10 ug of gonadorelin every 90 min, or the same mean
#: amount (160 ug/day) infused without pause, or pulses for a week and then the infusion.
BELCHETZ_PULSES = R("gonadorelin", 10, every=90 / 1440)
BELCHETZ_CONTINUOUS = _drugs.Infusion("gonadorelin", 160)
BELCHETZ_DAYS = 14


def belchetz_pulse_model():
    """Day means of LH and FSH (IU/L) in the GnRH-deficient patient, pulse-level model:
    ``{"pulses": ..., "continuous": ..., "switch": ...}``, each a dict of arrays over days."""
    from .pulses import simulate_pulses

    week = BELCHETZ_DAYS // 2
    runs = {
        "pulses": [BELCHETZ_PULSES],
        "continuous": [BELCHETZ_CONTINUOUS],
        "switch": [R("gonadorelin", 10, every=90 / 1440, stop=week), _drugs.Infusion("gonadorelin", 160, start=week)],
    }
    out = {}
    for name, regimens in runs.items():
        res = simulate_pulses(24 * BELCHETZ_DAYS, regimens=regimens, patient="gnrh_deficient", seed=1978)
        out[name] = {h: np.array([res.mean(h, 24 * d, 24 * d + 24) for d in range(BELCHETZ_DAYS)]) for h in ("LH", "FSH")}
    return out


def _belchetz():
    daily_text, daily_ok = _belchetz_daily()
    days = belchetz_pulse_model()
    pulses, cont, switch = days["pulses"], days["continuous"], days["switch"]
    week = BELCHETZ_DAYS // 2
    restored = pulses["LH"][1:].min() >= 2.2 and pulses["FSH"][1:].min() >= 1.8
    held = max((cont[h][week:] / pulses[h][week:]).max() for h in ("LH", "FSH"))
    switched = max(switch[h][-1] / switch[h][week - 1] for h in ("LH", "FSH"))
    ok = daily_ok and restored and held < 0.2 and switched < 0.25
    model_text = (
        f"pulse model (10 ug every 90 min vs 160 ug/day): pulses LH {pulses['LH'][1]:.1f}-{pulses['LH'].max():.1f}, "
        f"FSH {pulses['FSH'][1]:.1f}-{pulses['FSH'].max():.1f} IU/L from day 1; continuous at most {held:.0%} of pulsatile "
        f"in week 2; after switching {switched:.0%} of the pulse level; {daily_text}"
    )
    tolerance = (
        "pulses restore LH >= 2.2 and FSH >= 1.8 IU/L; continuous < 20% of pulsatile (LH and FSH, week 2); "
        "switching suppresses below 25% within a week (daily model: continuous < 30%)"
    )
    return model_text, ok, tolerance


def pulse_intervals(profiles: int = 8, parameters=None) -> tuple[float, float]:
    """Mean LH interpulse interval (min) of the healthy man as a study would measure it:
    ``profiles`` 24-h runs (seeds 0, 1, ...), LH sampled every 10 min with assay noise,
    pulses found by Cluster; and the mean interval of the GnRH pulses the model fired."""
    from .pulses import detect_pulses, measure, simulate_pulses

    detected, generated = [], []
    for seed in range(profiles):
        res = simulate_pulses(24, seed=seed, parameters=parameters)
        t, lh = measure(res, "LH", every=10, seed=seed)
        detected.append(np.diff(detect_pulses(t, lh)).mean() * 60)
        generated.append(np.diff(res.pulse_times).mean() * 60)
    return float(np.mean(detected)), float(np.mean(generated))


def _ref_pulse():
    detected, generated = pulse_intervals()
    return (
        f"{detected:.0f} min by Cluster (8 x 24 h, LH every 10 min, {_v('assay_cv_LH'):.0%} assay CV); generator {generated:.0f} min",
        _rel(detected, 95 - 11, 95 + 11),
        "95 +/- 11 min",
    )


def _pk_LH():
    from .pulses import clearance

    hl = clearance()
    ok = 1 <= hl["LH_fast"] <= 40 and _rel(hl["LH_slow"] / 60, 2 * 0.75, 2 * 1.25)
    return f"fast {hl['LH_fast']:.0f} min, slow {hl['LH_slow'] / 60:.1f} h (curve peeling)", ok, "fast component 1-40 min; slow 2 h +/- 25%"


def _pk_FSH():
    from .pulses import clearance

    hl = clearance()["FSH"]
    return f"half-life {hl:.0f} min", _rel(hl, 274 * 0.75, 274 * 1.25), "274 min +/- 25%"


def _pk_gonadorelin():
    from .pulses import clearance, simulate_pulses

    res = simulate_pulses(6, regimens=R("gonadorelin", 10), patient="gnrh_deficient")
    minutes, level = res.t * 60, res["gonadorelin"]
    tmax = minutes[int(np.argmax(level))]
    late = (minutes >= 60) & (minutes <= 240)
    sc = math.log(2) / -np.polyfit(minutes[late], np.log(level[late]), 1)[0]
    iv = clearance()["GnRH"]
    ok = _rel(tmax, 5, 15) and _rel(sc, 24 * 0.75, 24 * 1.25) and _rel(iv, 4 * 0.75, 4 * 1.25)
    return (
        f"SC 10 ug: peak at {tmax:.0f} min, apparent half-life {sc:.0f} min; IV (GnRH) half-life {iv:.1f} min",
        ok,
        "SC peak 5-15 min; apparent half-life 24 min +/- 25%; IV half-life 4 min +/- 25%",
    )


CHECKS = {
    "ref_T": _ref_T,
    "ref_LH": _ref_range("LH"),
    "ref_FSH": _ref_range("FSH"),
    "ref_SHBG": _ref_range("SHBG"),
    "ref_fT": _ref_range("free_T"),
    "ref_E2": _ref_range("E2"),
    "ref_inhB": _ref_range("inhibin_B", 255 - 2 * 59, 255 + 2 * 59),
    "ref_ITT": _ref_ITT,
    "ref_sperm": _ref_sperm,
    "pk_TE": _pk_TE,
    "pk_TC": _pk_TC,
    "pk_gel": None,  # set below
    "pk_enclomiphene": _pk_enclomiphene,
    "pk_clomiphene": _pk_clomiphene,
    "pk_tamoxifen": _pk_tamoxifen,
    "pk_anastrozole": _pk_anastrozole,
    "pk_hcg": _pk_hcg,
    "cov_TE_LH": _cov_ratio("LH", 0, 15),
    "cov_TE_FSH": _cov_ratio("FSH", 0, 15),
    "cov_TE_ITT": _cov_TE_ITT,
    "cov_hcg125": _cov_hcg(125, -45, -5),
    "cov_hcg250": _cov_hcg(250, -27, 13),
    "cov_hcg500": _cov_hcg(500, 6, 46),
    "hand_supp": _hand_supp,
    "hand_rec": _hand_rec,
    "leder_ana": _treated_change("aging", LEDER_ANASTROZOLE, 84, "T", 343, 572, 0.30),
    "leder_ana_E2": _treated_change("aging", LEDER_ANASTROZOLE, 84, "E2", 26, 17, 0.30),
    "leder_ana_LH": _treated_change("aging", LEDER_ANASTROZOLE, 84, "LH", 5.1, 7.9, 0.30),
    "helo_clo_T": _treated_change("secondary_hypogonadism", HELO_CLOMIPHENE, 90, "T", 205, 488, 0.30),
    "helo_clo_E2": _treated_change("secondary_hypogonadism", HELO_CLOMIPHENE, 90, "E2", 17, 34, 0.40),
    "helo_clo_LH": _treated_change("secondary_hypogonadism", HELO_CLOMIPHENE, 90, "LH", 4.0, 6.1, 0.40),
    "shab_clo": _treated_change("secondary_hypogonadism", HELO_CLOMIPHENE, 42, "T", 247.6, 610, 0.30),
    "belchetz": _belchetz,
    "ref_pulse": _ref_pulse,
    "pk_LH": _pk_LH,
    "pk_FSH": _pk_FSH,
    "pk_gonadorelin": _pk_gonadorelin,
}


def _pk_gel():
    t, c = _pk(R("testosterone_gel", 40.5, every=1), 30)
    trough = float(c["exogenous_T"][t >= 29][0])
    return f"pre-dose {trough:.0f} ng/dL (exogenous)", _rel(trough, 350, 750), "350-750 ng/dL"


CHECKS["pk_gel"] = _pk_gel


def run(target_id: str) -> Check:
    """Run one target's scenario."""
    rows = {row["id"]: row for row in targets()}
    if target_id not in rows:
        raise KeyError(f"unknown target {target_id!r}; known targets: {', '.join(rows)}")
    row = rows[target_id]
    published = row["treated"] or row["baseline"] or row["tolerance"]
    if row["baseline"] and row["treated"]:
        published = f"{row['baseline']} -> {row['treated']} {row['unit']}".strip()
    elif published:
        published = f"{published} {row['unit']}".strip()
    if target_id in PENDING:
        return Check(target_id, row["source"], row["measure"], published, "pending: no model checks it yet", row["tolerance"] or "", None)
    model_text, ok, tolerance = CHECKS[target_id]()
    return Check(target_id, row["source"], row["measure"], published, model_text, tolerance, bool(ok))


def report() -> list[dict]:
    """Every target: id, source, measure, published, model, tolerance, within (None = pending)."""
    return [vars(run(row["id"])) for row in targets()]


def format_report(rows=None) -> str:
    """The report as a plain-text table (what the model card and the closing note print)."""
    rows = report() if rows is None else rows
    lines = []
    for r in rows:
        mark = {True: "PASS", False: "FAIL", None: "----"}[r["within"]]
        lines.append(f"{mark}  {r['id']:<16} published {r['published']:<28} model {r['model']}  [{r['tolerance']}]")
    return "\n".join(lines)
