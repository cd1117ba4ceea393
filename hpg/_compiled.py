"""The daily model compiled with numba: the very functions of :mod:`hpg.equations` and
:mod:`hpg.daily`, run on NumPy arrays instead of lists.

Nothing here restates an equation. Each function of those modules is registered with
``numba.extending.register_jitable`` (it stays the plain Python function it was, and
compiled code may call it); two small compiled entry points call
:func:`hpg.daily.untreated` and :func:`hpg.daily.integrate`, one man at a time or a cohort
in parallel over men; a third (:func:`pulse_kernel`) is the pulse model's minute loop,
:func:`hpg.pulses._minutes`, which plain Python runs as it is. The constants, each man and
each row of drug exposure reach compiled code as NumPy records (:func:`_records`): read
field by field through a pointer, so that a call copies none of their numbers and reading a
row makes no reference-counted array view. Compiled code is cached beside this module
(``cache=True``); numba checks only this file's date, so a digest of the model's source
files (the pulse model's among them) is kept with the cache and a change to any of them
clears it.

Imported on first use only (``import hpg`` stays fast); :func:`available` says whether
numba is installed and not switched off with ``HPG_NUMBA=0``.
"""
from __future__ import annotations

import functools
import hashlib
import math
import os
from pathlib import Path

__all__ = ["available", "pulse_kernel", "run", "run_cohort"]


@functools.cache
def available() -> bool:
    """True if the compiled model can be used (numba imports and HPG_NUMBA is not 0)."""
    if os.environ.get("HPG_NUMBA", "1") == "0":
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


#: Floating-point liberties the compiled model may take: fused multiply-add, reciprocals and
#: faster powers (about 12% faster cohorts; results move by about 1e-12 relative). Never the
#: ones that assume no NaN or infinity, so a failing run is still caught.
FASTMATH = {"contract", "arcp", "afn"}
#: Division by zero gives an infinity or NaN as in NumPy, which the run's checks then catch, instead
#: of a test and a branch before every division (about 12% faster; no division of the model has a
#: divisor that can be zero on valid input).
ERROR_MODEL = "numpy"

_SOURCES = ("equations.py", "daily.py", "drugs.py", "pulses.py", "_compiled.py")


def _clear_stale_cache() -> None:
    """Remove this module's numba cache if the model's source changed since it was written."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(b"".join((here / name).read_bytes() for name in _SOURCES)).hexdigest()
    cache = here / "__pycache__"
    marker = cache / "_compiled.sources"
    try:
        if marker.exists() and marker.read_text() == digest:
            return
        for stale in list(cache.glob("_compiled.*.nbi")) + list(cache.glob("_compiled.*.nbc")):
            stale.unlink()
        cache.mkdir(exist_ok=True)
        marker.write_text(digest)
    except OSError:  # a read-only install: numba then caches elsewhere, or not at all
        pass


@functools.cache
def _equations() -> None:
    """Clear a stale cache, then let compiled code call every function of :mod:`hpg.equations`."""
    import numba.extending
    from numba.extending import register_jitable

    from . import equations

    _clear_stale_cache()
    for function in equations.EQUATIONS:
        if function is not equations.sqrt:
            register_jitable(inline="always")(function)

    @numba.extending.overload(equations.sqrt, inline="always")
    def _sqrt(x):  # the processor's square root rather than a general power
        return lambda x: math.sqrt(x)


@functools.cache
def _kernels():
    """Compile (or load from the cache) the two entry points and the backend of drug levels."""
    import numba
    import numpy as np
    from numba.extending import register_jitable

    from . import daily, outputs

    _equations()
    for name in ("fast_loop", "solve", "germ_rates", "_phase", "germ_entry", "germ_steady", "_needs_mature_sertoli", "maturation_rates", "sertoli_maturity", "germ_mean", "late_germ_cells",
                 "spermatocytes", "follicle_stimulation",
                 "slow_rates", "clinical_outputs", "_capacities", "untreated", "integrate"):
        register_jitable(getattr(daily, name))
    n_states, n_outputs = len(daily.STATES), len(outputs.PHYSIOLOGY)

    @register_jitable
    def simulate(c, m, steps, at, before, every, record):
        """One man from his untreated steady state, his outputs written into the rows of ``record``."""
        s = np.zeros(n_states)
        u = daily.untreated(c, m, s)
        work = np.zeros((5, n_states))
        daily.integrate(s, u, steps, at, before, every, c, m, record, work[0], work[1], work[2], work[3], work[4])

    @numba.njit(cache=True, fastmath=FASTMATH, error_model=ERROR_MODEL)
    def one(constants, man, steps, at, before, every, n_records):
        record = np.zeros((n_records, n_outputs))
        simulate(constants[0], man[0], steps, at, before, every, record)
        return record

    @numba.njit(cache=True, parallel=True, fastmath=FASTMATH, error_model=ERROR_MODEL)
    def cohort(constants, men, steps, at, before, every, record):
        for j in numba.prange(men.shape[0]):
            # (a record made outside the parallel loop cannot be passed into it: both are read here)
            simulate(constants[0], men[j], steps, at, before, every, record[:, j, :].T)

    from . import drugs

    backend = drugs.Backend(
        array=lambda values: np.asarray(values, dtype=float),
        zeros=np.zeros,
        superpose=numba.njit(cache=True)(drugs._superpose),
        finish=lambda total: np.maximum(total, 0.0),
        rows=lambda function, columns, *constants: np.column_stack(np.broadcast_arrays(*function(*columns, *constants))),
        take=lambda values, indices: np.asarray(values)[indices],
    )
    return one, cohort, backend


@functools.cache
def pulse_kernel():
    """:func:`hpg.pulses._minutes` compiled (or loaded from the cache): the pulse model's minute loop."""
    import numba
    from numba.extending import register_jitable

    from . import pulses

    _equations()
    minutes = register_jitable(pulses._minutes)

    @numba.njit(cache=True, fastmath=FASTMATH, error_model=ERROR_MODEL)
    def kernel(*arguments):
        return minutes(*arguments)

    return kernel


