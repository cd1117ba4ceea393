"""hpg.widgets: explorers declared in one call, their live face (draws the current setting in a
kernel, at once), their static face (precomputed figures linked in the browser, made only for
the static site), honest controls, and the canvas that redraws a live figure fast.

What the browser does with the embedded state is tested in test_browser.py (the static
site) and test_live_kernel.py (a real JupyterLab)."""
from __future__ import annotations

import inspect
import io

import ipywidgets as w
import numpy as np
import pytest

import hpg
from hpg import plots, toy, widgets
from hpg.widgets import canvas, explorer as explorer_module, grid


def toy_loop(n=8.0, units="relative"):
    return plots.plot_toy(toy.simulate(duration=10, n=n)), f"toy loop with n = {n:g} ({units})"


def explorer(**kwargs):
    controls = {"n": widgets.Slider("Steepness n", [2, 8, 16], value=8, studied=(1, 10)),
                "units": widgets.Choice("Scale", ["relative", "absolute"])}
    controls.update(kwargs.pop("controls", {}))
    return widgets.explore(toy_loop, **controls, **kwargs)


@pytest.fixture
def static_site(monkeypatch):
    """A kernel making the static site, as the book's build runs it."""
    monkeypatch.setenv(widgets.STATIC_SITE, "1")


@pytest.fixture(autouse=True)
def live_kernel(monkeypatch):
    """Unless a test asks for the static site, a kernel as a reader runs it."""
    monkeypatch.delenv(widgets.STATIC_SITE, raising=False)


