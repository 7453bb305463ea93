"""Integrity of an evidence pack: SHA256SUMS over its files (as `sha256sum -c` checks them), the digest of
evidence.json on the page, and `sm-harness evidence verify`, so a pack attached to a release cannot be altered
unnoticed, and a folder caught between two runs never passes for a whole one."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.cli import main
from reports.evidence_pack import CHECKED_FILES, PACK_FILES, verify_pack
from reports.integrity import SHA256SUMS, read_checksums, sha256_file, write_checksums

GOLDEN_FEATURE = Path(__file__).resolve().parents[1] / "golden" / "fixtures" / "golden.feature"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "out"
    assert main(["features", str(GOLDEN_FEATURE), "--out", str(out)]) == 1  # one scenario fails on purpose
    return out


@pytest.fixture
def pack(written, tmp_path) -> Path:
    """A copy of the written pack, for a test to alter."""
    copy = tmp_path / "pack"
    shutil.copytree(written, copy)
    return copy


def test_every_file_of_the_pack_is_in_sha256sums_with_its_digest(written):
    sums = read_checksums(written)
    assert list(sums) == list(CHECKED_FILES) and PACK_FILES[-1] == SHA256SUMS
    assert sums == {name: sha256_file(written / name) for name in CHECKED_FILES}
    assert re.fullmatch(r"(?:[0-9a-f]{64}  [a-z0-9.]+\n)+", (written / SHA256SUMS).read_text())


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils' sha256sum is not installed")
def test_sha256sum_itself_checks_the_pack(written):
    done = subprocess.run(["sha256sum", "-c", SHA256SUMS], cwd=written, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(CHECKED_FILES)


def test_the_page_shows_the_digest_of_its_evidence_json(written):
    html = (written / "evidence.html").read_text()
    digest = sha256_file(written / "evidence.json")
    assert f'data-evidence-sha256="{digest}">{digest}</span>' in html
    assert "sha256sum -c SHA256SUMS" in html


def test_verify_says_an_intact_pack_is_intact(written, capsys):
    assert verify_pack(written) == []
    assert main(["evidence", "verify", str(written)]) == 0
    assert capsys.readouterr().out.startswith(f"{written}: intact: 5 files match SHA256SUMS, evidence.json SHA-256 ")


def test_a_changed_file_is_found_and_named(pack, capsys):
    evidence = json.loads((pack / "evidence.json").read_text())
    evidence["summary"]["failed"] = 0  # "it all passed"
    (pack / "evidence.json").write_text(json.dumps(evidence))
    assert main(["evidence", "verify", str(pack)]) == 1
    out = capsys.readouterr().out
    assert f"{pack}: NOT INTACT" in out
    assert "evidence.json: changed since the pack was written (its SHA-256 differs from SHA256SUMS)" in out
    assert "evidence.html: shows a SHA-256 of evidence.json that is not this one's" in out
    assert "counts: summary says 0 failed, the scenario list has 1" in out


def test_recomputed_checksums_do_not_hide_an_edited_evidence_json_from_its_page(pack):
    evidence = json.loads((pack / "evidence.json").read_text())
    evidence["scenarios"][1]["failure"] = None
    (pack / "evidence.json").write_text(json.dumps(evidence))
    write_checksums(pack, CHECKED_FILES)  # whoever edited it also rewrote SHA256SUMS
    assert verify_pack(pack) == ["evidence.html: shows a SHA-256 of evidence.json that is not this one's"]


def test_a_removed_and_an_unlisted_file_are_found(pack):
    (pack / "cucumber.json").unlink()
    lines = (pack / SHA256SUMS).read_text().splitlines(keepends=True)
    (pack / SHA256SUMS).write_text("".join(line for line in lines if not line.endswith("  junit.xml\n")))
    problems = verify_pack(pack)
    assert "cucumber.json: listed in SHA256SUMS but missing" in problems
    assert "junit.xml: present but not listed in SHA256SUMS (added after the pack was written)" in problems


def test_a_malformed_or_missing_sha256sums_cannot_vouch_for_the_pack(pack):
    (pack / SHA256SUMS).write_text("not a checksum line\n")
    assert verify_pack(pack) == [f"{pack / SHA256SUMS}:1: not a '<sha256>  <file>' line"]
    (pack / SHA256SUMS).unlink()
    assert verify_pack(pack) == [f"{pack}: no SHA256SUMS, so the pack cannot be verified"]


def test_a_folder_that_is_not_an_evidence_pack_is_bad_input(tmp_path, written, capsys):
    assert main(["evidence", "verify", str(written), str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"sm-harness: error: {tmp_path}: not an evidence folder (it has no evidence.json)\n"


def test_an_altered_pack_is_refused_as_a_baseline_or_for_a_diff(pack, written, capsys):
    (pack / "junit.xml").write_text((pack / "junit.xml").read_text().replace('failures="1"', 'failures="0"'))
    assert main(["evidence", "diff", str(pack), str(written)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sm-harness: error: {pack}: altered since it was written: junit.xml: changed since")
    assert main(["features", str(GOLDEN_FEATURE), "--baseline", str(pack)]) == 2


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_folder_caught_between_two_runs_is_the_old_pack_or_the_new_whole(written, tmp_path, monkeypatch, exchange):
    """The new pack is written beside --out and swapped in (harness/study/publish.py): stopped at any rename,
    --out (once the next run has put a moved-aside old pack back) is one run's pack, and verifies."""
    from features.runner.evidence_folder import evidence_folder
    from harness.study import publish

    old = {p.name: p.read_bytes() for p in written.iterdir()}
    real_rename, real_exchange = os.rename, publish._exchange
    seen = set()
    for stop in range(0, 4):
        out = tmp_path / "out"
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(written, out)
        steps: list[object] = []

        def stopping(real, steps=steps, stop=stop):
            def step(*args):
                if len(steps) == stop:
                    raise KeyboardInterrupt
                steps.append(args)
                return real(*args)
            return step

        monkeypatch.setattr(publish.os, "rename", stopping(real_rename))
        monkeypatch.setattr(publish, "_exchange", stopping(real_exchange if exchange else (lambda a, b: False)))
        try:
            finished = main(["features", str(GOLDEN_FEATURE), "--out", str(out), "--seed", "9"]) == 1
        except KeyboardInterrupt:
            finished = False
        monkeypatch.setattr(publish.os, "rename", real_rename)
        monkeypatch.setattr(publish, "_exchange", real_exchange)
        evidence_folder(str(out))  # the next run's first act
        assert verify_pack(out) == [], f"stopped after {stop} renames, the folder does not verify"
        now = {p.name: p.read_bytes() for p in out.iterdir()}
        assert sorted(now) == sorted(PACK_FILES) and (now == old) != finished
        seen.add(finished)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left beside it
    assert seen == {True, False}


