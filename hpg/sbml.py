"""The daily model as an SBML document, generated from the model's own equations.

:func:`export` writes one man under some regimens as SBML Level 3 Version 2, which
COPASI, tellurium (libroadrunner) and other SBML tools simulate. Nothing in it is
retyped: :func:`hpg.daily.fast_loop`, :func:`hpg.daily.slow_rates`,
:func:`hpg.daily.clinical_outputs`, :func:`hpg.daily.constants`, :func:`hpg.daily.man`,
each drug's kinetics (:mod:`hpg.drugs`) and the drug actions of :mod:`hpg.equations`
are called once on :class:`Term` values, numbers that remember how they were computed,
and the expressions they return are written out as MathML.

Why a tracer of our own and not SymPy: the model's code asks questions of its numbers
that a symbol cannot answer: a germ-cell compartment's phase is chosen by its index,
and :class:`hpg.drugs.Species` sorts and compares its rate constants. A
:class:`Term` carries its value with its expression, so these questions get the answer
the model gets, and every expression can be checked against the plain model at the
exported state (tests/test_sbml.py). It needs the standard library only, like the rest
of the daily model; identical expressions are stored once (hash-consing), so an
intermediate the model computes in two places is one named rule here.

What the document holds:

* every parameter of :mod:`hpg.parameters` that the equations read, and the man's own
  parameters (``patient_*``), with value, unit (as an SBML unit where one exists, and
  always in the notes) and source;
* the slow states of :data:`hpg.daily.STATES` (38) as rate rules ``dx/dt = A - B x``;
* the fast loop, which the daily model solves exactly at every step, as a fast
  relaxation: the Leydig output ``u`` becomes a state with
  ``du/dt = (u_next(u) - u) / tau_fast`` (:data:`TAU_FAST`);
* named intermediates (serum and free testosterone, estradiol, the ERalpha signal, the
  brakes, GnRH, LH, the LH-receptor stimulus, ...) and the clinical outputs, in their
  units (:mod:`hpg.outputs`), as assignment rules;
* each drug's chain of first-order compartments as states; each regimen as one event
  that adds the dose to the chain's first compartment and moves a dose counter on
  (libroadrunner and COPASI both handle a trigger that re-arms itself this way);
  infusions and pulse-averaged gonadorelin (a level while the pump runs) switched on and
  off by two events each, so that a solver stops at every discontinuity;
* initial values from the man's untreated steady state (:func:`hpg.daily.untreated`).

Fixed at export, as in the code: the structural exponents (named arguments in
:mod:`hpg.equations`), the number of germ-cell compartments of each phase
(``spermatogonia_stages``, ``spermatocyte_stages``, ``spermatid_stages``), and the dose times up to the horizon. A compartment
that has decayed below :data:`WASHOUT_FLOOR` is emptied by an event. At the instant a
pump starts or stops (a step in gonadorelin) the exported loop needs a few ``tau_fast``
to follow where the daily model's follows at once.

Left out: the pulse-level model (:mod:`hpg.pulses`), cohorts, and the fixed-step
integrator of :func:`hpg.simulate` (the SBML tool chooses its own steps).
"""
from __future__ import annotations

import numbers
from xml.etree import ElementTree as ET

from . import daily as _daily
from . import drugs as _drugs
from . import outputs as _outputs
from .patients import PATIENT_PARAMETERS

__all__ = ["export", "Term", "TAU_FAST", "WASHOUT_FLOOR"]

#: Time constant (days) of the fast relaxation that stands for the daily model's
#: algebraic fast loop: 1e-3 day, 86 seconds. It must be short beside the fastest input
#: the loop follows (testosterone gel's blood compartment, half-life 2 h; hCG absorption,
#: 5 h) so that ``u`` tracks its closed-loop value with a negligible lag, and the loop's
#: own gain (``u - u_next`` rises with slope >= 1) only makes the relaxation faster.
#: Halving it changes no output by more than 1e-4 of its maximum (benchmarks/sbml.py).
TAU_FAST = 1e-3
#: A drug compartment whose amount falls below this (in the dose's unit) is emptied by an
#: event. Without it a fast compartment (oral absorption, half-life 1 h) decays into the
#: subnormal numbers within weeks of the last dose, and libroadrunner's CVODE then fails
#: ("corrector convergence test failed repeatedly"); 1e-30 of a milligram changes no level.
WASHOUT_FLOOR = 1e-30

