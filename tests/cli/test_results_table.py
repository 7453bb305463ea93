"""The results table `sm-harness run` prints: at a terminal's width (80 columns), nothing is cut short ("…"):
the metrics are split over as many tables as the width needs (the headline study's 12 metrics used to be
squeezed into one table, every column cut)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from harness.cli.run import _LABELS, _table

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "expected" / "summary_whatif.json"


@pytest.mark.parametrize("width", [80, 120, 200])
def test_every_metric_of_every_point_is_printed_whole_at_the_terminals_width(width):
    summary = json.loads(GOLDEN.read_text())
    summary["performance"] = {"service_requests": 1, "service_requests_per_second": 1, "peak_rss_mb": 1.0, "wall_seconds": 1.0}
    console = Console(width=width, record=True, file=io.StringIO())
    _table(console, summary, Path("out"))
    text = console.export_text()
    assert "…" not in text and max(len(line) for line in text.splitlines()) <= width
    for name in summary["metrics"]:  # each metric's column head, whole
        assert all(part in text for part in _LABELS[name].split("\n")), name
    rows = [line for line in text.splitlines() if line.startswith("│ ") and "[" not in line]
    tables = text.count("┃ point")
    assert len(rows) == len(summary["points"]) * tables  # every point in every table
    assert "SR/s per worker (simulated seconds)" in text
