"""Conventional and SI units of the book's outputs, and the one switch between them.

The model reports conventional units (``hpg.model.UNITS``): testosterone in ng/dL and
estradiol in pg/mL, as most clinical papers in the United States do. SI units turn mass
concentrations of the two steroids into molar ones with their molar masses
(testosterone 288.42 g/mol, ``pubchem_testosterone``; estradiol 272.38 g/mol,
``pubchem_estradiol``). Every other output is already in the same unit in both systems,
or, like inhibin B (pg/mL = ng/L), only changes its name.
"""
from __future__ import annotations

import numpy as np

__all__ = ["SYSTEMS", "convert", "unit"]

SYSTEMS = ("conventional", "SI")

TESTOSTERONE_G_PER_MOL = 288.42  # pubchem_testosterone
ESTRADIOL_G_PER_MOL = 272.38  # pubchem_estradiol

# output -> (SI unit, factor): value in SI = value in conventional units x factor
_SI = {
    "T": ("nmol/L", 10.0 / TESTOSTERONE_G_PER_MOL),  # ng/dL -> ng/L (x10) -> nmol/L
    "exogenous_T": ("nmol/L", 10.0 / TESTOSTERONE_G_PER_MOL),
    "E2": ("pmol/L", 1000.0 / ESTRADIOL_G_PER_MOL),  # pg/mL = ng/L -> pmol/L
    "inhibin_B": ("ng/L", 1.0),
}


def _check(name: str, units: str) -> str:
    from .model import UNITS

    if units not in SYSTEMS:
        raise ValueError(f"units must be one of {', '.join(map(repr, SYSTEMS))}, got {units!r}")
    if name not in UNITS:
        raise KeyError(f"unknown output {name!r}; known outputs: {', '.join(UNITS)}")
    return UNITS[name]


def unit(name: str, units: str = "conventional") -> str:
    """The unit in which output ``name`` is shown in the system ``units``."""
    conventional = _check(name, units)
    return _SI[name][0] if units == "SI" and name in _SI else conventional


def convert(name: str, values, units: str = "conventional"):
    """``values`` of output ``name`` (in the model's conventional unit) expressed in ``units``.

    Returns ``(values, unit)``; arrays stay arrays and numbers stay numbers.
    """
    conventional = _check(name, units)
    if units == "SI" and name in _SI:
        si_unit, factor = _SI[name]
        return (np.asarray(values) * factor if not np.isscalar(values) else values * factor), si_unit
    return values, conventional