SBML_NS = "http://www.sbml.org/sbml/level3/version2/core"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XHTML_NS = "http://www.w3.org/1999/xhtml"
TIME_URL = "http://www.sbml.org/sbml/symbols/time"


# --------------------------------------------------------------------------- the tracer
def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _value(x):
    return x.value if isinstance(x, Term) else x


_ARITHMETIC = {
    "plus": lambda a, b: a + b,
    "minus": lambda a, b: a - b,
    "times": lambda a, b: a * b,
    "divide": lambda a, b: a / b,
    "power": lambda a, b: a**b,
}


class Term:
    """A number that remembers how it was computed: ``op`` applied to ``args``.

    Arithmetic on terms and plain numbers gives terms (``+ 0``, ``* 1``, ``/ 1`` and
    ``* 0`` are folded); comparisons and ``int()`` answer with the value, so model code
    that branches on a structural number runs unchanged. A leaf (``op == "ci"``) is a
    named SBML quantity: a parameter, a state, or ``time`` (``op == "time"``).
    """

    __slots__ = ("tape", "op", "args", "value")

    def __init__(self, tape, op, args, value):
        self.tape, self.op, self.args, self.value = tape, op, args, value

    def __repr__(self):
        return f"Term({self.op}, {self.value!r})"

    def __add__(self, other):
        return _apply("plus", self, other)

    def __radd__(self, other):
        return _apply("plus", other, self)

    def __sub__(self, other):
        return _apply("minus", self, other)

    def __rsub__(self, other):
        return _apply("minus", other, self)

    def __mul__(self, other):
        return _apply("times", self, other)

    def __rmul__(self, other):
        return _apply("times", other, self)

    def __truediv__(self, other):
        return _apply("divide", self, other)

    def __rtruediv__(self, other):
        return _apply("divide", other, self)

    def __pow__(self, other):
        return _apply("power", self, other)

    def __rpow__(self, other):
        return _apply("power", other, self)

    def __neg__(self):
        return _apply("minus", 0.0, self)

    def __lt__(self, other):
        return self.value < _value(other)

    def __le__(self, other):
        return self.value <= _value(other)

    def __gt__(self, other):
        return self.value > _value(other)

    def __ge__(self, other):
        return self.value >= _value(other)

    def __int__(self):
        return int(self.value)


def _apply(op, a, b):
    """``a op b`` as a term (or a plain number where one operand makes it trivial)."""
    if not (isinstance(a, Term) or _is_number(a)) or not (isinstance(b, Term) or _is_number(b)):
        return NotImplemented
    if op == "plus" and not isinstance(a, Term) and a == 0:
        return b
    if op in ("plus", "minus") and not isinstance(b, Term) and b == 0:
        return a
    if op == "times":
        for one, other in ((a, b), (b, a)):
            if not isinstance(one, Term) and one == 1:
                return other
            if not isinstance(one, Term) and one == 0:
                return 0.0
    if op in ("divide", "power") and not isinstance(b, Term) and b == 1:
        return a
    if op == "divide" and not isinstance(a, Term) and a == 0:
        return 0.0
    tape = a.tape if isinstance(a, Term) else b.tape
    return tape.term(op, (a, b), _ARITHMETIC[op](_value(a), _value(b)))


class _Tape:
    """Every term of one export, each distinct expression once."""

    def __init__(self):
        self._terms = {}

    def term(self, op, args, value):
        key = (op, tuple(id(a) if isinstance(a, Term) else (type(a).__name__, a) for a in args))
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = Term(self, op, args, value)
        return found

    def leaf(self, name, value):
        """The quantity ``name``; one name has one value."""
        leaf = self.term("ci", (name,), value)
        if leaf.value != value:
            raise ValueError(f"{name!r} is already a quantity of value {leaf.value!r}, not {value!r}")
        return leaf


