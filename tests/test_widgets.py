"""hpg.widgets: explorers declared in one call, their static face (precomputed figures
linked in the browser), their live face (recomputes in a kernel), and honest controls.

What the browser does with the embedded state is tested in test_browser.py (the static
site) and test_live_kernel.py (a real JupyterLab)."""
from __future__ import annotations

import ipywidgets as w
import pytest

import hpg
from hpg import plots, toy, widgets


def toy_loop(n=8.0, units="relative"):
    return plots.plot_toy(toy.simulate(duration=10, n=n)), f"toy loop with n = {n:g} ({units})"


def explorer(**kwargs):
    controls = {"n": widgets.Slider("Steepness n", [2, 8, 16], value=8, studied=(1, 10)),
                "units": widgets.Choice("Scale", ["relative", "absolute"])}
    controls.update(kwargs.pop("controls", {}))
    return widgets.explore(toy_loop, **controls, **kwargs)


def walk(widget):
    """Every widget reachable from ``widget`` through children."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_static_face_precomputes_every_setting_of_the_grid():
    e = explorer()
    assert e.states == 3 * 2
    leaves = [x for x in walk(e.static_face) if isinstance(x, w.HTML) and "<img" in x.value]
    assert len(leaves) == 6
    assert len({leaf.value for leaf in leaves}) == 6  # six different figures
    assert all('alt="toy loop with n = ' in leaf.value for leaf in leaves)


def test_static_controls_are_linked_in_the_browser_to_nested_stacks():
    e = explorer()
    stacks = [x for x in walk(e.static_face) if isinstance(x, w.Stack)]
    assert len(stacks) == 1 + 3  # one for n, one per value of n for the units
    sources = {(link.source[0].description, link.source[1]) for link in e._links}
    assert sources == {("Steepness n", "index"), ("Scale", "index")}
    assert all(type(link).__name__ == "Link" and link.target[1] == "selected_index" for link in e._links)
    # the link of each control reaches every stack of its level
    assert sum(link.source[0].description == "Scale" for link in e._links) == 3
    # each stack starts at the default setting
    assert stacks[0].selected_index == 1  # n = 8


def test_selected_leaf_is_the_figure_of_the_selected_setting():
    e = explorer()
    outer = next(x for x in walk(e.static_face) if isinstance(x, w.Stack))
    inner = outer.children[2]  # n = 16
    leaf = inner.children[1]  # absolute
    assert 'alt="toy loop with n = 16 (absolute)"' in leaf.value


def test_only_named_controls_are_static_and_the_others_are_listed():
    e = explorer(static="n")
    assert e.states == 3
    assert "you can also change: Scale" in e._static_footer()
    assert all(c.description != "Scale" for c in e._static_controls.values())


def test_live_face_recomputes_any_value_and_every_control():
    e = explorer()
    e.live()
    assert e.widget.children == (e._live,)
    n = e._live_controls["n"]
    assert isinstance(n, w.FloatSlider) and (n.min, n.max) == (2, 16)
    n.value = 11.0  # between grid values: computed now
    assert 'alt="toy loop with n = 11 (relative)"' in e._output.value
    e._live_controls["units"].value = "absolute"
    assert 'alt="toy loop with n = 11 (absolute)"' in e._output.value


def test_a_front_end_view_switches_to_the_live_face():
    e = explorer()
    assert e.widget.children == (e.static_face,)
    assert e.widget._view_count == 0  # counting views, none yet (as when the book is built)
    e.widget._view_count = 1  # what a live front end reports when it displays the explorer
    assert e.widget.children == (e._live,)


def test_grid_only_controls_stay_on_the_grid_in_a_kernel():
    e = widgets.explore(toy_loop, n=widgets.Slider("Steepness n", [2, 8, 16], value=8, grid_only=True))
    e.live()
    assert isinstance(e._live_controls["n"], w.SelectionSlider)
    before = dict(e._cache)
    e._live_controls["n"].value = 16
    assert e._cache.keys() == before.keys()  # served from the precomputed figures


def test_notes_name_studies_and_flag_settings_outside_the_validated_range():
    e = explorer(presets={"Regimen used in study X": {"n": 8}})
    inside = e.note({"n": 8, "units": "relative"})
    outside = e.note({"n": 16, "units": "relative"})
    assert inside == "Steepness n 8; scale: relative. Regimen used in study X."
    assert "outside the validated range (studied: 1-10)" in outside and "study X" not in outside
    html = e.render({"n": 16, "units": "relative"}, compact=True)
    assert "hpg-outside" in html and "&#9888;" in html


def test_notes_keep_the_case_of_a_label_such_as_hcg():
    e = widgets.explore(toy_loop, n=widgets.Slider("hCG dose", [2, 8], value=8, unit="IU"))
    assert e.note({"n": 8}).startswith("hCG dose 8 IU")


def test_presets_set_the_live_controls():
    e = explorer(presets={"Regimen used in study X": {"n": 2, "units": "absolute"}})
    e.live()
    e._preset.value = "Regimen used in study X"
    assert e._live_controls["n"].value == 2 and e._live_controls["units"].value == "absolute"
    assert 'alt="toy loop with n = 2 (absolute)"' in e._output.value
    assert "Regimen used in study X" in e._output.value


def test_a_failing_setting_is_reported_in_the_explorer():
    def fragile(n=8.0):
        if n > 10:
            raise ValueError("n too steep for this drawing")
        return toy_loop(n)

    e = widgets.explore(fragile, n=widgets.Slider("Steepness n", [2, 8], value=8), static="n")
    e.live()
    e._live_controls["n"].max = 20
    e._live_controls["n"].value = 15
    assert 'role="alert"' in e._output.value and "n too steep" in e._output.value


def test_static_face_stays_within_the_weight_budget():
    e = explorer()
    assert 0 < e.weight < widgets.MAX_BYTES
    # a figure's PNG is palette-compressed for the static face
    leaf = next(x for x in walk(e.static_face) if isinstance(x, w.HTML) and "<img" in x.value)
    assert len(leaf.value) < 40_000


def test_an_explorer_over_budget_is_refused(monkeypatch):
    monkeypatch.setattr(widgets, "MAX_BYTES", 1000)
    with pytest.raises(ValueError, match=r"weighs 0\.\d+ MB, over the budget of 0\.0 MB"):
        explorer()


def test_drug_studied_ranges_feed_the_controls():
    drug = hpg.drugs.get("testosterone_enanthate")
    assert drug.dose_range == (200.0, 250.0) and drug.every_range == (7.0, 7.0)
    slider = widgets.Slider("Dose", [100, 200, 300], unit="mg", value=200, studied=drug.dose_range)
    assert slider.warning(200) is None
    assert slider.warning(300) == "Dose outside the validated range (studied: 200-250 mg)"
    assert next(s.name for s in drug.studies if s.is_regimen) == "Coviello 2005"


def test_units_switch_offers_conventional_and_si():
    control = widgets.units()
    assert control.grid == ("conventional", "SI") and control.buttons


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: widgets.Slider("", [1, 2]), "label must be a non-empty text"),
        (lambda: widgets.Slider("Dose", [1]), "grid must have 2 to 60 values, got 1"),
        (lambda: widgets.Slider("Dose", [2, 1]), "grid must be strictly increasing"),
        (lambda: widgets.Slider("Dose", [1, float("nan")]), "grid must be finite, got nan"),
        (lambda: widgets.Slider("Dose", [1, 2], value=1.5), r"value must be one of the grid \[1.0, 2.0\]"),
        (lambda: widgets.Slider("Dose", [1, 2], step=0), "step must be > 0"),
        (lambda: widgets.Slider("Dose", [1, 2], studied=(3, 1)), "studied must be .low, high. with low <= high"),
        (lambda: widgets.Slider("Dose", ["a", "b"]), "grid must be a real number, got str 'a'"),
        (lambda: widgets.Choice("Units", ["SI"]), "options must offer 2 to 60 choices, got 1"),
        (lambda: widgets.Choice("Units", ["SI", "conventional"], value="metric"), "value must be one of"),
        (lambda: widgets.explore("plot", n=widgets.Slider("n", [1, 2])), "draw must be a function"),
        (lambda: widgets.explore(toy_loop), "needs at least one control"),
        (lambda: widgets.explore(toy_loop, n=3), "control 'n' must be a widgets.Slider or widgets.Choice"),
        (lambda: widgets.explore(toy_loop, m=widgets.Slider("m", [1, 2])), r"control 'm' is not a parameter of toy_loop\(\); its parameters are: n, units"),
        (lambda: widgets.explore(toy_loop, n=widgets.Slider("n", [1, 2]), static=["k"]), "static names 'k', which is not a control"),
        (lambda: widgets.explore(toy_loop, n=widgets.Slider("n", list(range(1, 31))),
                                 units=widgets.Choice("u", ["relative", "absolute", "x"])), "30 .n. x 3 .units. = 90 settings, over the limit of 60"),
        (lambda: explorer(presets={"X": {"k": 1}}), "preset 'X' sets 'k', which is not a control"),
        (lambda: explorer(presets={"X": {"n": 99}}), r"Steepness n must lie within 2-16, got 99"),
        (lambda: explorer(presets=["X"]), "presets must be a dict"),
    ],
)
def test_bad_declarations_raise_clear_errors(build, message):
    with pytest.raises((ValueError, TypeError), match=message):
        build()


def test_draw_must_return_a_figure_and_alt_text():
    def no_alt(n=1.0):
        return plots.plot_toy(toy.simulate(duration=5, n=n))

    with pytest.raises(TypeError, match=r"no_alt\(\) must return \(figure, alt text\), got Figure"):
        widgets.explore(no_alt, n=widgets.Slider("n", [1, 2]))
