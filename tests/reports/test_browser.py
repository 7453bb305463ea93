"""Both reports opened from disk in headless Chromium: no console error, no request leaving the page,
no injected script run; screenshots and PDFs saved under out/artefacts/ for a person to look at.

Chromium is driven over the DevTools protocol on a pipe (see browser.py): the page's own console calls,
exceptions, Log-domain errors (CSP refusals land there) and every network request are recorded. The
reports' Content-Security-Policy (default-src 'none') would also refuse any fetch, and the refusal would
show up here as an error. CI installs Debian's chromium (.ci/run); without it these tests skip.
"""
from __future__ import annotations

import shutil

import pytest

from reports.evidence_html import write_evidence
from reports.whatif import write_report
from tests.reports.browser import Chromium, find_chromium
from tests.reports.conftest import ARTEFACTS
from tests.tools import needs_tool

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.slow,  # about 8 s: a browser start and four pages
    needs_tool(None if CHROMIUM is not None else
               "headless Chromium not found (/usr/bin/chromium): `apt-get install -y chromium`; CI installs it"),
]


@pytest.fixture(scope="module")
def browser():
    with Chromium(CHROMIUM) as chromium:
        yield chromium


def assert_clean(visit) -> None:
    assert visit.console_errors == [], visit.console_errors
    assert visit.exceptions == [], visit.exceptions
    assert visit.log_errors == [], visit.log_errors
    assert visit.outside_requests == [], visit.outside_requests
    assert visit.dialogs == [], f"a script ran and opened a dialog: {visit.dialogs}"


def test_the_evidence_report_opens_offline_and_its_filters_work(browser, evidence, junit, rulebook, tmp_path):
    shutil.copy(junit, tmp_path / "junit.xml")
    tab = browser.open(write_evidence(tmp_path, evidence))  # the project's whole rule catalogue
    assert_clean(tab.visit)
    assert tab.evaluate("document.title") == "Evidence: 1 of 4 scenarios passed"
    tab.screenshot(ARTEFACTS / "evidence.png")
    tab.screenshot(ARTEFACTS / "evidence-print.png", media="print")
    tab.print_pdf(ARTEFACTS / "evidence.pdf")
    visible = "document.querySelectorAll('table.rules tbody tr[data-key]:not(.hidden)').length"
    every = tab.evaluate(visible)
    tab.evaluate("document.querySelector('button[data-show=gap]').click()")
    gaps = tab.evaluate(visible)
    assert 0 < gaps < every
    tab.evaluate("document.querySelector('button[data-details=close]').click()")
    assert tab.evaluate("document.querySelectorAll('details.scenario[open]').length") == 0
    assert_clean(tab.visit)


def test_injected_markup_in_the_evidence_runs_nothing(browser, hostile_evidence, rulebook, tmp_path):
    tab = browser.open(write_evidence(tmp_path, hostile_evidence, rulebook))
    assert_clean(tab.visit)
    assert tab.evaluate("document.scripts.length") == 1
    assert "<script>alert(1)</script>" in tab.evaluate("document.body.innerText")
    tab.screenshot(ARTEFACTS / "evidence-hostile.png", full_page=False)


def test_the_section_since_the_baseline_opens_offline_and_links_into_the_page(browser, evidence, tmp_path):
    import copy

    baseline = copy.deepcopy(evidence)  # the signed-off run: every scenario passed
    for scenario in baseline["scenarios"]:
        scenario["status"], scenario["failure"] = "passed", None
    baseline["summary"] = {"passed": 4, "failed": 0, "skipped": 0, "errored": 0, "total": 4}
    tab = browser.open(write_evidence(tmp_path, evidence, baseline=baseline))
    assert_clean(tab.visit)
    links = "[...document.querySelectorAll('#baseline ul.diff a')].map(a => a.getAttribute('href'))"
    targets = tab.evaluate(f"{links}.filter(h => document.querySelector(h) === null)")
    assert targets == [], f"links that lead nowhere: {targets}"
    assert "Regressed since the baseline" in tab.evaluate("document.getElementById('baseline').innerText")
    tab.evaluate("document.getElementById('baseline').scrollIntoView()")
    tab.screenshot(ARTEFACTS / "evidence-baseline.png", full_page=False)


