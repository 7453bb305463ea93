"""Content from feature files, scenarios and device names renders as text, never as markup."""
from __future__ import annotations

import copy
from html.parser import HTMLParser

from reports.evidence_html import render_evidence
from reports.whatif import render_report


class _Elements(HTMLParser):
    """Every element the browser would build, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def assert_inert(html: str) -> None:
    found = elements(html)
    scripts = [a for tag, a in found if tag == "script"]
    assert len(scripts) == 1, f"expected only the report's own script, found {len(scripts)}"
    handlers = [(tag, name) for tag, attrs in found for name in attrs if name.lower().startswith("on")]
    assert not handlers, f"event-handler attributes reached the page: {handlers}"
    assert not [tag for tag, _ in found if tag in ("iframe", "img", "object", "embed")]


def test_a_feature_named_script_renders_as_text_in_the_evidence(hostile_evidence, rulebook):
    html = render_evidence(hostile_evidence, rulebook)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(" not in html
    assert_inert(html)


def test_device_aliases_steps_xml_and_details_are_escaped(hostile_evidence, rulebook):
    html = render_evidence(hostile_evidence, rulebook)
    assert "&lt;svg onload=alert(5)&gt;" in html  # device alias
    assert "&lt;/td&gt;&lt;script&gt;alert(4)&lt;/script&gt;" in html  # step text
    assert "&lt;![CDATA[&lt;/details&gt;&lt;script&gt;alert(7)" in html  # DUIS XML
    assert "&lt;iframe src=javascript:alert(8)&gt;" in html  # message details
    assert "&lt;img src=x onerror=alert(2)&gt; &amp; &#34;quotes&#34;" in html  # scenario name


def test_the_page_allows_only_its_own_script_to_run(hostile_evidence, rulebook):
    html = render_evidence(hostile_evidence, rulebook)
    csp = next(a["content"] for tag, a in elements(html) if tag == "meta" and a.get("http-equiv"))
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "unsafe-inline" not in csp.split("script-src")[1]


def test_scenario_names_and_swept_values_are_escaped_in_the_whatif_report(sweep):
    hostile = copy.deepcopy(sweep)
    hostile["name"] = "<script>alert(1)</script>"
    for point in hostile["sweep"]:
        point["summary"]["description"] = "<img src=x onerror=alert(2)>"
        if point["parameters"]["ruleset"] == "legacy":
            point["parameters"]["ruleset"] = "$x$ <b onmouseover=alert(3)>legacy</b>"
            point["summary"]["ruleset"] = point["parameters"]["ruleset"]
        point["summary"]["alerts"]["<i>N99</i>"] = 1
    html = render_report(hostile, [])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=alert(3)&gt;legacy&lt;/b&gt;" in html  # in tables and in the SVG legend
    assert "&lt;i&gt;N99&lt;/i&gt;" in html
    assert_inert(html)


def test_replication_rows_are_escaped(summary, replications):
    rows = [dict(replications[0], note="<script>alert(1)</script>")]
    html = render_report(summary, rows)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_inert(html)