# --------------------------------------------------------------------------- the document
class _Document:
    """The quantities of the SBML model, gathered while the model code runs on terms."""

    def __init__(self, tape):
        self.tape = tape
        self.quantities = {}  # id -> dict(value, unit, notes, constant)
        self.rules = {}  # id -> term (assignment rules)
        self.rates = {}  # id -> term (rate rules)
        self.events = []  # (id, trigger term, [(variable, term)])
        self.named = {}  # id(term) -> SBML id

    def _declare(self, sid, value, unit, notes, constant=False):
        if sid in self.quantities:
            raise ValueError(f"SBML id {sid!r} declared twice")
        self.quantities[sid] = {"value": value, "unit": unit, "notes": notes, "constant": constant}

    def parameter(self, sid, value, unit, meaning, source):
        """A constant parameter; returns its leaf term."""
        self._declare(sid, float(value), unit, f"Unit: {unit}. {meaning}. Source: {source}.", constant=True)
        return self.tape.leaf(sid, float(value))

    def state(self, sid, value, unit, meaning):
        """A quantity changed by a rate rule (:meth:`rate`) or by events; returns its leaf term."""
        self._declare(sid, float(value), unit, f"Unit: {unit}. {meaning}.")
        return self.tape.leaf(sid, float(value))

    def rate(self, sid, term):
        self.rates[sid] = term

    def rule(self, sid, term, unit, meaning):
        """Name ``term`` ``sid`` with an assignment rule; returns the term that now carries it.

        A plain number becomes a constant parameter; a term named already gets an alias."""
        if not isinstance(term, Term):
            return self.parameter(sid, term, unit, meaning, "constant in this export (no drug acts through it)")
        if term.op == "ci" or id(term) in self.named:
            term = Term(self.tape, "alias", (term,), term.value)  # a new node, not hash-consed
        self._declare(sid, None, unit, f"Unit: {unit}. {meaning}.")
        self.rules[sid] = term
        self.named[id(term)] = sid
        return term

    def referenced(self) -> set:
        """The ids that the rules, rates and events refer to, as :meth:`mathml` writes them."""
        roots = [*self.rules.values(), *self.rates.values()]
        for _, trigger, assignments in self.events:
            roots += [trigger, *(term for _, term in assignments)]
        seen, names = set(), set()
        stack = [argument for root in roots if isinstance(root, Term) for argument in root.args]
        while stack:
            term = stack.pop()
            if not isinstance(term, Term) or id(term) in seen:
                continue
            seen.add(id(term))
            if term.op == "ci":
                names.add(term.args[0])
            elif id(term) in self.named:
                names.add(self.named[id(term)])  # written by name; its own rule is a root
            else:
                stack.extend(term.args)
        return names

    # ----------------------------------------------------------------- writing
    def mathml(self, term, root=True):
        """``term`` as a MathML element; named terms below the root appear by name."""
        if not isinstance(term, Term):
            cn = ET.Element("cn")
            cn.text = f" {_cn(term)} "
            return cn
        if term.op == "ci" or (not root and id(term) in self.named):
            ci = ET.Element("ci")
            ci.text = f" {term.args[0] if term.op == 'ci' else self.named[id(term)]} "
            return ci
        if term.op == "time":
            symbol = ET.Element("csymbol", encoding="text", definitionURL=TIME_URL)
            symbol.text = " time "
            return symbol
        if term.op == "alias":
            return self.mathml(term.args[0], root=False)
        element = ET.Element("apply")
        ET.SubElement(element, term.op)
        element.extend(self.mathml(a, root=False) for a in term.args)
        return element

    def xml(self, model_id, notes) -> str:
        sbml = ET.Element("sbml", xmlns=SBML_NS, level="3", version="2")
        model = ET.SubElement(sbml, "model", id=model_id, name="HPG axis, daily model (hpg)", timeUnits=_unit_id("day"))
        model.insert(0, _notes(notes))
        units = ET.SubElement(model, "listOfUnitDefinitions")
        used = sorted({q["unit"] for q in self.quantities.values()} | {"day"})
        known = {}
        for unit in used:
            definition = _UNITS.get(unit)
            if definition is None:
                continue
            known[unit] = _unit_id(unit)
            element = ET.SubElement(units, "unitDefinition", id=known[unit], name=unit)
            listed = ET.SubElement(element, "listOfUnits")
            for kind, exponent, scale, multiplier in definition:
                ET.SubElement(listed, "unit", kind=kind, exponent=_cn(exponent), scale=str(scale), multiplier=_cn(multiplier))
        parameters = ET.SubElement(model, "listOfParameters")
        referenced = self.referenced()
        for sid, q in self.quantities.items():
            if q["constant"] and sid not in referenced:
                continue  # read only as a structural number (e.g. stages), or not at all
            # no name attribute: tools then show the id, the code's name; the meaning is in the notes
            attributes = {"id": sid, "constant": "true" if q["constant"] else "false"}
            if q["value"] is not None:
                attributes["value"] = _cn(q["value"])
            if q["unit"] in known:
                attributes["units"] = known[q["unit"]]
            element = ET.SubElement(parameters, "parameter", attributes)
            if q["notes"]:
                element.append(_notes(q["notes"]))
        rules = ET.SubElement(model, "listOfRules")
        for sid, term in self.rules.items():
            ET.SubElement(rules, "assignmentRule", variable=sid).append(_math(self.mathml(term)))
        for sid, term in self.rates.items():
            ET.SubElement(rules, "rateRule", variable=sid).append(_math(self.mathml(term)))
        if self.events:
            events = ET.SubElement(model, "listOfEvents")
            for sid, trigger, assignments in self.events:
                event = ET.SubElement(events, "event", id=sid, useValuesFromTriggerTime="true")
                ET.SubElement(event, "trigger", initialValue="false", persistent="true").append(_math(self.mathml(trigger)))
                listed = ET.SubElement(event, "listOfEventAssignments")
                for variable, term in assignments:
                    ET.SubElement(listed, "eventAssignment", variable=variable).append(_math(self.mathml(term)))
        ET.indent(sbml)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(sbml, encoding="unicode") + "\n"


