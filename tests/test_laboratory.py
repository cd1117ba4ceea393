"""The laboratory appendix (book/back/laboratory.md): its worked numbers agree with hpg.units and
the model's parameters, its diagram is an accessible, printable figure, and it is in the book."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, toc_docnames

import hpg.parameters
import hpg.units

PAGE = ROOT / "book" / "back" / "laboratory.md"
FIGURE = ROOT / "book" / "back" / "axis-drug-sites.svg"


@pytest.fixture(scope="module")
def text() -> str:
    return PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "output, conventional, written",
    [("T", 264, "9.15 nmol/L"), ("T", 916, "31.76 nmol/L"), ("T", 531, "18.41 nmol/L"), ("E2", 40, "146.85 pmol/L")],
)
def test_every_conversion_on_the_page_is_what_hpg_units_gives(text, output, conventional, written):
    value, unit = hpg.units.convert(output, conventional, "SI")
    number, written_unit = written.split()
    assert written_unit == unit and f"{value:.2f}" == number
    assert written in text


def test_the_reverse_conversion(text):
    per_nmol = 1 / hpg.units.convert("T", 1.0, "SI")[0]
    assert f"{per_nmol:.3f}" == "28.842" and "28.842" in text
    assert f"{10.4 * per_nmol:.1f} ng/dL" in text


def test_the_production_rate_uses_the_model_clearance_and_median(text):
    clearance, median = hpg.parameters.value("testosterone_clearance"), hpg.parameters.value("T_0")
    microgram_per_litre = median / 100  # ng/dL -> µg/L
    assert f"{clearance:.0f} L/day" in text and f"{median:.0f} ng/dL" in text
    assert f"{microgram_per_litre:.2f}" + " µg/L" in text
    assert f"{clearance * microgram_per_litre / 1000:.1f} mg/day" in text
    nmol = hpg.units.convert("T", median, "SI")[0]
    assert f"{clearance * nmol / 1000:.1f} µmol/day" in text


def test_the_hormone_table_covers_the_five_patterns(text):
    for row in ("Primary hypogonadism", "Secondary hypogonadism", "Exogenous androgen", "SERM", "hCG"):
        assert re.search(rf"^\| \*\*{re.escape(row)}\*\*", text, re.M), row
    for limit in ("16 million/mL", "30 %", "42 %", "4 %"):
        assert limit in text


def test_every_number_paragraph_cites_a_source(text):
    body = text.split("## References")[0]
    for paragraph in re.split(r"\n\s*\n", body):
        if re.search(r"\d+ ?(?:ng/dL|%|days|L/day|million/mL)", paragraph) and not paragraph.startswith(("|", ":", "$$", "```")):
            assert "{footcite" in paragraph or "worked" in paragraph or "×" in paragraph, paragraph[:120]


def test_the_diagram_is_a_described_printable_figure(text):
    svg = ET.parse(FIGURE).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.find("s:title", ns).text and len(svg.find("s:desc", ns).text) > 200
    assert svg.get("role") == "img"
    assert "```{figure} axis-drug-sites.svg" in text and "\n:alt: " in text
    for drug in ("SERM", "gonadorelin", "hCG", "FSH preparations", "anastrozole", "testosterone from outside"):
        assert drug in ET.tostring(svg, encoding="unicode"), drug


def test_the_appendix_is_in_the_back_matter():
    names = toc_docnames()
    assert "book/back/laboratory" in names
    assert names.index("book/back/laboratory") > names.index("book/academic/regulation")
