"""Conventional and SI units of the book's outputs, and the one switch between them.

The model reports conventional units (``hpg.outputs``): testosterone in ng/dL and
estradiol in pg/mL, as most clinical papers in the United States do. SI units turn mass
concentrations of the two steroids into molar ones with their molar masses
(testosterone 288.42 g/mol, ``pubchem_testosterone``; estradiol 272.38 g/mol,
``pubchem_estradiol``). Every other output is already in the same unit in both systems,
or, like inhibin B (pg/mL = ng/L), only changes its name.
"""
from __future__ import annotations

import numpy as np

from . import outputs as _outputs
from .outputs import ESTRADIOL_G_PER_MOL, TESTOSTERONE_G_PER_MOL  # noqa: F401 (kept for readers of this module)

__all__ = ["SYSTEMS", "convert", "unit"]

SYSTEMS = ("conventional", "SI")


def _check(name: str, units: str):
    if units not in SYSTEMS:
        raise ValueError(f"units must be one of {', '.join(map(repr, SYSTEMS))}, got {units!r}")
    return _outputs.get(name)


def unit(name: str, units: str = "conventional") -> str:
    """The unit in which output ``name`` is shown in the system ``units``."""
    output = _check(name, units)
    return output.si_unit if units == "SI" else output.unit


def convert(name: str, values, units: str = "conventional"):
    """``values`` of output ``name`` (in the model's conventional unit) expressed in ``units``.

    Returns ``(values, unit)``; arrays stay arrays and numbers stay numbers.
    """
    output = _check(name, units)
    if units == "SI" and output.si_factor != 1.0:
        return (np.asarray(values) * output.si_factor if not np.isscalar(values) else values * output.si_factor), output.si_unit
    return values, output.si_unit if units == "SI" else output.unit