def _cn(x) -> str:
    return repr(float(x)) if not float(x).is_integer() or abs(x) >= 1e16 else str(int(x))


def _math(element):
    math_element = ET.Element("math", xmlns=MATHML_NS)
    math_element.append(element)
    return math_element


def _notes(text):
    notes = ET.Element("notes")
    body = ET.SubElement(notes, "body", xmlns=XHTML_NS)
    for paragraph in text.split("\n\n"):
        ET.SubElement(body, "p").text = paragraph
    return notes


def _unit_id(unit: str) -> str:
    return "u_" + unit.replace("/", "_per_").replace("^", "").replace(" ", "_")


#: SBML definitions of the units the model uses: (kind, exponent, scale, multiplier) each.
#: International units have no SBML base unit: they are given in the notes only.
_DAY = ("second", 1, 0, 86400.0)
_UNITS = {
    "day": (_DAY,),
    "1/day": (("second", -1, 0, 86400.0),),
    "1": (("dimensionless", 1, 0, 1.0),),
    "relative": (("dimensionless", 1, 0, 1.0),),
    "fraction": (("dimensionless", 1, 0, 1.0),),
    "ng/dL": (("gram", 1, -9, 1.0), ("litre", -1, -1, 1.0)),
    "ng/mL": (("gram", 1, -9, 1.0), ("litre", -1, -3, 1.0)),
    "pg/mL": (("gram", 1, -12, 1.0), ("litre", -1, -3, 1.0)),
    "nmol/L": (("mole", 1, -9, 1.0), ("litre", -1, 0, 1.0)),
    "million/mL": (("item", 1, 6, 1.0), ("litre", -1, -3, 1.0)),
    "mL": (("litre", 1, -3, 1.0),),
    "L": (("litre", 1, 0, 1.0),),
    "L/day": (("litre", 1, 0, 1.0), ("second", -1, 0, 86400.0)),
    "L/mol": (("litre", 1, 0, 1.0), ("mole", -1, 0, 1.0)),
    "g/mol": (("gram", 1, 0, 1.0), ("mole", -1, 0, 1.0)),
    "g/L": (("gram", 1, 0, 1.0), ("litre", -1, 0, 1.0)),
    "kg/m^2": (("kilogram", 1, 0, 1.0), ("metre", -2, 0, 1.0)),
    "mg": (("gram", 1, -3, 1.0),),
    "ug": (("gram", 1, -6, 1.0),),
    "mg/day": (("gram", 1, -3, 1.0), ("second", -1, 0, 86400.0)),
    "ug/day": (("gram", 1, -6, 1.0), ("second", -1, 0, 86400.0)),
}


