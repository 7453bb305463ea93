"""Run against run: what changed between two evidence packs, for a release board's "what changed since the last
signed-off run".

    diff = evidence_diff(old, new)       # two evidence.json documents (reports.evidence_pack.read_evidence)
    diff["regressed"]                    # True when anything got worse
    print(diff_text(diff))

Scenarios are matched by feature file and name (an outline row's name carries its example), not by line,
so editing a feature file above a scenario does not make it look removed and re-added; a name repeated
in one file (a repeated Examples row) is told apart by its order. A scenario left over on both sides is
then matched by its Feature's name and its own when that pair is unique on each side: a feature file
moved, renamed or shown from another working folder. What the diff reports:

- scenarios added and removed, and every status change of a scenario in both runs: *newly failing* (now
  failed or errored, not before), *newly passing*, *no longer run* (now skipped), *still failing* (failed
  or errored in both runs, the same way or not: a known failure stays in sight);
- rules and requirements whose proof was lost (proven before, not now) or gained, by the verdicts of the
  traceability matrix (reports.traceability) over the rule catalogue, so a rule proven only by a scenario
  that was removed or skipped shows as lost;
- manifest differences: the commit, tool version, rule sets, seed, tag selection, packages, Python, the
  platform, modelling decisions, and each feature file (added, removed, or its text changed).

It *regressed* when a scenario is newly failing or no longer run after passing, an added scenario fails,
or a rule or requirement lost its proof.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dsp.rule_catalogue import RULES, Rule
from reports.traceability import PROVEN, traceability_matrix

FAILING_STATUSES = ("failed", "errored")
NEWLY_FAILING, NEWLY_PASSING, NO_LONGER_RUN, STILL_FAILING, OTHER = (
    "newly failing", "newly passing", "no longer run", "still failing", "changed")
MANIFEST_FIELDS = (  # (key, label) of the manifest facts compared one to one
    ("git_commit", "git commit"), ("tool_version", "tool version"), ("rulesets", "rule sets"), ("seed", "seed"),
    ("tags", "tag selection"), ("python", "Python"), ("os", "OS"), ("cpu", "CPU"),
    ("schema_version", "evidence schema"),
)


def scenario_keys(scenarios: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Each scenario by `feature file › name`, `#2`, `#3` added for a name repeated in one file."""
    keyed: dict[str, Mapping[str, Any]] = {}
    for scenario in scenarios:
        base = f"{scenario.get('feature_file')} › {scenario.get('name')}"
        key, n = base, 1
        while key in keyed:
            n += 1
            key = f"{base} #{n}"
        keyed[key] = scenario
    return keyed


def evidence_diff(old: Mapping[str, Any], new: Mapping[str, Any], rules: Sequence[Rule] = RULES) -> dict[str, Any]:
    """What changed from `old` to `new` (both evidence.json documents), as plain JSON-able data."""
    before, after = scenario_keys(old.get("scenarios") or []), scenario_keys(new.get("scenarios") or [])
    moved = _moved([k for k in before if k not in after], [k for k in after if k not in before], before, after)
    pairs = {key: key for key in after if key in before} | moved  # new key -> old key
    added = [_ref(key, after[key]) for key in after if key not in pairs]
    removed = [_ref(key, before[key]) for key in before if key not in pairs.values()]
    changes = []
    for key, old_key in pairs.items():
        was, now = str(before[old_key].get("status")), str(after[key].get("status"))
        if was != now or now in FAILING_STATUSES:  # a scenario failing in both runs is listed as still failing
            changes.append({**_ref(key, after[key]), "was": was, "kind": _change(was, now)})
    rules_diff = _proof(old, new, rules)
    regressions = [c for c in changes if c["kind"] == NEWLY_FAILING or (c["kind"] == NO_LONGER_RUN and c["was"] == "passed")]
    regressions += [a for a in added if a["status"] in FAILING_STATUSES]
    regressed = bool(regressions or rules_diff["rules_lost"] or rules_diff["requirements_lost"])
    return {
        "old": _run(old),
        "new": _run(new),
        "added": added,
        "removed": removed,
        "changed": changes,
        **rules_diff,
        "manifest": _manifest(old.get("manifest") or {}, new.get("manifest") or {}),
        "scenario_regressions": [r["key"] for r in regressions],
        "regressions": len(regressions) + len(rules_diff["rules_lost"]) + len(rules_diff["requirements_lost"]),
        "regressed": regressed,
    }