def walk(widget):
    """Every widget reachable from ``widget`` through children."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def counting(draw):
    """``draw``, counting its calls in ``.calls``."""
    def counted(**values):
        counted.calls += 1
        return draw(**values)

    counted.calls = 0
    counted.__signature__ = inspect.signature(draw)
    return counted


# ------------------------------------------------------------------------------------ faces
def test_in_a_kernel_the_live_face_draws_only_the_current_setting():
    draw = counting(toy_loop)
    e = widgets.explore(draw, n=widgets.Slider("Steepness n", [2, 8, 16], value=8),
                        units=widgets.Choice("Scale", ["relative", "absolute"]))
    assert draw.calls == 1  # not the 6 settings of the grid
    assert e.face == "live" and e.static_face is None
    assert e.widget.children == (e.live_face.widget,)
    assert 'alt="toy loop with n = 8 (relative)"' in e.live_face.output.value


def test_the_static_site_precomputes_every_setting_of_the_grid(static_site):
    draw = counting(toy_loop)
    e = widgets.explore(draw, n=widgets.Slider("Steepness n", [2, 8, 16], value=8),
                        units=widgets.Choice("Scale", ["relative", "absolute"]))
    assert e.face == "static" and e.live_face is None and draw.calls == 6 == e.states
    leaves = [x for x in walk(e.static_face.widget) if isinstance(x, w.HTML) and "<img" in x.value]
    assert len(leaves) == 6 and len({leaf.value for leaf in leaves}) == 6  # six different figures
    assert all('alt="toy loop with n = ' in leaf.value for leaf in leaves)


@pytest.mark.parametrize(("value", "static"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_the_environment_variable_says_whether_the_kernel_makes_the_site(monkeypatch, value, static):
    monkeypatch.setenv("HPG_STATIC_SITE", value)
    assert widgets.making_static_site() is static


def test_static_controls_are_linked_in_the_browser_to_nested_stacks(static_site):
    face = explorer().static_face
    stacks = [x for x in walk(face.widget) if isinstance(x, w.Stack)]
    assert stacks == face.stacks and len(stacks) == 1 + 3  # one for n, one per value of n for the units
    sources = {(link.source[0].description, link.source[1]) for link in face.links}
    assert sources == {("Steepness n", "index"), ("Scale", "index")}
    assert all(type(link).__name__ == "Link" and link.target[1] == "selected_index" for link in face.links)
    # the link of each control reaches every stack of its level
    assert sum(link.source[0].description == "Scale" for link in face.links) == 3
    # each stack starts at the default setting
    assert stacks[0].selected_index == 1  # n = 8


def test_selected_leaf_is_the_figure_of_the_selected_setting(static_site):
    face = explorer().static_face
    inner = face.stacks[0].children[2]  # n = 16
    assert inner.children[1] is face.leaves[(16.0, "absolute")]
    assert 'alt="toy loop with n = 16 (absolute)"' in inner.children[1].value


def test_only_named_controls_are_static_and_the_others_are_listed(static_site):
    e = explorer(static="n")
    assert e.states == 3
    assert "you can also change: Scale" in e.static_face.footer
    assert list(e.static_face.controls) == ["n"]


def test_a_front_end_view_of_the_static_face_switches_to_the_live_face(static_site):
    e = explorer()
    e.static_face.controls["n"].value = 16.0
    assert e.widget._view_count == 0  # counting views, none yet (as when the book is built)
    e.widget._view_count = 1  # what a live front end reports when it displays the explorer
    assert e.face == "live" and e.widget.children == (e.live_face.widget,)
    assert e.live_face.values() == {"n": 16.0, "units": "relative"}  # where the reader left it


def test_grid_precomputation_needs_no_widgets():
    controls = {"a": widgets.Slider("A", [1, 2, 3]), "b": widgets.Choice("B", ["x", "y"]), "c": widgets.Slider("C", [5, 6])}
    base = {"a": 1.0, "b": "x", "c": 6.0}
    assert grid.states(controls, ("a", "b")) == 6
    assert grid.settings(controls, ("a", "b"), base)[:3] == [{"a": 1.0, "b": "x", "c": 6.0}, {"a": 1.0, "b": "y", "c": 6.0},
                                                             {"a": 2.0, "b": "x", "c": 6.0}]
    pages = grid.precompute(lambda s: f"{s['a']:g}{s['b']}{s['c']:g}", controls, ("a", "b"), base)
    assert pages == {(1.0, "x"): "1x6", (1.0, "y"): "1y6", (2.0, "x"): "2x6", (2.0, "y"): "2y6", (3.0, "x"): "3x6", (3.0, "y"): "3y6"}


def test_every_explorer_made_is_listed():
    e = explorer()
    assert widgets.explorers()[-1] is e


# ------------------------------------------------------------------------------------ live face
def test_live_face_recomputes_any_value_and_every_control():
    face = explorer().live_face
    n = face.controls["n"]
    assert isinstance(n, w.FloatSlider) and (n.min, n.max) == (2, 16)
    assert n.continuous_update  # a drag redraws as it goes; the front end drops stale values
    n.value = 11.0  # between grid values: computed now
    assert 'alt="toy loop with n = 11 (relative)"' in face.output.value
    face.controls["units"].value = "absolute"
    assert 'alt="toy loop with n = 11 (absolute)"' in face.output.value


def test_a_redraw_reuses_the_background_of_the_axes_it_shares():
    face = explorer().live_face
    assert (face.canvas.hits, face.canvas.misses) == (0, 1)
    face.controls["units"].value = "absolute"  # the same figure: only the alt text differs
    assert (face.canvas.hits, face.canvas.misses) == (1, 1)


def test_a_setting_already_shown_is_not_drawn_again():
    draw = counting(toy_loop)
    face = widgets.explore(draw, n=widgets.Slider("Steepness n", [2, 8, 16], value=8, grid_only=True)).live_face
    assert isinstance(face.controls["n"], w.SelectionSlider)
    face.controls["n"].value = 16.0
    face.controls["n"].value = 8.0
    assert draw.calls == 2 and 'alt="toy loop with n = 8 (relative)"' in face.output.value


def test_presets_set_the_live_controls_and_are_cleared_when_a_control_leaves_them():
    face = explorer(presets={"Regimen used in study X": {"n": 2, "units": "absolute"}}).live_face
    face.preset.value = "Regimen used in study X"
    assert face.values() == {"n": 2, "units": "absolute"}
    assert 'alt="toy loop with n = 2 (absolute)"' in face.output.value
    assert "Regimen used in study X" in face.output.value
    face.controls["n"].value = 3.0
    assert face.preset.value is None and "study X" not in face.output.value


def test_a_failing_setting_is_reported_in_the_explorer():
    def fragile(n=8.0):
        if n > 10:
            raise ValueError("n too steep for this drawing")
        return toy_loop(n)

    face = widgets.explore(fragile, n=widgets.Slider("Steepness n", [2, 8], value=8)).live_face
    face.controls["n"].max = 20
    face.controls["n"].value = 15
    assert 'role="alert"' in face.output.value and "n too steep" in face.output.value


def test_a_redraw_from_another_thread_waits_for_the_figure_being_drawn(monkeypatch):
    """JupyterLab 4 sends widget messages through a kernel subshell, which runs in a thread of its
    own, while the settings drawn in advance are drawn on the main thread. A slider moved while a
    figure is being drawn must wait for it: it used to wipe the kept figure under the other
    drawing, which failed with "'NoneType' object has no attribute 'dpi'"."""
    import threading

    from hpg.widgets import live_face

    inside, overlaps, shown = [], [], {}
    paused, resume = threading.Event(), threading.Event()

    def draw(n=8.0):
        if inside:  # another drawing is under way
            overlaps.append((inside[0], n))
            resume.set()
        inside.append(n)
        try:
            drawn = toy_loop(n)
            if n == 2:  # held, its figure made but not yet drawn, until the other thread asks to draw
                paused.set()
                assert resume.wait(timeout=60), "the other thread never asked to draw"
            return drawn
        finally:
            inside.remove(n)

    class Watched:
        """The kernel's drawing lock, telling this test when a second thread waits for it."""

        def __init__(self, lock):
            self.lock = lock

        def __enter__(self):
            if not self.lock.acquire(blocking=False):
                resume.set()
                self.lock.acquire()

        def __exit__(self, *exc):
            self.lock.release()

    monkeypatch.setattr(live_face, "DRAWING", Watched(getattr(live_face, "DRAWING", threading.RLock())), raising=False)
    face = widgets.explore(draw, n=widgets.Slider("Steepness n", [2, 8, 16], value=8)).live_face
    ahead = threading.Thread(target=lambda: shown.update(ahead=face._page({"n": 2.0})))  # as when drawing ahead
    ahead.start()
    assert paused.wait(timeout=60)
    reader = threading.Thread(target=setattr, args=(face.controls["n"], "value", 16.0))  # as from a subshell
    reader.start()
    reader.join()
    ahead.join()
    assert overlaps == [], "a figure was drawn while another was being drawn"
    assert 'alt="toy loop with n = 2 (relative)"' in shown["ahead"]
    assert 'alt="toy loop with n = 16 (relative)"' in face.output.value and "Could not draw" not in face.output.value