def levels_backend():
    """The backend of drug levels on NumPy arrays, superposition compiled (:class:`hpg.drugs.Backend`)."""
    return _kernels()[2]


def _schedule(regimens, days, steps_per_day, parameters):
    from . import daily

    _, _, at, before, levels, t = daily.schedule(regimens, days, steps_per_day, parameters, levels_backend())
    exposure = _records(at, daily.EXPOSURE)
    return _steps(days, steps_per_day), exposure, exposure if before is at else _records(before, daily.EXPOSURE), levels, t


@functools.lru_cache(maxsize=32)
def _steps(days, steps_per_day):
    """The steps of a run's grid (:func:`hpg.daily._grid`) as a read-only array, made once."""
    import numpy as np

    from . import daily

    array = np.array(daily._grid(days, steps_per_day)[1], dtype=float)
    array.flags.writeable = False
    return array


def _records(rows, fields):
    """``rows`` (a sequence of tuples, or one tuple) as a NumPy array of records whose fields are
    ``fields``: compiled code reads a field of a record (``x[0]``, ``c.T_0``) through a pointer, so
    passing the constants or one man to a function copies no numbers, and a row of exposure is
    read without making (and reference-counting) an array view."""
    import numpy as np

    table = np.ascontiguousarray(np.atleast_2d(np.asarray(rows, dtype=float)))
    return table.view(np.dtype([(name, float) for name in fields]))[:, 0]


def run(regimens, patient: dict, days: float, steps_per_day: int, parameters):
    """:func:`hpg.daily.run`, compiled: ``(t, values)`` with NumPy arrays."""
    from . import daily, outputs

    one = _kernels()[0]
    c = daily.constants(parameters)
    steps, at, before, levels, t = _schedule(regimens, days, steps_per_day, parameters)
    record = one(_records(c, c._fields), _records(daily.man(patient, c), daily.Man._fields), steps, at, before, steps_per_day, len(t))
    values = dict(zip(outputs.PHYSIOLOGY, record.T))
    return t, _with_levels(values, levels, len(t))


def run_cohort(regimens, patients: dict, days: float, steps_per_day: int, parameters):
    """Many men at once: ``patients`` maps each patient parameter to an array (one value a
    man). Returns ``(t, values)`` with arrays of shape ``(n, len(t))``; drug levels, the
    same for every man, are stored once and broadcast."""
    import numpy as np

    from . import daily, outputs

    cohort = _kernels()[1]
    c = daily.constants(parameters)
    n = len(next(iter(patients.values())))
    men = _records([daily.man({k: v[j] for k, v in patients.items()}, c) for j in range(n)], daily.Man._fields)
    steps, at, before, levels, t = _schedule(regimens, days, steps_per_day, parameters)
    # One contiguous block an output, allocated by NumPy: it asks the kernel for huge pages, and the
    # first touch of 100 MB in 4 kB pages (what an array allocated in compiled code gets) costs
    # about 50 ms more, a tenth of a 1,000-man cohort.
    record = np.zeros((len(outputs.PHYSIOLOGY), n, len(t)))
    cohort(_records(c, c._fields), men, steps, at, before, steps_per_day, record)
    values = dict(zip(outputs.PHYSIOLOGY, record))
    shared = _with_levels({}, levels, len(t))
    values.update({name: np.broadcast_to(level, (n, len(t))) for name, level in shared.items()})
    return t, values


def _with_levels(values: dict, levels: dict, count: int) -> dict:
    import numpy as np

    from . import outputs

    for name in outputs.DRUG_LEVELS:
        values[name] = levels[name] if name in levels else np.zeros(count)
    return values