# --------------------------------------------------------------------------- the model
class _TracedParameters:
    """A :class:`hpg.parameters.Parameters` whose values are leaf terms, each declared in
    the document on first use (with its unit, meaning and source)."""

    def __init__(self, parameters, document):
        self.plain, self._document, self._leaves = parameters, document, {}

    def __contains__(self, name):
        return name in self.plain

    def __getitem__(self, name):
        if name not in self._leaves:
            row = self.plain.row(name)
            self._leaves[name] = self._document.parameter(name, row.value, row.unit, row.meaning, row.source)
        return self._leaves[name]


#: Names of the fast loop's intermediates where the field name would be unclear or taken.
_LOOP_IDS = {"e": "E2_rel", "y": "ER_signal", "LH": "LH_rel", "x": "LH_receptor_stimulus", "androgen": "androgen_brake",
             "estrogen": "estrogen_brake", "response": "gonadotrope_response", "q": "GnRH_receptor_stimulus",
             "pituitary_androgen": "pituitary_androgen_brake"}
_LOOP_MEANINGS = {
    "T": "serum total testosterone", "free_T": "free testosterone", "e": "estradiol relative to the healthy man",
    "y": "estrogen-receptor-alpha signal", "androgen": "androgen-receptor brake on GnRH",
    "estrogen": "estrogen-receptor brake on GnRH", "G": "mean GnRH output (relative)",
    "q": "GnRH-receptor stimulus (relative)", "response": "gonadotrope response to GnRH",
    "pituitary_androgen": "testosterone's direct brake on the gonadotropes", "LH": "LH relative to the healthy man",
    "x": "LH-receptor stimulus (LH plus hCG in LH equivalents)", "u_next": "Leydig output the fast loop returns for the current u",
}
_LOOP_UNITS = {"T": "ng/dL", "free_T": "nmol/L"}
_STATE_MEANINGS = {
    "Hc": "hypothalamic capacity", "P": "pituitary (gonadotrope) capacity", "Rd": "share of GnRH receptors desensitised",
    "Ly": "Leydig-cell capacity", "S": "Sertoli support of spermatogenesis", "Pg": "spermatogonial progenitor pool (relative)",
    "Ep": "sperm in the epididymis (relative)", "Sm": "mature share of the Sertoli cells",
    **{f"X{k + 1}": f"germ cells in compartment {k + 1} of {_daily.STAGES} (relative; "
       f"{'spermatogonia' if k < _daily.SPERMATOGONIA else 'spermatocytes' if k < _daily.SPERMATOGONIA + _daily.SPERMATOCYTES else 'spermatids'})"
       for k in range(_daily.STAGES)},
}


def export(regimens=(), patient=None, days: float = 365, parameters=None) -> str:
    """The daily model of ``patient`` under ``regimens`` as an SBML Level 3 Version 2 document.

    Parameters
    ----------
    regimens : an :class:`hpg.Regimen` or :class:`hpg.Infusion`, a list of them, or ``[]``.
    patient : an :class:`hpg.Patient`, a preset name, or ``None`` (healthy).
    days : the horizon (days): regimens without ``stop`` dose up to it, as in :func:`hpg.simulate`.
    parameters : an :class:`hpg.parameters.Parameters` (default: the model's table).

    Returns the document as a string; time is in days. Simulated from time 0 (the man's
    untreated steady state) it reproduces ``hpg.simulate(regimens, patient, days)``: for
    example in tellurium, ``te.loadSBMLModel(text).simulate(0, days, days + 1,
    ["time", "T", "LH", "FSH", "sperm"])``.
    """
    from .checks import check_days, check_patient, check_regimens
    from .parameters import check as check_parameters

    regimens = check_regimens(regimens)
    patient = check_patient(patient)
    days = check_days(days)
    return _document(regimens, patient, days, check_parameters(parameters)).xml("hpg_daily", _model_notes(regimens, patient, days))