# ------------------------------------------------------------------------------------ notes and budget
def test_notes_name_studies_and_flag_settings_outside_the_validated_range():
    e = explorer(presets={"Regimen used in study X": {"n": 8}})
    inside = e.note({"n": 8, "units": "relative"})
    outside = e.note({"n": 16, "units": "relative"})
    assert inside == "Steepness n 8; scale: relative. Regimen used in study X."
    assert "outside the validated range (studied: 1-10)" in outside and "study X" not in outside
    page = e.render({"n": 16, "units": "relative"})
    assert "hpg-outside" in page and "&#9888;" in page


def test_notes_keep_the_case_of_a_label_such_as_hcg():
    e = widgets.explore(toy_loop, n=widgets.Slider("hCG dose", [2, 8], value=8, unit="IU"))
    assert e.note({"n": 8}).startswith("hCG dose 8 IU")


def test_static_face_stays_within_the_weight_budget(static_site):
    e = explorer()
    assert 0 < e.weight < widgets.MAX_BYTES
    # a figure's PNG is palette-compressed for the static face
    assert all(len(leaf.value) < 40_000 for leaf in e.static_face.leaves.values())


def test_an_explorer_over_budget_is_refused_on_the_static_site(static_site, monkeypatch):
    monkeypatch.setattr(explorer_module, "MAX_BYTES", 1000)
    with pytest.raises(ValueError, match=r"weighs 0\.\d+ MB, over the budget of 0\.0 MB"):
        explorer()


