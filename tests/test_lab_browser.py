"""The virtual patient lab in a real Chromium, with every non-local request blocked.

The lab (book/front/lab.md) starts Pyodide in a Web Worker and runs hpg there. These tests open
the built page, let Python start, and hold the page to the issue: the numbers in its data table
are those of ``hpg.simulate`` in CPython; every control reruns the model and changes the chart
and the table; the address restores the whole setup; bad input shows hpg's own message beside
its field and nothing is drawn; axe finds nothing serious; a phone-sized screen works.

``HPG_SITE=<folder>`` tests an already built site instead of building one (while developing).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from conftest import SITE, toc_docnames
from test_browser import SERIOUS, PageVisit, browser, server  # noqa: F401 - fixtures

import hpg
from hpg.lab import catalogue, lab_url

pytestmark = pytest.mark.browser

LAB = "book/front/lab.html"
FIRST_RUN_MS = 180_000  # Python starts in the page: seconds alone, longer on a loaded two-core machine
RUN_MS = 60_000

TABLE = """() => {
    const table = document.querySelector('.hpg-lab-table');
    if (!table) return null;
    const heads = Array.from(table.querySelectorAll('thead th')).slice(1);
    const rows = Array.from(table.querySelectorAll('tbody tr'));
    return {
        columns: heads.map(th => [th.dataset.output, Number(th.dataset.scenario)]),
        days: rows.map(r => Number(r.querySelector('th').textContent)),
        values: heads.map((_, j) => rows.map(r => Number(r.children[j + 1].dataset.value))),
    };
}"""
CHART = "() => Array.from(document.querySelectorAll('.hpg-lab-results canvas')).map(c => c.toDataURL()).join('|')"
STATE = "() => JSON.parse(JSON.stringify(window.hpgLab.state))"


@pytest.fixture(scope="module")
def site(request):
    if folder := os.environ.get("HPG_SITE"):
        return Path(folder)
    build = request.getfixturevalue("site_build")
    assert build["returncode"] == 0, "the strict build failed:\n" + build["log"][-5000:]
    return SITE


class LabPage(PageVisit):
    """The lab opened at ``fragment``, after its first run."""

    def __init__(self, browser, server, fragment: str = ""):
        super().__init__(browser, f"{server}/{LAB}{fragment}")
        self.runs = 0
        self.wait_for_run()

    def wait_for_run(self):
        """Wait until the lab has finished one more run than before and none is due (a field's
        input and change events can each schedule one; the page must show the latest)."""
        self.page.wait_for_function(
            "n => { const lab = document.getElementById('hpg-lab');"
            " return Number(lab.dataset.runs || 0) > n && lab.dataset.busy === '0'; }",
            arg=self.runs,
            timeout=FIRST_RUN_MS if self.runs == 0 else RUN_MS,
        )
        self.runs = int(self.page.evaluate("document.getElementById('hpg-lab').dataset.runs"))
        return self.page.evaluate("document.getElementById('hpg-lab').dataset.state")

    def set(self, selector: str, value: str) -> str:
        """Type ``value`` into a field, as a reader would, and wait for the rerun."""
        field = self.page.locator(selector)
        field.fill(value)
        field.dispatch_event("change")
        return self.wait_for_run()

    def click(self, name: str, scenario: int | None = None) -> str:
        """Press a button (of one scenario's fieldset, if given) and wait for the rerun."""
        scope = self.page if scenario is None else self.page.locator(f'fieldset[data-scenario="{scenario}"]')
        scope.get_by_role("button", name=name, exact=True).click()
        return self.wait_for_run()

    def table(self) -> dict | None:
        return self.page.evaluate(TABLE)

    def chart(self) -> str:
        return self.page.evaluate(CHART)

    def state(self) -> dict:
        return self.page.evaluate(STATE)


@pytest.fixture(scope="module")
def opened(browser, server):  # noqa: F811 - the fixtures imported above
    """One lab page for the tests below: Python starts once."""
    visit = LabPage(browser, server)
    visit.default = visit.state()
    yield visit
    visit.close()


@pytest.fixture
def lab(opened):
    """The lab page, back at its default scenario ("Start again") on a desktop screen."""
    opened.page.set_viewport_size({"width": 1280, "height": 900})
    if opened.state() != opened.default or opened.page.locator("#hpg-lab").get_attribute("data-state") != "done":
        assert opened.click("Start again") == "done"
    assert opened.state() == opened.default
    yield opened
    assert opened.external == [], "the lab made a request to another host"
    assert opened.errors == [], "script errors on the lab page"


def cpython(scenario: dict, days) -> hpg.Result:
    """What hpg.simulate gives in this process for a scenario as the lab holds it, on the plain
    path: the browser runs the same Python code, so the two agree to rounding (the compiled path
    agrees with the plain one to 5e-8 of each output's scale, tests/test_core.py)."""
    regimens = []
    for r in scenario["regimens"]:
        if r.get("infusion"):
            regimens.append(hpg.Infusion(r["drug"], r["rate"], start=r["start"], stop=r["stop"]))
        else:
            regimens.append(hpg.Regimen(r["drug"], dose=r["dose"], every=r["every"], start=r["start"], stop=r["stop"]))
    patient = dict(scenario["patient"])
    return hpg.simulate(regimens, patient=hpg.Patient.preset(patient.pop("preset"), **patient), days=days, compiled=False)


def assert_table_is_cpython(lab: LabPage):
    state, table = lab.state(), lab.table()
    assert table and table["columns"], "the lab shows a data table"
    expected = [cpython(s, state["days"]) for s in state["scenarios"]]
    assert table["days"] == list(expected[0].t)
    assert {name for name, _ in table["columns"]} == set(state["outputs"])
    for (name, s), values in zip(table["columns"], table["values"]):
        np.testing.assert_allclose(values, expected[s][name], rtol=1e-9, atol=0, err_msg=f"{name}, scenario {s}")


def test_the_site_serves_pyodide_and_hpg_to_the_lab_page_only(site):
    for path in ("_vendor/pyodide/pyodide.mjs", "_vendor/pyodide/pyodide.asm.wasm", "_vendor/pyodide/python_stdlib.zip", "_lab/hpg.zip"):
        assert (site / path).is_file(), path
    assert json.loads((site / "_lab/catalogue.json").read_text()) == json.loads(json.dumps(catalogue()))
    built = [name for name in toc_docnames() if (site / f"{name}.html").is_file()]  # all (test_build), or HPG_SITE's
    pages = {name: (site / f"{name}.html").read_text(encoding="utf-8") for name in built}
    assert "_static/lab/lab.js" in pages[LAB.removesuffix(".html")]
    assert [name for name, text in pages.items() if "_static/lab/" in text or "_vendor/pyodide" in text] == [LAB.removesuffix(".html")]


def test_the_lab_starts_python_and_runs_the_default_scenario(lab):
    root = lab.page.locator("#hpg-lab")
    assert root.get_attribute("data-ready") == "true"
    assert root.get_attribute("data-state") == "done"
    state = lab.state()
    assert lab.page.locator(".hpg-lab-results canvas").count() == len(state["outputs"])
    assert lab.page.locator(".hpg-lab-download").get_attribute("href").startswith("blob:")
    assert "Computed" in lab.page.locator(".hpg-lab-status").inner_text()


def test_the_data_table_is_hpg_simulate_in_cpython(lab):
    assert_table_is_cpython(lab)


EVERY_DRUG = [
    {"drug": "testosterone_cypionate", "dose": 100, "every": 14, "start": 0, "stop": 60},
    {"drug": "testosterone_enanthate", "dose": 200, "every": 7, "start": 20, "stop": 60},
    {"drug": "testosterone_gel", "dose": 40.5, "every": 1, "start": 60, "stop": 90},
    {"drug": "hcg", "dose": 250, "every": 2, "start": 30, "stop": 120},
    {"drug": "clomiphene", "dose": 25, "every": 1, "start": 90, "stop": 150},
    {"drug": "enclomiphene", "dose": 12.5, "every": 1, "start": 100, "stop": 150},
    {"drug": "tamoxifen", "dose": 20, "every": 1, "start": 150, "stop": 200},
    {"drug": "anastrozole", "dose": 1, "every": 1, "start": 150, "stop": 200},
    {"drug": "follitropin", "dose": 150, "every": 2, "start": 120, "stop": 200},
    {"drug": "gonadorelin", "dose": 10, "every": 0.0625, "start": 200, "stop": 215},
    {"drug": "gonadorelin", "rate": 120, "start": 220, "stop": 230, "infusion": True},
    {"drug": "leuprolide", "dose": 1, "every": 1, "start": 232, "stop": 240},
]


def test_a_scenario_with_every_drug_agrees_with_cpython(browser, server):  # noqa: F811
    assert {r["drug"] for r in EVERY_DRUG} == set(hpg.drugs.DRUGS)
    state = {
        "days": 240,
        "outputs": list(hpg.lab.OUTPUTS),
        "scenarios": [
            {"label": "every drug", "patient": {"preset": "aging", "gnrh_drive": 0.9, "bmi": 30}, "regimens": EVERY_DRUG},
            {"label": "none", "patient": {"preset": "secondary_hypogonadism"}, "regimens": []},
        ],
    }
    visit = LabPage(browser, server, "#" + quote(json.dumps(state)))
    try:
        assert visit.page.locator("#hpg-lab").get_attribute("data-state") == "done"
        assert visit.state() == state
        assert_table_is_cpython(visit)
    finally:
        visit.close()


def test_changing_a_dose_changes_the_chart_and_the_table(lab):
    table, chart = lab.table(), lab.chart()
    assert lab.set("#s0-r0-dose", "100") == "done"
    assert lab.state()["scenarios"][0]["regimens"][0]["dose"] == 100
    assert lab.table()["values"] != table["values"]
    assert lab.chart() != chart
    assert_table_is_cpython(lab)


def test_adding_a_regimen_changes_the_chart_and_the_table(lab):
    table, chart = lab.table(), lab.chart()
    assert lab.click("Add a regimen") == "done"
    assert len(lab.state()["scenarios"][0]["regimens"]) == 2
    assert lab.page.locator("#s0-r1-drug").is_visible()
    assert lab.table()["values"] != table["values"]
    assert lab.chart() != chart
    # A study's regimen from the list of presets, labelled with its study.
    table = lab.table()
    option = lab.page.locator("#s0-study option", has_text="regimen used in Coviello 2005").first
    lab.page.select_option("#s0-study", value=option.get_attribute("value"))
    assert lab.wait_for_run() == "done"
    assert lab.state()["scenarios"][0]["regimens"][2]["drug"] in {"testosterone_enanthate", "hcg"}
    assert lab.table()["values"] != table["values"]


def test_a_second_scenario_is_overlaid_and_tabulated(lab):
    table, chart = lab.table(), lab.chart()
    assert lab.click("Add a scenario (a copy of the last)") == "done"
    lab.page.locator("#s1-label").fill("Without treatment")
    lab.page.locator("#s1-label").dispatch_event("change")
    assert lab.click("Remove regimen 1", scenario=1) == "done"
    state = lab.state()
    assert [len(s["regimens"]) for s in state["scenarios"]] == [1, 0]
    after = lab.table()
    assert {s for _, s in after["columns"]} == {0, 1}
    assert len(after["columns"]) == 2 * len(table["columns"])
    assert after["values"][: len(table["columns"])] != after["values"][len(table["columns"]) :]
    assert lab.chart() != chart
    figure = lab.page.locator(".hpg-lab-figure").first
    assert "Testosterone for a year" in figure.inner_text() and "Without treatment" in figure.inner_text()
    assert "dashed line" in figure.locator(".hpg-lab-plot").get_attribute("aria-label")
    assert_table_is_cpython(lab)


def test_the_address_restores_the_whole_setup(lab, browser, server):  # noqa: F811
    lab.set("#s0-patient-gnrh_drive", "0.7")
    lab.click("Add a scenario (a copy of the last)")
    lab.set("#s1-r0-every", "14")
    lab.set("#lab-days", "400")
    lab.page.locator("#lab-output-E2").check()
    state, table = lab.state(), lab.table()
    reopened = LabPage(browser, server, "#" + lab.page.url.split("#", 1)[1])
    try:
        assert reopened.state() == state
        assert reopened.table() == table
        assert state["scenarios"][0]["patient"] == {"preset": "healthy", "gnrh_drive": 0.7}
        assert "E2" in state["outputs"] and state["days"] == 400
    finally:
        reopened.close()


def test_an_explorers_link_opens_its_settings(browser, server):  # noqa: F811
    url = lab_url(
        [hpg.Regimen("testosterone_cypionate", dose=100, every=7, start=0, stop=120), hpg.Regimen("hcg", dose=500, every=2, start=0, stop=120)],
        hpg.Patient.preset("obese", leydig_capacity=0.8),
        days=200,
        label="from an explorer",
    )
    assert url.startswith("../front/lab.html#")
    visit = LabPage(browser, server, "#" + url.split("#", 1)[1])
    try:
        scenario = visit.state()["scenarios"][0]
        assert scenario["label"] == "from an explorer"
        assert visit.page.locator("#s0-patient-preset").input_value() == "obese"
        assert visit.page.locator("#s0-patient-leydig_capacity").input_value() == "0.8"
        assert visit.page.locator("#s0-r1-drug").input_value() == "hcg"
        assert visit.page.locator("#s0-r1-dose").input_value() == "500"
        assert visit.page.locator("#lab-days").input_value() == "200"
        assert_table_is_cpython(visit)
    finally:
        visit.close()


BAD_INPUT = [("#s0-r0-dose", "", "dose"), ("#s0-r0-dose", "1e9", "dose"), ("#s0-r0-stop", "-1", "stop"), ("#s0-patient-bmi", "99", "bmi"), ("#lab-days", "0", "days")]


def test_bad_input_shows_hpgs_message_beside_its_field_and_draws_nothing(lab):
    for field, value, named in BAD_INPUT:  # one page: each bad value, then the good one back
        good = lab.page.locator(field).input_value()
        assert lab.set(field, value) == "error", f"{field} = {value!r} is refused"
        message = lab.page.locator(f"{field} ~ .hpg-lab-message:not([hidden])")
        assert message.count() == 1, f"one message beside {field}"
        assert named in message.inner_text()
        assert lab.page.locator(field).get_attribute("aria-invalid") == "true"
        assert message.get_attribute("id") in lab.page.locator(field).get_attribute("aria-describedby")
        assert lab.page.locator(".hpg-lab-results canvas").count() == 0, "no chart from bad input"
        assert lab.table() is None, "no table from bad input"
        assert named in lab.page.locator(".hpg-lab-status").inner_text()
        assert lab.set(field, good) == "done"
        assert lab.page.locator(".hpg-lab-message:not([hidden])").count() == 0
        assert lab.page.locator(field).get_attribute("aria-invalid") is None


def test_outside_the_studied_range_is_marked_but_still_computed(lab):
    assert "outside the studied range" not in lab.page.locator("#s0-r0-dose-note").inner_text()
    assert lab.set("#s0-r0-dose", "400") == "done"
    assert "outside the studied range" in lab.page.locator("#s0-r0-dose-note").inner_text()


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_no_serious_accessibility_violation_with_results_and_with_an_error(lab):
    lab.click("Add a scenario (a copy of the last)")
    assert _serious_violations(lab.page) == []
    lab.set("#s0-r0-dose", "")
    assert _serious_violations(lab.page) == []


def test_the_lab_works_on_a_375_pixel_wide_screen(lab):
    lab.page.set_viewport_size({"width": 375, "height": 800})
    lab.click("Run")
    lab.page.wait_for_timeout(300)  # the charts follow the resize on the next frame
    width = lab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways ({width} px)"
    for box in lab.page.locator(".hpg-lab-results canvas, .hpg-lab input, .hpg-lab select, .hpg-lab button").evaluate_all(
        "nodes => nodes.map(n => n.getBoundingClientRect()).map(r => [r.left, r.right])"
    ):
        assert box[0] >= 0 and box[1] <= 375, f"a control or chart sticks out of the screen: {box}"
    assert lab.set("#s0-r0-dose", "150") == "done"
