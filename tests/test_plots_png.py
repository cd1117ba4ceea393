"""hpg.plots.png: a figure shown as an image by a notebook, without pyplot."""
import hpg
from hpg import plots


def test_png_is_shown_as_a_png_image():
    figure = plots.png(plots.time_course(hpg.simulate([], days=5), ("T",)))
    assert figure._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")
    assert repr(figure) == "<PNG figure>"  # no memory address for nbval to trip on