def test_drug_studied_ranges_feed_the_controls():
    drug = hpg.drugs.get("testosterone_enanthate")
    assert drug.dose_range == (25.0, 300.0) and drug.every_range == (7.0, 7.0)
    slider = widgets.Slider("Dose", [10, 200, 400], unit="mg", value=200, studied=drug.dose_range)
    assert slider.warning(200) is None
    assert slider.warning(400) == "Dose outside the validated range (studied: 25-300 mg)"
    assert next(s.name for s in drug.studies if s.is_regimen) == "Coviello 2005"


def test_units_switch_offers_conventional_and_si():
    control = widgets.units()
    assert control.grid == ("conventional", "SI") and control.buttons


# ------------------------------------------------------------------------------------ the canvas
def pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def saved(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    return pixels(buffer.getvalue())


def gel(dose):
    import matplotlib.pyplot as plt

    result = hpg.simulate(hpg.Regimen("testosterone_gel", dose, every=1), days=60)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 4.6), sharex=True)
    top.fill_between(result.t, 0, result["T"], color=plots.PALETTE[0], alpha=0.3, hatch="..")
    top.plot(result.t, result["T"], color="black", label="total")
    top.legend(loc="lower right")
    bottom.plot(result.t, result["LH"], linestyle=":")
    bottom.axhspan(2.2, 11.6, color="0.92", zorder=0)
    bottom.set_ylim(0, 12)
    bottom.text(50, 6, f"{dose:g} mg", fontsize="small")
    top.set_title(f"gel {dose:g} mg/day")
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.12, top=0.92, hspace=0.1)
    return fig


def course(dose, units="conventional"):
    result = hpg.simulate(hpg.Regimen("clomiphene", dose, every=1), patient=hpg.Patient.preset("obese"), days=84)
    return plots.time_course(result, ("T", "E2", "LH"), units=units, treatment=(0, 40), title=f"clomiphene {dose:g} mg")


def grid_and_span(level):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.grid(True)
    ax.axhspan(0.2, 0.4, color="0.9", zorder=0)  # under the gridlines: drawn whole, never split
    ax.plot([0, 1], [0, level])
    return fig


@pytest.mark.parametrize(("make", "settings"), [
    (course, [(25,), (26,), (26, "SI"), (50,)]),
    (gel, [(20,), (21,), (80,)]),
    (lambda n: plots.plot_toy(toy.simulate(duration=10, n=n), title=f"n = {n:g}"), [(8,), (9,), (30,)]),
    (grid_and_span, [(1,), (2,)]),
])
def test_the_canvas_draws_what_savefig_draws_pixel_for_pixel(make, settings):
    import matplotlib.pyplot as plt

    painter = canvas.Canvas(dpi=96)
    for setting in settings:
        fig = make(*setting)
        expected = saved(fig)
        plt.close(fig)
        fig = make(*setting)  # a new figure, as each redraw of an explorer makes
        assert np.array_equal(painter.rgba(fig)[..., :3], expected), f"{setting}"
        plt.close(fig)
    assert painter.hits + painter.misses + painter.whole == len(settings)


def test_the_canvas_keeps_backgrounds_only_for_axes_that_are_drawn_alike():
    painter = canvas.Canvas()
    for dose in (25, 26, 27):  # round axis tops: the same axes for neighbouring doses
        painter.png(course(dose))
    assert (painter.hits, painter.misses) == (2, 1)
    painter.png(course(27, "SI"))  # other units, other axes
    painter.png(course(200))  # a much higher estradiol, another top
    assert (painter.hits, painter.misses) == (2, 3)
    painter.png(grid_and_span(1))
    assert painter.whole == 1


def test_the_canvas_sends_a_small_png():
    png = canvas.Canvas().png(course(25))
    assert png.startswith(b"\x89PNG") and pixels(png).shape == (576, 614, 3) and len(png) < 25_000


def test_a_figure_changed_after_its_background_was_kept_is_drawn_anew():
    painter = canvas.Canvas()
    painter.png(course(25))
    fig = course(25)
    fig.axes[0].tick_params(labelsize=14)
    fig.axes[1].set_ylabel("something else")
    expected = saved(course(25))
    assert not np.array_equal(painter.rgba(fig)[..., :3], expected)
    assert painter.misses == 2