def _document(regimens, patient, days, parameters) -> _Document:
    """The model as a :class:`_Document` of terms (arguments already checked); every term
    keeps its value at time 0, which tests/test_sbml.py compares with the plain model."""
    tape = _Tape()
    doc = _Document(tape)
    traced = _TracedParameters(parameters, doc)
    c = _daily.constants.__wrapped__(traced)  # the derived constants, as expressions of the parameters
    derived = [name for name in c._fields if isinstance(getattr(c, name), Term) and getattr(c, name).op != "ci"]
    for name in derived:
        doc.rule(name, getattr(c, name), "nmol/L" if name == "free_T_0" else "1", "derived from the parameters by hpg.daily.constants")
    c = c._replace(**{name: doc.rules[name] for name in derived})
    values = patient.values()
    leaves = {name: doc.parameter(f"patient_{name}", values[name], PATIENT_PARAMETERS[name][3], PATIENT_PARAMETERS[name][4],
                                  f"patient {patient.name!r} (hpg.patients)") for name in values}
    m = _daily.man(leaves, c)
    m = m._replace(**{name: doc.rule(f"man_{name}", getattr(m, name), "1", f"the man's {name} (hpg.daily.man)")
                      for name in m._fields if getattr(m, name).op != "ci"})

    # initial state: the untreated steady state of the plain model
    c0, m0 = _daily.constants(parameters), _daily.man(values, _daily.constants(parameters))
    s0 = [0.0] * len(_daily.STATES)
    u0 = _daily.untreated(c0, m0, s0)

    time = tape.term("time", (), 0.0)
    exposure = _drug_exposure(doc, tape, traced, regimens, days, time, c)
    T_exo, antagonist, inhibition, hcg, gonadorelin, continuous, fsh = exposure

    tau = doc.parameter("tau_fast", TAU_FAST, "day", "time constant of the fast relaxation that closes the fast loop",
                        "chosen for the export (hpg.sbml.TAU_FAST): short beside every input of the loop")
    u = doc.state("u", u0, "1", "Leydig testosterone output, relative (also intratesticular testosterone); "
                  "relaxes to the closed fast loop")
    s = [doc.state(name, value, "1", _STATE_MEANINGS[name]) for name, value in zip(_daily.STATES, s0)]
    loop = _daily.fast_loop(u, s[0], s[1], s[2], s[3], T_exo, antagonist, inhibition, hcg, gonadorelin, c, m)
    out = [0.0] * len(_outputs.PHYSIOLOGY)
    _daily.clinical_outputs(u, loop, s, fsh, c, m, out)
    for name, term in zip(_outputs.PHYSIOLOGY, out):
        doc.rule(name, term, _outputs.REGISTRY[name].unit, _outputs.REGISTRY[name].label)
    for field in loop._fields:
        term = getattr(loop, field)
        if id(term) not in doc.named:
            doc.rule(_LOOP_IDS.get(field, field), term, _LOOP_UNITS.get(field, "1"), _LOOP_MEANINGS[field])
    # FSH and inhibin B relative to the healthy man: the very nodes slow_rates and
    # clinical_outputs build (identical expressions are one node), named here
    inhibin, fsh_total = _daily.follicle_stimulation(loop, s, fsh, c, m)
    doc.rule("inhibin_B_rel", inhibin, "1", "inhibin B relative to the healthy man")
    doc.rule("FSH_rel", fsh_total, "1", "FSH the testes feel (the pituitary's and a drug's), relative to the healthy man")
    doc.rate("u", (loop.u_next - u) / tau)
    A, B = [0.0] * len(s), [0.0] * len(s)
    _daily.slow_rates(u, loop, s, continuous, fsh, c, m, A, B)
    for name, x, a, b in zip(_daily.STATES, s, A, B):
        doc.rate(name, a - b * x)
    return doc


