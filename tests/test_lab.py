"""The lab's Python side (hpg.lab): the scenarios it runs, the fields its errors name, the
catalogue its form is built from, the links into it, and the package it ships to the browser.

The lab page itself, in Chromium, is tested in tests/test_lab_browser.py.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hpg
from hpg import lab
from hpg.drugs import DRUGS
from hpg.patients import PATIENT_PARAMETERS, PRESETS

ROOT = Path(__file__).resolve().parents[1]
TRT = {"drug": "testosterone_enanthate", "dose": 200, "every": 7, "start": 0, "stop": 60}
HCG = {"drug": "hcg", "dose": 250, "every": 2, "start": 10, "stop": 50}


def scenario(*regimens, patient=None, days=90):
    return {"patient": patient or {"preset": "healthy"}, "regimens": list(regimens), "days": days}


def run(s) -> dict:
    return json.loads(lab.run(json.dumps(s)))


def test_run_returns_every_lab_output_for_every_day():
    result = run(scenario(TRT, days=90))
    assert result["t"] == list(range(91))
    assert set(result["outputs"]) == set(lab.OUTPUTS)
    assert all(len(values) == 91 for values in result["outputs"].values())
    assert result["units"]["T"] == "ng/dL"


def test_run_is_hpg_simulate():
    result = run(scenario(TRT, HCG, patient={"preset": "aging", "bmi": 31}, days=120))
    expected = hpg.simulate(
        [hpg.Regimen("testosterone_enanthate", dose=200, every=7, start=0, stop=60), hpg.Regimen("hcg", dose=250, every=2, start=10, stop=50)],
        patient=hpg.Patient.preset("aging", bmi=31),
        days=120,
    )
    for name in lab.OUTPUTS:
        assert result["outputs"][name] == pytest.approx(list(expected[name]), rel=1e-9), name  # to the fast loop's 1e-7 (tests/test_core.py)


def test_two_forms_of_testosterone_add_up():
    """A lab scenario may combine drugs that share a species (every testosterone form gives
    exogenous T): each adds its own, none replaces another."""
    gel = {"drug": "testosterone_gel", "dose": 40.5, "every": 1, "start": 0, "stop": 60}
    alone = [run(scenario(r, days=30))["outputs"]["T"][20] for r in (TRT, gel)]
    both = run(scenario(TRT, gel, days=30))["outputs"]["T"][20]
    assert both > max(alone)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"regimens": [TRT, {**HCG, "dose": None}]}, "regimens.1.dose", ["dose"]),
        ({"regimens": [TRT, {**HCG, "dose": -5}]}, "regimens.1.dose", ["dose", "-5"]),
        ({"regimens": [{**TRT, "start": 40, "stop": 10}]}, "regimens.0.stop", ["stop"]),
        ({"regimens": [TRT, {**HCG, "drug": "aspirin"}]}, "regimens.1.drug", ["aspirin"]),
        ({"regimens": [{**TRT, "every": 0}]}, "regimens.0.every", ["every"]),
        ({"patient": {"preset": "healthy", "bmi": 99}}, "patient.bmi", ["bmi", "99"]),
        ({"patient": {"preset": "giant"}}, "patient.preset", ["giant"]),
        ({"days": -3}, "days", ["days", "-3"]),
        ({"days": 5000}, "days", ["days", "3650", "5000"]),
        ({"regimens": [TRT, {**HCG, "dose": 1e9}]}, "regimens.1.dose", ["dose", "hcg", "50000 IU", "1000000000.0"]),
        ({"regimens": [{"drug": "gonadorelin", "rate": 1e6, "start": 0, "stop": 10, "infusion": True}]}, "regimens.0.rate", ["rate", "ug/day"]),
    ],
)
def test_bad_input_returns_hpgs_message_and_the_field_it_names(change, field, words):
    result = run({**scenario(TRT), **change})
    assert set(result) == {"error"}, "nothing is computed from bad input"
    assert result["error"]["field"] == field
    for word in words:
        assert word in result["error"]["message"]


def test_catalogue_is_the_packages_own_metadata():
    catalogue = json.loads(json.dumps(lab.catalogue()))  # JSON-ready
    assert [d["name"] for d in catalogue["drugs"]] == list(DRUGS)
    for entry in catalogue["drugs"]:
        drug = DRUGS[entry["name"]]
        assert entry["unit"] == drug.unit
        assert entry["dose_range"] == (list(drug.dose_range) if drug.dose_range else None)
        assert len(entry["studies"]) == sum(s.is_regimen for s in drug.studies)
    assert list(catalogue["presets"]) == list(PRESETS)
    for name, spec in catalogue["parameters"].items():
        assert (spec["default"], spec["low"], spec["high"]) == PATIENT_PARAMETERS[name][:3]
    assert list(catalogue["outputs"]) == list(lab.OUTPUTS)
    assert catalogue["outputs"]["T"]["reference"][0] < 531 < catalogue["outputs"]["T"]["reference"][1]


def test_lab_url_carries_objects_and_patients_as_the_lab_reads_them():
    url = lab.lab_url(
        [hpg.Regimen("hcg", dose=250, every=2, start=0, stop=90), hpg.Infusion("gonadorelin", 120, start=5, stop=30)],
        hpg.Patient.preset("aging", bmi=31),
        days=180,
        label="hCG",
    )
    assert url.startswith("../front/lab.html#")
    assert lab.state_from_url(url) == {
        "days": 180,
        "scenarios": [
            {
                "label": "hCG",
                "patient": {"preset": "aging", "bmi": 31.0},
                "regimens": [
                    {"drug": "hcg", "dose": 250.0, "every": 2.0, "start": 0.0, "stop": 90.0},
                    {"drug": "gonadorelin", "rate": 120.0, "start": 5.0, "stop": 30.0, "infusion": True},
                ],
            }
        ],
    }


def test_lab_url_state_runs_unchanged():
    state = lab.state_from_url(lab.lab_url(hpg.Regimen("hcg", dose=250, every=2, start=0, stop=60), "obese", days=90))
    s = state["scenarios"][0]
    assert "error" not in run({"patient": s["patient"], "regimens": s["regimens"], "days": state["days"]})


def test_lab_link_is_an_html_link_to_the_same_url():
    regimens, patient = [hpg.Regimen("clomiphene", dose=25, every=1, start=0, stop=90)], hpg.Patient.preset("secondary_hypogonadism")
    link = lab.lab_link(regimens, patient, days=120, label="a <b> & c")
    href = link.split('href="', 1)[1].split('"', 1)[0]
    assert href == lab.lab_url(regimens, patient, days=120, label="a <b> & c")
    assert link.endswith(">Open these settings in the lab</a>") and "<b>" not in link


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"regimens": [42]}, ["regimens", "42"]),
        ({"patient": "giant"}, ["giant", "healthy"]),
        ({"patient": 3.5}, ["patient", "3.5"]),
        ({"days": 0}, ["days", "0"]),
    ],
)
def test_lab_url_rejects_what_it_cannot_encode(arguments, words):
    with pytest.raises((TypeError, ValueError)) as error:
        lab.lab_url(**arguments)
    for word in words:
        assert word in str(error.value)


def test_the_lab_runs_with_the_standard_library_alone():
    """What the browser imports: hpg.lab and everything it reaches, with numpy unavailable."""
    code = (
        "import sys, json; sys.modules['numpy'] = None\n"
        "import hpg.lab\n"
        f"r = json.loads(hpg.lab.run(json.dumps({scenario(TRT, HCG, days=30)!r})))\n"
        "assert 'error' not in r, r\n"
        "print(sorted(m for m in sys.modules if m.startswith('hpg')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_packed_package_holds_every_module_and_data_file(tmp_path):
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        import lab_assets
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))
    lab_assets.write_zip(tmp_path / "hpg.zip")
    names = set(zipfile.ZipFile(tmp_path / "hpg.zip").namelist())
    assert {"hpg/__init__.py", "hpg/lab.py", "hpg/daily.py", "hpg/data/clinical_targets.csv"} <= names
    assert {f"hpg/{p.name}" for p in (ROOT / "hpg").glob("*.py")} <= names
    first = (tmp_path / "hpg.zip").read_bytes()
    lab_assets.write_zip(tmp_path / "hpg.zip")
    assert (tmp_path / "hpg.zip").read_bytes() == first, "the same files pack to the same bytes"


def test_an_explorer_links_each_setting_to_the_lab_with_its_simulations():
    import matplotlib

    matplotlib.use("Agg")
    from hpg import plots, widgets

    def draw(dose=200):
        runs = [hpg.simulate(hpg.Regimen("testosterone_enanthate", dose, every=7, stop=60), days=90),
                hpg.simulate([], "aging", days=90)]
        fig = plots.time_course({"on": runs[0], "off": runs[1]}, ["T"])
        return fig, plots.describe({"on": runs[0], "off": runs[1]}, ["T"])

    explorer = widgets.explore(draw, dose=widgets.Slider("Dose", [100, 200], unit="mg", value=200))
    page = explorer.render({"dose": 100})
    link = re.search(r'href="([^"]+)"', page).group(1)
    state = hpg.lab.state_from_url(html.unescape(link))
    assert state["days"] == 90 and len(state["scenarios"]) == 2
    first, second = state["scenarios"]
    assert first["regimens"][0]["drug"] == "testosterone_enanthate" and first["regimens"][0]["dose"] == 100
    assert second == {"patient": {"preset": "aging"}, "regimens": [], "label": "Scenario 2"}
    toy = widgets.explore(lambda n=4: (plots.plot_toy(hpg.toy.simulate(n=n)), "toy"), n=widgets.Slider("n", [4, 8], value=4))
    assert "hpg-lab-link" not in toy.render({"n": 4})  # the toy model is not the lab's