def test_pixels_from_the_canvas_stay_as_drawn_when_the_next_figure_is_drawn():
    painter = canvas.Canvas()
    first = painter.rgba(course(25))
    second = course(400)
    painter.rgba(second)
    assert np.array_equal(first[..., :3], saved(course(25)))
    # the figures share one renderer, and with it Matplotlib's sizes of the texts laid out
    third = course(26)
    painter.png(third)
    assert third.canvas.get_renderer() is second.canvas.get_renderer()

# ------------------------------------------------------------------------------------ bad declarations
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
        (lambda: widgets.Slider("Dose", [1, 2], studied=1.5),
         r"studied must be a pair \(low, high\) of numbers, the range studied in the cited trials; got float 1.5"),
        (lambda: widgets.Slider("Dose", [1, 2], studied=(1, 2, 3)), r"studied must be a pair \(low, high\)"),
        (lambda: widgets.Slider("Dose", 5), "grid must be a list of numbers, got int 5"),
        (lambda: widgets.Slider("Dose", ["a", "b"]), "grid must be a real number, got str 'a'"),
        (lambda: widgets.Slider("Dose", {1, 2}), "grid must be ordered .a list, a tuple or a dict., got a set"),
        (lambda: widgets.Choice("Units", ["SI"]), "options must offer 2 to 60 choices, got 1"),
        (lambda: widgets.Choice("Units", {"SI", "conventional"}), "options must be ordered .a list, a tuple or a dict., got a set"),
        (lambda: widgets.Choice("Units", frozenset({"SI", "conventional"})), "options must be ordered"),
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


def test_numpy_numbers_are_numbers_wherever_a_control_takes_one():
    slider = widgets.Slider("Dose", np.array([50, 100, 200]), value=np.int64(100), step=np.float32(10),
                            studied=(np.int64(100), np.array(150.0)))
    assert slider.grid == (50.0, 100.0, 200.0) and slider.value == 100.0 and slider.step == 10.0
    assert slider.studied == (100.0, 150.0) and all(type(v) is float for v in (*slider.grid, *slider.studied))
    assert widgets.Slider("Dose", [np.float64(1), np.array(2.0)], value=np.array(2)).value == 2.0
    e = widgets.explore(toy_loop, n=widgets.Slider("n", [2, 8], value=8), presets={"X": {"n": np.array(8)}})
    assert e.presets == {"X": {"n": 8.0}} and e.studies({"n": 8.0}) == ["X"]


def test_draw_must_return_a_figure_and_alt_text():
    def no_alt(n=1.0):
        return plots.plot_toy(toy.simulate(duration=5, n=n))

    with pytest.raises(TypeError, match=r"no_alt\(\) must return \(figure, alt text\), got Figure"):
        widgets.explore(no_alt, n=widgets.Slider("n", [1, 2]))


def test_a_kernel_draws_the_settings_of_grid_only_controls_while_idle():
    import asyncio

    draw = counting(toy_loop)

    async def reader():
        face = widgets.explore(draw, n=widgets.Slider("Steepness n", [2, 8, 16], value=8, grid_only=True),
                               units=widgets.Choice("Scale", ["relative", "absolute"])).live_face
        assert draw.calls == 1  # the first figure is shown before anything else is drawn
        for _ in range(200):
            await asyncio.sleep(0.02)
            if draw.calls == 3:
                break
        return face

    face = asyncio.run(reader())
    assert draw.calls == 3 and len(face.pages) == 3  # n = 2, 8, 16 at the units shown
    face.controls["n"].value = 16.0
    assert draw.calls == 3 and 'alt="toy loop with n = 16 (relative)"' in face.output.value


@pytest.mark.parametrize(("grid", "step", "readout"), [([12.5, 25, 50], None, ".1f"), ([0, 10, 20.25], None, ".2f"),
                                                     ([1, 2], 0.05, ".2f"), ([30, 60, 90], None, ".0f"),
                                                     ([0.0001, 0.0002], None, ".5f")])
def test_a_live_slider_reads_out_every_value_it_can_take(grid, step, readout):
    def any_n(n):
        return toy_loop(8.0)

    slider = widgets.explore(any_n, n=widgets.Slider("n", grid, step=step)).live_face.controls["n"]
    assert slider.readout_format == readout