def _drug_exposure(doc, tape, traced, regimens, days, time, c):
    """Declare every regimen's compartments, doses and levels; return the seven drug effects
    of :data:`hpg.daily.EXPOSURE` as named terms."""
    levels = {}  # species name -> (unit, terms to add up)
    chains = {}  # (drug, ids of the rate constants so far) -> [amount leaf, rate constant, inflows]
    continuous = []
    for index, regimen in enumerate(regimens, start=1):
        drug, prefix = regimen._drug, f"regimen{index}"

        def setting(name, value, unit, meaning):
            return doc.parameter(f"{prefix}_{name}", value, unit, f"{drug.name}: {meaning}", "the exported regimen")

        running = None
        if isinstance(regimen, _drugs.Infusion) or drug.pulse_averaged:
            # on from start to stop: a switch that two events flip, so that a solver stops at both
            start, stop = _drugs._window(regimen, days)
            running = doc.state(f"{prefix}_running", 1.0 if start <= 0.0 < stop else 0.0, "1",
                                f"{drug.name}: 1 while the infusion or pump runs, else 0 (set by events)")
            for what, at, value in (("start", start, 1.0), ("stop", stop, 0.0)):
                moment = setting(what, at, "day", what + (" (past the horizon if none was given)" if what == "stop" else ""))
                doc.events.append((f"{prefix}_{what}_event", tape.term("geq", (time, moment), time.value >= at), [(running.args[0], value)]))
        if isinstance(regimen, _drugs.Infusion):
            rate = setting("rate", regimen.rate, f"{drug.unit}/day", "infusion rate")
            mean_rate, inflow = rate, running * rate
        else:
            dose = setting("dose", regimen.dose, drug.unit, "dose")
            every = setting("every", regimen.every or 1.0, "day", "dosing interval" + ("" if regimen.every else " (one dose: unused)"))
            mean_rate, inflow = (dose / every if regimen.every else 0.0), None
        roots = []
        for species in drug.kinetics(traced):
            if drug.pulse_averaged:  # the steady level of the mean rate while the pump runs (hpg.drugs.levels)
                k, weights = species.coefficients()
                level = running * mean_rate * sum(w / r for r, w in zip(k, weights))
                level = doc.rule(f"{prefix}_{species.name}", level, species.unit, f"{species.name} from {drug.name}, pulse-averaged")
                share = setting("continuous_share", regimen.continuous_fraction(traced.plain), "1",
                                "share of the exposure the GnRH receptor sees as continuous (hpg.drugs.continuous_fraction)")
                continuous.append(share * level)
            else:
                amount = None
                for i, k in enumerate(species.rates):
                    key = (drug.name, tuple(id(r) for r in species.rates[: i + 1]))
                    if key not in chains:
                        sid = f"{drug.name}_{species.name}_{i + 1}"
                        leaf = doc.state(sid, 0.0, drug.unit, f"{drug.name}: amount in compartment {i + 1} of the chain to "
                                         f"{species.name} (in {drug.unit} of dose)")
                        chains[key] = [leaf, k, [inflow] if i == 0 and inflow is not None else []]
                        if i == 0:
                            roots.append(leaf)
                        else:
                            chains[key][2].append(species.rates[i - 1] * amount)
                    amount = chains[key][0]
                level = species.scale * species.fraction * amount
            levels.setdefault(species.name, (species.unit, []))[1].append(level)
        if isinstance(regimen, _drugs.Regimen) and not drug.pulse_averaged:
            times = regimen.dose_times(days)
            counter = doc.state(f"{prefix}_next_dose", regimen.start, "day", f"{drug.name}: time of the next dose (moved on by each dose)")
            last = setting("last_dose", times[-1] if times else -1.0, "day", "time of the last dose up to the horizon")
            due = tape.term("geq", (time, counter), False)
            trigger = tape.term("and", (due, tape.term("lt", (counter, last + 0.5 * every), True)), False)
            assignments = [(root.args[0], root + dose) for root in roots] + [(counter.args[0], counter + every)]
            doc.events.append((f"{prefix}_dose_event", trigger, assignments))
    floor = doc.parameter("washout_floor", WASHOUT_FLOOR, "the drug's dose unit", "amount (in the drug's dose unit) below which a drug "
                          "compartment is emptied by an event", "chosen for the export (hpg.sbml.WASHOUT_FLOOR)") if chains else None
    for leaf, k, inflows in chains.values():
        sid = leaf.args[0]
        doc.rate(sid, _sum(inflows) - k * leaf)
        tiny = tape.term("and", (tape.term("lt", (tape.term("abs", (leaf,), 0.0), floor), False),
                                 tape.term("neq", (leaf, 0.0), False)), False)
        doc.events.append((f"{sid}_washout_event", tiny, [(sid, 0.0)]))
    level = {name: doc.rule(name, _sum(terms), unit, f"level of {name}" + (" at its effect site" if name.endswith("_effect") else ""))
             for name, (unit, terms) in levels.items()}

    def get(name):
        return level.get(name, 0.0)

    # the drug effects: hpg.daily.drug_effects itself, on the traced levels
    values = _daily.drug_effects(get("exogenous_T"), get("enclomiphene_effect"), get("tamoxifen"), get("N_desmethyltamoxifen"),
                                get("anastrozole_effect"), get("hcg"), get("gonadorelin"), _sum(continuous), get("follitropin"), c)
    meanings = {
        "T_exo": ("ng/dL", "serum testosterone from the drug"),
        "antagonist": ("1", "ERalpha occupancy by SERMs relative to baseline estradiol's"),
        "inhibition": ("1", "share of aromatase activity blocked"),
        "hcg_LH_equivalents": ("1", "hCG as LH-receptor stimulus, in units of healthy LH"),
        "gonadorelin_rel": ("1", "gonadorelin relative to healthy mean GnRH"),
        "gonadorelin_continuous": ("1", "the part of gonadorelin the receptor sees as continuous, relative to healthy mean GnRH"),
        "fsh_drug_rel": ("1", "FSH from a drug relative to the healthy man's FSH"),
    }
    effects = {sid: (value, *meanings[sid]) for sid, value in zip(meanings, values)}
    return tuple(doc.rule(sid, *spec) for sid, spec in effects.items())


