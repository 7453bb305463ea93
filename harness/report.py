"""The what-if report: a plain HTML page of the summary (the reports package may swap in a richer one).

One function, `write_report(out_dir, summary, replications)`, is the seam: summary.json and
replications.csv are the stable contract; the HTML is presentation.
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return escape(str(value))


def write_report(out_dir: str | Path, summary: dict[str, Any], replications: list[dict[str, Any]]) -> Path:
    """Write `report.html` into `out_dir` and return its path."""
    points = summary["points"]
    metric_names = list(summary["metrics"])
    head = "".join(f"<th>{escape(k)}</th>" for k in ["parameters", "ruleset", *metric_names])
    body = []
    for point in points:
        params = ", ".join(f"{k}={v}" for k, v in point["params"].items()) or "(scenario)"
        cells = [escape(params), escape(point["ruleset"])]
        for m in metric_names:
            s = point["metrics"][m]
            cells.append(f"{_fmt(s['mean'])}<br><small>[{_fmt(s['ci95'][0])}, {_fmt(s['ci95'][1])}]</small>")
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    decisions = "".join(
        f"<li><b>{escape(k)}</b>: {escape(v)} <em>(modelling decision)</em></li>" for k, v in summary["modelling_decisions"].items()
    )
    manifest = "".join(f"<tr><th>{escape(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in summary["manifest"].items())
    perf = "".join(f"<tr><th>{escape(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in summary["performance"].items())
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(summary['name'])}: what-if report</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}</style>
</head><body>
<h1>{escape(summary['name'])}</h1>
<p>{escape(summary.get('description', ''))}</p>
<p>Rule set {escape(summary['ruleset'])}, seed {summary['seed']}, {summary['replications']} replications,
{summary['devices']} devices, horizon {summary['horizon_hours']} h. Means with 95% confidence intervals.</p>
<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>
<h2>Modelling decisions</h2><ul>{decisions}</ul>
<h2>Manifest</h2><table>{manifest}</table>
<h2>Performance</h2><table>{perf}</table>
<p>{len(replications)} replication rows in replications.csv.</p>
</body></html>
"""
    path = Path(out_dir) / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