def test_every_folder_is_verified_and_the_exit_code_is_the_worst(written, tmp_path, capsys):
    """A damaged evidence.json in a pack is NOT INTACT (it was 'not a pack', exit 2), a file nobody listed is
    reported, and verification goes on past a bad folder to the tampered ones after it."""
    damaged, added, tampered = (tmp_path / name for name in ("damaged", "added", "tampered"))
    for folder in (damaged, added, tampered):
        shutil.copytree(written, folder)
    with open(damaged / "evidence.json", "ab") as file:
        file.write(b"x")
    (added / "notes.txt").write_text("mine")
    (tampered / "junit.xml").write_text((tampered / "junit.xml").read_text().replace('failures="1"', 'failures="0"'))
    assert main(["evidence", "verify", str(damaged), str(added)]) == 1
    printed = capsys.readouterr().out
    assert f"{damaged}: NOT INTACT" in printed and "evidence.json: changed since the pack was written" in printed
    assert "evidence.json: cannot be read as evidence" in printed
    assert f"{added}: NOT INTACT" in printed and "notes.txt: present but not listed in SHA256SUMS" in printed
    assert main(["evidence", "verify", str(tmp_path / "nothing"), str(written), str(tampered)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"sm-harness: error: {tmp_path / 'nothing'}: no such evidence folder\n"
    assert f"{written}: intact" in captured.out and f"{tampered}: NOT INTACT" in captured.out