def _moved(gone: list[str], new: list[str], before: Mapping[str, Mapping[str, Any]],
           after: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """{new key: old key} for leftovers whose (Feature name, scenario name) is unique on both sides."""
    def by_title(keys: list[str], scenarios: Mapping[str, Mapping[str, Any]]) -> dict[tuple[Any, Any], str]:
        titles: dict[tuple[Any, Any], list[str]] = {}
        for key in keys:
            titles.setdefault((scenarios[key].get("feature"), scenarios[key].get("name")), []).append(key)
        return {title: found[0] for title, found in titles.items() if len(found) == 1 and title[0] is not None}

    was, now = by_title(gone, before), by_title(new, after)
    return {now[title]: was[title] for title in now if title in was}


def _ref(key: str, scenario: Mapping[str, Any]) -> dict[str, Any]:
    return {"key": key, "id": scenario.get("id"), "name": scenario.get("name"), "status": str(scenario.get("status")),
            "failure": scenario.get("failure") or scenario.get("reason")}


def _change(was: str, now: str) -> str:
    if now in FAILING_STATUSES:
        return STILL_FAILING if was in FAILING_STATUSES else NEWLY_FAILING
    if now == "passed":
        return NEWLY_PASSING
    if now == "skipped":
        return NO_LONGER_RUN
    return OTHER


def _run(evidence: Mapping[str, Any]) -> dict[str, Any]:
    manifest = evidence.get("manifest") or {}
    summary = evidence.get("summary") or {}
    return {"git_commit": manifest.get("git_commit"), "started": manifest.get("started"),
            "tool_version": manifest.get("tool_version"),
            "summary": {k: summary.get(k, 0) for k in ("passed", "failed", "skipped", "errored", "total")}}


def _proof(old: Mapping[str, Any], new: Mapping[str, Any], rules: Sequence[Rule]) -> dict[str, list[dict[str, Any]]]:
    """Rules and requirements proven in one run and not the other (rule IDs outside the catalogue too)."""
    def verdicts(evidence: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
        matrix = traceability_matrix(evidence.get("scenarios") or [], rules)
        by_rule = {r["id"]: r["verdict"] for r in [*matrix["rules"], *matrix["unknown_rules"]]}
        return by_rule, {q["id"]: q["verdict"] for q in matrix["requirements"]}

    (old_rules, old_reqs), (new_rules, new_reqs) = verdicts(old), verdicts(new)

    def moved(was: Mapping[str, str], now: Mapping[str, str], lost: bool) -> list[dict[str, Any]]:
        ids = list(dict.fromkeys([*was, *now]))
        if lost:
            picked = [i for i in ids if was.get(i) == PROVEN and now.get(i) != PROVEN]
        else:
            picked = [i for i in ids if now.get(i) == PROVEN and was.get(i) != PROVEN]
        return [{"id": i, "was": was.get(i, "absent"), "now": now.get(i, "absent")} for i in picked]

    return {"rules_lost": moved(old_rules, new_rules, True), "rules_gained": moved(old_rules, new_rules, False),
            "requirements_lost": moved(old_reqs, new_reqs, True),
            "requirements_gained": moved(old_reqs, new_reqs, False)}


def _manifest(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One entry per manifest fact that differs: {"what", "old", "new"} (None where a run has none)."""
    found = [{"what": label, "old": old.get(key), "new": new.get(key)}
             for key, label in MANIFEST_FIELDS if old.get(key) != new.get(key)]
    for label, key in (("package", "packages"), ("modelling decision", "modelling_decisions")):
        was, now = old.get(key) or {}, new.get(key) or {}
        found += [{"what": f"{label} {name}", "old": was.get(name), "new": now.get(name)}
                  for name in sorted(set(was) | set(now)) if was.get(name) != now.get(name)]
    was_files = {f.get("path"): f.get("sha256") for f in old.get("features") or []}
    now_files = {f.get("path"): f.get("sha256") for f in new.get("features") or []}
    for path in list(dict.fromkeys([*was_files, *now_files])):
        if path not in now_files:
            found.append({"what": f"feature file {path}", "old": "present", "new": None})
        elif path not in was_files:
            found.append({"what": f"feature file {path}", "old": None, "new": "present"})
        elif was_files[path] != now_files[path]:
            found.append({"what": f"feature file {path}", "old": f"sha256 {_short(was_files[path])}",
                          "new": f"sha256 {_short(now_files[path])}"})
    return found


def _short(digest: Any) -> str:
    return str(digest)[:12] if digest else "unknown"


# --- as text ------------------------------------------------------------------------------------------


def diff_text(diff: Mapping[str, Any], old_name: str = "old", new_name: str = "new") -> str:
    """The diff as a release board reads it in a terminal: what changed, then the verdict."""
    lines = [f"{old_name}: {_run_line(diff['old'])}", f"{new_name}: {_run_line(diff['new'])}"]
    sections = [("added", diff["added"], lambda s: f"{s['key']}  [{s['status']}]"),
                ("removed", diff["removed"], lambda s: f"{s['key']}  [was {s['status']}]")]
    for kind in (NEWLY_FAILING, NO_LONGER_RUN, STILL_FAILING, NEWLY_PASSING, OTHER):
        picked = [c for c in diff["changed"] if c["kind"] == kind]
        sections.append((kind, picked, lambda c: f"{c['key']}  {c['was']} -> {c['status']}"
                         + (f": {c['failure']}" if c["failure"] and c["status"] != "passed" else "")))
    for what in ("rules", "requirements"):
        for way in ("lost", "gained"):
            sections.append((f"{what} that {way} their proof", diff[f"{what}_{way}"],
                             lambda r: f"{r['id']}  {r['was']} -> {r['now']}"))
    sections.append(("manifest differences", diff["manifest"],
                     lambda m: f"{m['what']}: {_value(m['old'])} -> {_value(m['new'])}"))
    for title, items, line in sections:
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines += [f"  {line(item)}" for item in items]
    if not any(items for _, items, _ in sections):
        lines.append("no differences")
    verdict = (f"REGRESSED: {diff['regressions']} regression{'s' if diff['regressions'] != 1 else ''}"
               if diff["regressed"] else "no regression")
    lines.append(verdict)
    return "\n".join(lines)


def _run_line(run: Mapping[str, Any]) -> str:
    s = run["summary"]
    counts = ", ".join(f"{s[k]} {k}" for k in ("passed", "failed", "skipped", "errored") if s.get(k))
    return (f"{s.get('total', 0)} scenarios ({counts or 'none'}), commit {run.get('git_commit') or 'unknown'}, "
            f"started {run.get('started') or 'unknown'}")


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "(none)"
    return str(value)
