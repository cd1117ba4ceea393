"""The virtual patient lab: its Python side, and links into it from anywhere in the book.

The lab page (book/front/lab.md) runs ``hpg`` in the reader's browser: Pyodide, in a Web
Worker, imports this module from the packed numpy-free core and calls :func:`run`. Everything
here needs the standard library alone; the modules it reaches (``hpg.daily``, ``hpg.drugs``,
``hpg.patients``) are imported on first use.

- :func:`run`: one scenario (JSON) -> its daily outputs (JSON), or hpg's own error message
  together with the form field it names, so the page can show it beside that field.
- :func:`catalogue`: what the page's form offers (drugs, studied ranges, study regimens,
  patient presets and parameters, outputs, reference ranges); written to the site as JSON at
  build time by book/_ext/lab_assets.py.
- :func:`lab_url`: a link that opens the lab on a given scenario ("open these settings in the
  lab"), the whole scenario encoded in the URL fragment.

>>> lab_url([{"drug": "hcg", "dose": 250, "every": 2, "start": 0, "stop": 90}], days=180)  # doctest: +SKIP
'../front/lab.html#%7B%22days%22%3A180%2C...'
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import quote, unquote

__all__ = ["OUTPUTS", "PARAMETERS", "MAX_SCENARIOS", "run", "locate", "catalogue", "lab_url", "lab_link", "runs_link", "results_link", "state_from_url"]

#: The outputs the lab offers, in the order of its checkboxes.
OUTPUTS = ("T", "free_T", "LH", "FSH", "E2", "ITT", "inhibin_B", "sperm", "testis_volume")
#: The patient parameters a teacher would vary (each with its documented range).
PARAMETERS = ("gnrh_drive", "leydig_capacity", "sertoli_capacity", "bmi")
#: Scenarios drawn on one chart at most.
MAX_SCENARIOS = 3
#: The lab page, relative to a chapter page (book/<part>/<chapter>.html).
LAB_PAGE = "../front/lab.html"
#: The fields of a regimen row, as the form and run_scenario name them.
REGIMEN_FIELDS = ("drug", "dose", "rate", "every", "start", "stop", "unit")
#: The browser is slower than a kernel: the lab runs at most ten years.
MAX_DAYS = 3650
#: A dose (or an infusion's daily rate) more than this many times the drug's highest studied
#: one is refused: the model was never meant for it, and it only draws nonsense.
MAX_STUDIED_MULTIPLE = 100


def run(scenario_json: str) -> str:
    """Run one scenario given as JSON; return ``{"t", "outputs", "units"}`` as JSON.

    Only the lab's :data:`OUTPUTS` are returned. Bad input returns
    ``{"error": {"message", "type", "field"}}`` instead, where ``message`` is hpg's own and
    ``field`` is the form field it names (see :func:`locate`), or None. A failure of the model
    itself (hpg's ``SolverError``, say for an absurd dose) is returned the same way.
    """
    scenario = json.loads(scenario_json)
    try:
        result = _checked_run(scenario)
    except Exception as error:  # noqa: BLE001 - any failure is shown to the reader, never a number
        message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
        field = locate(scenario, str(message))
        return json.dumps({"error": {"message": str(message), "type": type(error).__name__, "field": field}})
    shown = [name for name in OUTPUTS if name in result["outputs"]]
    return json.dumps(
        {
            "t": list(result["t"]),
            "outputs": {name: list(result["outputs"][name]) for name in shown},
            "units": {name: result["units"][name] for name in shown},
        }
    )


def _checked_run(scenario: dict) -> dict:
    """:func:`hpg.daily.run_scenario` within the lab's limits (:data:`MAX_DAYS`, doses up to
    :data:`MAX_STUDIED_MULTIPLE` times the highest studied one)."""
    from .daily import run_scenario
    from .drugs import DRUGS

    if isinstance(scenario, dict):
        days = scenario.get("days")
        if isinstance(days, (int, float)) and not isinstance(days, bool) and days > MAX_DAYS:
            raise ValueError(f"days must be at most {MAX_DAYS} in the lab (ten years), got {days!r}")
        for regimen in scenario.get("regimens") or ():
            drug = DRUGS.get(regimen.get("drug")) if isinstance(regimen, dict) else None
            if drug is None or drug.dose_range is None:
                continue
            amount = "rate" if regimen.get("infusion") else "dose"
            value = regimen.get(amount)
            highest = drug.dose_range[1] / (drug.every_range[0] if amount == "rate" and drug.every_range else 1.0)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > MAX_STUDIED_MULTIPLE * highest:
                unit = f"{drug.unit}/day" if amount == "rate" else drug.unit
                raise ValueError(
                    f"{amount} must be at most {MAX_STUDIED_MULTIPLE} times the highest studied {amount} of "
                    f"{drug.name} ({MAX_STUDIED_MULTIPLE * highest:g} {unit}), got {value!r}"
                )
    return run_scenario(scenario)


def _first_named(message: str, names) -> str | None:
    """The name among ``names`` that ``message`` mentions first (as a whole word), or None."""
    found = [(m.start(), name) for name in names if (m := re.search(rf"\b{re.escape(name)}\b", message))]
    return min(found)[1] if found else None


def locate(scenario: dict, message: str) -> str | None:
    """The form field that hpg's error ``message`` is about, as a path the page understands:
    ``"days"``, ``"patient.<name>"`` (``"patient.preset"`` for the preset) or
    ``"regimens.<row>.<field>"``. None when no single field is to blame.

    The message names the argument but not the row, so each part of the scenario is checked
    alone, for one day, through the same validation (:func:`hpg.daily.run_scenario` and the
    lab's limits).
    """

    def fails(part: dict) -> bool:
        try:
            _checked_run({"patient": {"preset": "healthy"}, "regimens": [], "days": 1, **part})
        except Exception:  # noqa: BLE001 - whatever run() would report
            return True
        return False

    patient = scenario.get("patient")
    if isinstance(patient, dict) and fails({"patient": patient}):
        name = _first_named(message, [*patient, "preset"])
        return f"patient.{name}" if name else "patient"
    regimens = scenario.get("regimens")
    if isinstance(regimens, list):
        for row, regimen in enumerate(regimens):
            if fails({"regimens": [regimen]}):
                name = _first_named(message, REGIMEN_FIELDS)
                return f"regimens.{row}.{name}" if name else f"regimens.{row}"
    if _first_named(message, ["days"]):
        return "days"
    return None


def catalogue() -> dict:
    """What the lab's form offers, for the page (JSON-ready; written at build time)."""
    from .daily import run_scenario
    from .drugs import DRUGS
    from .patients import PATIENT_PARAMETERS, PRESETS

    units = run_scenario({"patient": {"preset": "healthy"}, "regimens": [], "days": 1})["units"]
    try:
        from .validation import REFERENCE_RANGES
    except ImportError:  # the numpy-free core alone: no reference ranges to shade
        REFERENCE_RANGES = {}
    drugs = []
    for drug in DRUGS.values():
        drugs.append(
            {
                "name": drug.name,
                "unit": drug.unit,
                "route": drug.route,
                "dose_range": drug.dose_range,
                "every_range": drug.every_range,
                "infusion": bool(getattr(drug, "pulse_averaged", False)),
                "studies": [
                    {"name": s.name, "source": s.source, "dose": s.dose, "every": s.every}
                    for s in drug.studies
                    if s.is_regimen
                ],
            }
        )
    return {
        "drugs": drugs,
        "presets": {name: {"parameters": dict(p["parameters"]), "why": p["why"]} for name, p in PRESETS.items()},
        "parameters": {
            name: dict(zip(("default", "low", "high", "unit", "meaning"), PATIENT_PARAMETERS[name])) for name in PARAMETERS
        },
        "outputs": {
            name: {"unit": units[name], "reference": list(REFERENCE_RANGES[name][:2]) if name in REFERENCE_RANGES else None}
            for name in OUTPUTS
        },
        "max_scenarios": MAX_SCENARIOS,
    }


def _regimen(regimen) -> dict:
    """A regimen as the lab's form holds it: from a dict, an ``hpg.Regimen`` or an ``hpg.Infusion``."""
    if isinstance(regimen, dict):
        return dict(regimen)
    if hasattr(regimen, "rate"):
        return {"drug": regimen.drug, "rate": regimen.rate, "start": regimen.start, "stop": regimen.stop, "infusion": True}
    if hasattr(regimen, "dose"):
        return {"drug": regimen.drug, "dose": regimen.dose, "every": regimen.every, "start": regimen.start, "stop": regimen.stop}
    raise TypeError(f"regimens must be hpg.Regimen, hpg.Infusion or dict items, got {type(regimen).__name__} {regimen!r}")


def _patient(patient) -> dict:
    """A patient as the lab's form holds it: its preset and the parameters that differ from it."""
    from .patients import PATIENT_PARAMETERS, PRESETS

    if patient is None:
        return {"preset": "healthy"}
    if isinstance(patient, str):
        if patient not in PRESETS:
            raise ValueError(f"unknown patient preset {patient!r}; known presets: {', '.join(PRESETS)}")
        return {"preset": patient}
    if isinstance(patient, dict):
        return dict(patient)
    if not hasattr(patient, "values"):
        raise TypeError(f"patient must be an hpg.Patient, a preset name or a dict, got {type(patient).__name__} {patient!r}")
    preset = patient.name if patient.name in PRESETS else "healthy"
    base = {name: spec[0] for name, spec in PATIENT_PARAMETERS.items()} | PRESETS[preset]["parameters"]
    return {"preset": preset, **{name: value for name, value in patient.values().items() if value != base[name]}}


def lab_url(regimens=(), patient=None, days=365, *, label: str = "", page: str = LAB_PAGE) -> str:
    """A link that opens the lab on this scenario.

    ``regimens``: ``hpg.Regimen`` / ``hpg.Infusion`` objects or the lab's dicts (one or a
    list); ``patient``: an ``hpg.Patient``, a preset name, a dict or None (healthy); ``days``:
    the run length. ``page`` is the lab's address relative to the linking page (the default
    suits a chapter page). The scenario is checked by the lab when it runs, with hpg's messages.
    """
    if not isinstance(regimens, (list, tuple)):
        regimens = [regimens]
    if isinstance(days, bool) or not isinstance(days, (int, float)) or not days > 0:
        raise ValueError(f"days must be a number > 0, got {days!r}")
    scenario = {"label": label, "patient": _patient(patient), "regimens": [_regimen(r) for r in regimens]}
    state = {"days": days, "scenarios": [scenario]}
    return f"{page}#{quote(json.dumps(state, separators=(',', ':')), safe='')}"


def lab_link(regimens=(), patient=None, days=365, *, label: str = "", page: str = LAB_PAGE) -> str:
    """The HTML of a link "Open these settings in the lab" (arguments as :func:`lab_url`), for an
    explorer's note or footer."""
    url = lab_url(regimens, patient, days, label=label, page=page)
    return f'<a class="hpg-lab-link" href="{html.escape(url)}">Open these settings in the lab</a>'


def runs_link(runs, *, page: str = LAB_PAGE) -> str:
    """The link "Open these settings in the lab" for the simulations ``runs`` (each
    ``(regimens, patient, days)``, as :func:`hpg.model.recording` collects them), overlaid as
    up to :data:`MAX_SCENARIOS` scenarios over the longest run; "" if there is none the lab
    can show (no run, or one longer than :data:`MAX_DAYS`)."""
    distinct = []
    for regimens, patient, days in runs:
        scenario = {"patient": _patient(patient), "regimens": [_regimen(r) for r in regimens]}
        if days <= MAX_DAYS and scenario not in [s for s, _ in distinct]:
            distinct.append((scenario, days))
    if not distinct:
        return ""
    shown = distinct[:MAX_SCENARIOS]
    for k, (scenario, _) in enumerate(shown):
        scenario["label"] = f"Scenario {k + 1}" if len(shown) > 1 else ""
    state = {"days": max(days for _, days in shown), "scenarios": [scenario for scenario, _ in shown]}
    url = f"{page}#{quote(json.dumps(state, separators=(',', ':')), safe='')}"
    return f'<a class="hpg-lab-link" href="{html.escape(url)}">Open these settings in the lab</a>'


def results_link(results, *, page: str = LAB_PAGE) -> str:
    """:func:`runs_link` for simulation results (an ``hpg.simulate`` result, a list of them, or a
    dict of them by label): each carries its regimens, patient and length."""
    runs = results.values() if isinstance(results, dict) else results if isinstance(results, (list, tuple)) else [results]
    return runs_link([(r.regimens, r.patient, float(r.t[-1])) for r in runs], page=page)


def state_from_url(url: str) -> dict:
    """The lab state encoded in a URL made by :func:`lab_url` (the inverse, for tests and tools)."""
    _, _, fragment = url.partition("#")
    if not fragment:
        raise ValueError(f"url must end with '#<scenario>' as lab_url makes, got {url!r}")
    return json.loads(unquote(fragment))
