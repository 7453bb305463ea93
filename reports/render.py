"""One way to turn a view into a self-contained HTML file: Jinja2 with autoescape on for every template.

Everything a tester, a feature file or a scenario file can name (feature and scenario names, step text,
device aliases, failure messages, DUIS XML) reaches the page only through an autoescaped `{{ }}`; the only
markup not escaped is our own CSS, our own script and the SVG that matplotlib drew from numbers.
The page's Content-Security-Policy forbids every fetch, so a report can never reach the network.
"""
from __future__ import annotations

import base64
import hashlib
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        duration=format_duration, clock=format_clock, num=format_number, pct=format_percent, plural=plural
    )
    env.globals["inline_asset"] = _inline_asset
    env.globals["script_hash"] = _script_hash
    return env


def _inline_asset(name: str) -> Markup:
    """Our own CSS or JS, inlined verbatim (a `</` inside would end the element early: we write none)."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"{name} must not contain '</' (it is inlined into a <style> or <script>)")
    return Markup(text)


def _script_hash(name: str) -> str:
    """The CSP source for our one script: only it may run, never an injected one (defence in depth)."""
    digest = hashlib.sha256(str(_inline_asset(name)).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(template: str, **view: Any) -> str:
    return _environment().get_template(template).render(**view)


def write_atomically(path: Path, text: str) -> Path:
    """Write beside the target, then rename: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a report is for sharing
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:  # a write on the open file names none (a full disk)
            error.filename = str(path)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def plural(count: int, noun: str) -> str:
    """'1 scenario', '3 scenarios'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_duration(seconds: Any) -> str:
    """Simulated seconds as '2 h 01 min', '45 min 10 s', '1.5 s'; '—' when unknown."""
    if not _finite(seconds):
        return "—"
    s = float(seconds)
    if s < 60:
        return f"{s:g} s"
    minutes, sec = divmod(round(s), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours:02d} h {minutes:02d} min"
    if hours:
        return f"{hours} h {minutes:02d} min" + (f" {sec:02d} s" if sec else "")
    return f"{minutes} min {sec:02d} s"


def format_clock(seconds: Any) -> str:
    """A simulated instant as 't+H:MM:SS' (days as 'd+'), exact to the tenth of a second when needed."""
    if not _finite(seconds):
        return "—"
    s = float(seconds)
    whole = int(s)
    tenths = round((s - whole) * 10)
    if tenths == 10:
        whole, tenths = whole + 1, 0
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, sec = divmod(rest, 60)
    text = f"t+{hours}:{minutes:02d}:{sec:02d}" + (f".{tenths}" if tenths else "")
    return f"t+{days}d {text[2:]}" if days else text


def format_number(value: Any, digits: int = 3) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return "—"
    if value != 0 and abs(value) < 10 ** -(digits):
        return f"{value:.{digits}g}"
    return f"{value:,.{digits}f}"


def format_percent(value: Any, digits: int = 2) -> str:
    if not _finite(value):
        return "—"
    return f"{float(value) * 100:.{digits}f} %"


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
