"""evidence.html: self-contained, and nothing a release board needs is missing."""
from __future__ import annotations

import re

from reports.evidence_html import render_evidence, write_evidence


def test_every_scenario_is_in_the_report_whatever_its_status(evidence, rulebook):
    html = render_evidence(evidence, rulebook)
    for scenario in evidence["scenarios"]:
        assert f'data-key="{scenario["status"]}"' in html
        assert scenario["name"] in html
    assert html.count('<details class="scenario') == 4


def test_failures_are_open_and_passes_are_folded(evidence, rulebook):
    html = render_evidence(evidence, rulebook)
    opened = re.findall(r'<details class="scenario (\w+)"[^>]*data-key="\w+"( open)?>', html)
    assert opened == [("passed", ""), ("failed", " open"), ("skipped", " open"), ("errored", " open")]
    assert "expected response code &#34;I0&#34;, got &#34;E5&#34;" in html


def test_the_manifest_is_shown(evidence, rulebook):
    html = render_evidence(evidence, rulebook)
    for text in ("8086d38", "legacy, mp105", "features/firmware-11.3/retry.feature", "ab" * 32, "pytest-bdd",
                 "2026-11-24T21:00:04+00:00"):
        assert text in html


def test_messages_alerts_xml_and_smi_before_after_are_shown(evidence, rulebook):
    html = render_evidence(evidence, rulebook)
    # N29 to the network operator: the name the feature file used, and its EUI-64
    assert "DCC alert" in html and "<b>to electricity distributor</b><br>90-B3-D5-1F-30-02-00-00" in html
    assert "<b>E1</b><br>00-DB-12-34-56-78-90-A0" in html  # the device by its alias too
    assert '<details class="xml"><summary>DUIS XML</summary><pre>&lt;?xml version=' in html
    assert "t+1:00:01.5" in html  # the device response's simulated time
    assert "status <span class=\"mono\">Suspended</span> → <span class=\"mono\"><b>Commissioned</b></span>" in html
    assert 'class="changed"><td class="field">firmware</td>' in html
    assert "no change to its SMI record." in html  # the failed scenario's GSME


def test_modelling_decisions_are_labelled(evidence, rulebook):
    html = render_evidence(evidence, rulebook)
    assert '<a href="#rule-R-DEV-5">R-DEV-5</a>' in html  # listed under Modelling decisions
    assert re.search(r'id="rule-R-DEV-5" data-key="gap model">\s*<td class="nowrap"><b>R-DEV-5</b><br><span class="badge model">', html)


def test_the_report_is_self_contained(evidence, rulebook, tmp_path):
    path = write_evidence(tmp_path, evidence, rulebook)
    html = path.read_text()
    assert path.name == "evidence.html" and not list(tmp_path.glob(".*.tmp"))
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "@import" not in html


def test_a_skipped_scenario_says_why_and_an_undefined_step_is_badged(evidence, rulebook):
    """The producer keeps a skip's why in `reason` (not `failure`) and marks an unknown step `undefined`."""
    html = render_evidence(evidence, rulebook)
    assert '<h4>Why it was skipped</h4><div class="failure skipped">tagged @wip</div>' in html
    assert '<span class="badge undefined">? undefined</span>' in html


def test_every_trace_kind_of_the_world_reads_as_words():
    from harness.sim.world import TRACE_KINDS
    from reports.evidence_html import MESSAGE_KINDS

    assert set(MESSAGE_KINDS) == set(TRACE_KINDS)


def test_a_feature_file_that_cannot_be_run_is_titled_by_its_path(evidence, rulebook):
    broken = {"id": "mine/broken.feature", "feature": None, "feature_file": "mine/broken.feature", "line": 5,
              "name": "(feature file cannot be run)", "tags": [], "rules": [], "requirements": [],
              "status": "errored", "failure": "mine/broken.feature:5: does not parse", "steps": [],
              "messages": [], "devices": []}
    html = render_evidence(dict(evidence, scenarios=[broken]), rulebook)
    assert '<span class="title">mine/broken.feature › (feature file cannot be run)</span>' in html


def test_a_rule_proven_by_many_scenarios_folds_its_list(evidence, rulebook):
    """The built-in suite proves Req-1 with 40-odd outline rows: listed in full they made the matrix pages long."""
    many = [dict(evidence["scenarios"][0], id=f"s{i}", name=f"row {i}") for i in range(7)]
    html = render_evidence(dict(evidence, scenarios=many), rulebook)
    assert '<details class="refs"><summary>7 scenarios</summary>' in html
    few = render_evidence(dict(evidence, scenarios=many[:6]), rulebook)
    assert '<details class="refs">' not in few and "row 5" in few