def _sum(terms):
    total = 0.0
    for term in terms:
        total = total + term
    return total


def _model_notes(regimens, patient, days) -> str:
    given = "; ".join(repr(r) for r in regimens) or "none (untreated)"
    return (
        "The daily (pulse-averaged) model of the male hypothalamic-pituitary-gonadal axis of the hpg package, "
        "generated by hpg.sbml.export from the model's own equation functions (hpg.equations, hpg.daily). "
        "Time in days; levels relative to a healthy young man (1) unless a unit is given.\n\n"
        f"Patient: {patient.name} ({', '.join(f'{k}={v:g}' for k, v in patient.values().items())}). "
        f"Regimens: {given}. Horizon: {days:g} days. Initial values: the man's untreated steady state.\n\n"
        f"The fast loop (testosterone, estradiol, GnRH, LH and the Leydig output u), algebraic in hpg, is closed by a "
        f"fast relaxation du/dt = (u_next - u) / tau_fast with tau_fast = {TAU_FAST:g} day (86 s), short beside every "
        "input of the loop (the fastest: testosterone gel's blood compartment, half-life 2 h); the system is stiff: "
        "use a stiff solver (CVODE/BDF, LSODA) with a relative tolerance of 1e-8 or tighter.\n\n"
        "Doses are events that add the dose to the first compartment of each drug's chain of first-order "
        "compartments; effect sites are one more compartment. Left out: the pulse-level model (hpg.pulses), "
        "cohorts, and the fixed-step integrator of hpg.simulate. The initial state is the steady state of the "
        "exported parameters: after changing a parameter, let the untreated model settle first. This is "
        "education, not medical advice."
    )
