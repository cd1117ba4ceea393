"""Every citation key named by the package (parameter sources, drug sources, studied
regimens) is an entry of references.bib, so the book can cite it."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT

import hpg

BIB_KEYS = set(re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.MULTILINE))
# A citation key as the package writes it: author + year (+ suffix), a label "<drug>_pi", or pubchem_<compound>.
KEY = re.compile(r"\b(?:[a-z]+\d{4}[a-z]*|[a-z]+_pi|pubchem_[a-z]+)\b")


def keys_in(text: str) -> set[str]:
    return set(KEY.findall(text))


def test_bibliography_parses():
    assert len(BIB_KEYS) >= 40


@pytest.mark.parametrize("parameter", hpg.parameters.table(), ids=lambda p: p["name"])
def test_every_parameter_source_is_cited_or_calibrated_or_assumed(parameter):
    source = parameter["source"]
    keys = keys_in(source)
    assert keys or re.match(r"(calibrated to|assumed|structural|ref_)", source), source
    assert keys <= BIB_KEYS, f"{parameter['name']}: {sorted(keys - BIB_KEYS)} not in references.bib"


@pytest.mark.parametrize("drug", hpg.drugs.DRUGS.values(), ids=lambda d: d.name)
def test_every_drug_source_and_study_is_in_the_bibliography(drug):
    named = set(drug.sources) | {s.source for s in drug.studies} | keys_in(drug.studied_doses) | keys_in(" ".join(drug.half_lives.values()))
    assert named <= BIB_KEYS, sorted(named - BIB_KEYS)


ENTRIES = re.findall(r"^@\w+\{([^,\s]+),(.*?)^\}", (ROOT / "references.bib").read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
# A note must say how a field was checked; these phrases say it was not.
UNCHECKED = re.compile(r"from memory|not found|remembered|from the brief", re.IGNORECASE)


def note_of(body: str) -> str:
    match = re.search(r"^\s*note\s*=\s*\{(.*)\},?\s*$", body, re.MULTILINE)
    return match.group(1) if match else ""


def test_the_entries_were_read():
    assert len(ENTRIES) == len(BIB_KEYS)


@pytest.mark.parametrize(("key", "body"), ENTRIES, ids=[key for key, _ in ENTRIES])
def test_no_bibliography_field_rests_on_memory(key, body):
    note = note_of(body)
    assert not UNCHECKED.search(note), f"{key}: {note}"