@pytest.mark.parametrize("kind", ["single", "sweep"])
def test_the_whatif_report_opens_offline_with_its_charts(browser, kind, summary, sweep, replications, tmp_path):
    path = write_report(tmp_path, summary if kind == "single" else sweep, replications if kind == "single" else [])
    tab = browser.open(path)
    assert_clean(tab.visit)
    assert tab.evaluate("document.querySelectorAll('.chart svg').length") == (3 if kind == "single" else 4)
    # every chart is drawn at a readable size, not collapsed by the layout
    assert tab.evaluate("Math.min(...[...document.querySelectorAll('.chart svg')].map(s => s.getBoundingClientRect().width))") > 300
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    tab.screenshot(ARTEFACTS / f"whatif-{kind}.png")
    tab.screenshot(ARTEFACTS / f"whatif-{kind}-print.png", media="print")
    tab.print_pdf(ARTEFACTS / f"whatif-{kind}.pdf")


def test_the_checks_catch_a_page_that_misbehaves(browser, tmp_path):
    """The negative control: each check above would fail on a page that does the bad thing."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/beacon.png">'
                   '<script>console.error("boom"); alert("xss"); undefinedFunction();</script></body></html>')
    visit = browser.open(bad).visit
    assert visit.console_errors == ["boom"]
    assert visit.dialogs == ["xss"]
    assert visit.exceptions and "undefinedFunction" in visit.exceptions[0]
    assert visit.outside_requests == ["http://127.0.0.1:9/beacon.png"]


def test_the_whatif_report_with_every_part_opens_offline_and_keeps_a_table_by_every_chart(browser, tmp_path):
    """The golden what-if study (tests/golden: suppliers, prepayment, costs, comparisons, traffic): a real
    run's summary.json, drawn and printed."""
    import json
    from pathlib import Path

    golden = Path(__file__).resolve().parents[1] / "golden" / "expected" / "summary_whatif.json"
    tab = browser.open(write_report(tmp_path, json.loads(golden.read_text(encoding="utf-8")), []))
    assert_clean(tab.visit)
    for section in ("differences", "costs", "suppliers", "chart-traffic", "chart-prepay", "chart-cost", "chart-suppliers"):
        assert tab.evaluate(f"document.getElementById('{section}') !== null"), section
    # the report leads with the differences: the headline sentences, then the section, before the scenario
    assert tab.evaluate("document.querySelector('.headline').innerText.includes('mp105 against legacy: ')")
    assert tab.evaluate("document.getElementById('differences').compareDocumentPosition("
                        "document.getElementById('scenario')) & Node.DOCUMENT_POSITION_FOLLOWING")
    assert tab.evaluate("[...document.querySelectorAll('.chart-row')].every(r => r.querySelector('.chart-numbers table'))")
    assert tab.evaluate("document.querySelectorAll('.chart svg').length") == tab.evaluate("document.querySelectorAll('.chart-row').length")
    assert tab.evaluate("Math.min(...[...document.querySelectorAll('.chart svg')].map(s => s.getBoundingClientRect().width))") > 300
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    # printing opens every folded table (every hour of the traffic, the other swept values' differences)
    tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert tab.evaluate("document.querySelectorAll('details:not([open])').length") == 0
    tab.evaluate("window.dispatchEvent(new Event('afterprint'))")
    tab.screenshot(ARTEFACTS / "whatif-parts.png")
    tab.screenshot(ARTEFACTS / "whatif-parts-print.png", media="print")
    tab.print_pdf(ARTEFACTS / "whatif-parts.pdf")
    assert (ARTEFACTS / "whatif-parts.pdf").stat().st_size > 50_000
    assert_clean(tab.visit)
