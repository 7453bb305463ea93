"""The house rules, checked: the rooms and the arrows between them, module size, one home for each fact,
and the type checker (mypy --strict on the pure core, the default elsewhere)."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dsp", "devices", "harness", "features", "reports")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The project modules a file imports, anywhere in it (inside functions too), TYPE_CHECKING included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {_owner(n) for n in names if _owner(n)}


def _owner(name: str) -> str | None:
    """The project module a dotted import name refers to (a module, or a name inside one)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _folder(module: str) -> str:
    path = MODULES[module]
    return ".".join(path.relative_to(ROOT).parent.parts)


GRAPH = {module: _imports(path) - {module} for module, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of a directed graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_module_imports_itself_back_through_others():
    """Import loops at file level (the package __init__ that re-exports its own modules aside)."""
    graph = {m: {d for d in deps if not (MODULES[m].name == "__init__.py" and d.startswith(m + "."))}
             for m, deps in GRAPH.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_no_folder_imports_itself_back_through_others():
    """Import loops at folder level: harness/sim, harness/study, features/steps, ... as rooms."""
    folders: dict[str, set[str]] = defaultdict(set)
    for module, deps in GRAPH.items():
        folders[_folder(module)].update(_folder(d) for d in deps if _folder(d) != _folder(module))
    assert _cycle(folders) is None, " -> ".join(_cycle(folders) or [])


def test_only_the_command_line_of_harness_imports_features():
    offenders = sorted(
        f"{m} imports {d}" for m, deps in GRAPH.items() for d in deps
        if m.startswith("harness.") and not m.startswith("harness.cli") and d.split(".")[0] == "features"
    )
    assert offenders == []


def test_the_pure_core_imports_neither_simpy_nor_the_rooms_above_it():
    for module, path in MODULES.items():
        if module.split(".")[0] in ("dsp", "devices"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(import|from)\s+(simpy|harness|features|reports)\b", text, re.M), module


def test_simpy_is_imported_only_in_the_world_room():
    users = sorted(m for m, p in MODULES.items() if re.search(r"^\s*(import|from)\s+simpy\b", p.read_text(), re.M))
    assert users and all(m.startswith("harness.sim.") for m in users), users


def test_only_the_simpy_adapter_touches_simpy_internals():
    pattern = re.compile(r"\.(_queue|_eid|_now)\b(?!\s*\()")  # attributes, not methods of that name
    users = sorted(m for m, p in MODULES.items() if pattern.search(p.read_text(encoding="utf-8")))
    assert users == ["harness.sim.simpy_adapter"]


def test_no_module_is_over_400_lines():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_dccs_id_is_written_once():
    """The DCC's EUI-64 lives in dsp/identities.py; everything else imports it (fixture data aside)."""
    literal = re.compile(r"90-B3-D5-1F-30-00-00-02|00-00-00-00-00-00-00-02")
    sources = [p for p in MODULES.values()] + sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py"))
    found = sorted(str(p.relative_to(ROOT)) for p in sources
                   if p != Path(__file__).resolve() and literal.search(p.read_text(encoding="utf-8")))
    assert found == ["dsp/identities.py"]


def test_the_campaigns_device_types_and_the_prior_statuses_are_defined_once():
    for pattern in (r"_UPDATABLE\s*=", r"_NEEDS_PRIOR\s*="):
        found = [m for m, p in MODULES.items() if re.search(pattern, p.read_text(encoding="utf-8"))]
        assert found == [], (pattern, found)


def test_types_check_strict_on_the_core_and_by_default_elsewhere():
    pytest.importorskip("mypy")
    for args in (["--strict", "dsp", "devices"], ["harness", "features", "reports"]):
        run = subprocess.run([sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
