"""Scenario files: a documented schema, validated on load; bad input is one line and exit code 2."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.study import scenario
from harness.cli import main
from tests.sim.helpers import write_scenario

SHIPPED = sorted((Path(__file__).parents[2] / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_loads_and_is_commented(path):
    loaded = scenario.load(path)
    assert loaded.devices() > 0
    assert path.read_text().lstrip().startswith("#")


def test_the_issue_keys_are_accepted_with_defaults_filled_in(tmp_path):
    loaded = scenario.load(write_scenario(tmp_path))
    assert loaded["supplier"]["retry_11_3"] == 0 and loaded["dsp"]["response_timeout_hours"] == 1.0
    assert loaded["loss"] == {"11.3.response": 0.2, "11.2.response": 0.0}


def test_a_gsme_brings_its_gpf(tmp_path):
    assert scenario.load(write_scenario(tmp_path, type="GSME", count=10)).devices() == 20


@pytest.mark.parametrize(
    "edit, expected",
    [
        (("retry_11_3 = 0", "retry_11_3 = 0\nretries = 1"), "supplier.retries: unknown key"),
        (("count = 1000", 'count = "many"'), "fleet[0].count: expected an integer"),
        (('"11.3.response" = 0.2', '"11.3.response" = 1.5'), "loss.11.3.response: must be a probability in [0, 1]"),
        (('ruleset = "mp105"', 'ruleset = "mp106"'), "unknown rule set 'mp106'"),
        (('type = "ESME"', 'type = "TOASTER"'), "unknown device type 'TOASTER'"),
        (('"11.3.response"', '"11.3.sideways"'), "loss.11.3.sideways"),
        (("seed = 3", "seed = 3\ncolour = 1"), "colour: unknown key"),
    ],
)
def test_bad_input_names_the_file_the_key_and_the_line(tmp_path, edit, expected):
    path = write_scenario(tmp_path)
    path.write_text(path.read_text().replace(*edit))
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.load(path)
    message = str(error.value)
    assert str(path) in message and expected in message and "\n" not in message


def test_the_line_of_the_bad_key_is_named(tmp_path):
    path = write_scenario(tmp_path)
    path.write_text(path.read_text().replace('"11.3.response" = 0.2', '"11.3.response" = -1'))
    with pytest.raises(scenario.ScenarioError, match=rf"{path.name}:\d+: loss"):
        scenario.load(path)


def test_set_overrides_a_key_and_refuses_a_key_that_does_not_exist(tmp_path):
    path = write_scenario(tmp_path)
    assert scenario.load(path, {"supplier.retry_11_3": 3})["supplier"]["retry_11_3"] == 3
    assert scenario.load(path, {'loss."11.3.response"': 0.5})["loss"]["11.3.response"] == 0.5
    with pytest.raises(scenario.ScenarioError, match="supplier.retires: no such key"):
        scenario.load(path, {"supplier.retires": 3})


def test_a_sweep_is_the_cross_product_of_its_values(tmp_path):
    path = write_scenario(tmp_path)
    loaded = scenario.load(path, sweep={"ruleset": ["legacy", "mp105"], "loss.11.3.response": [0.1, 0.2, 0.3]})
    assert len(loaded.points()) == 6
    with pytest.raises(scenario.ScenarioError, match="probability"):
        scenario.load(path, sweep={"loss.11.3.response": [0.1, 2.0]})


@pytest.mark.parametrize(
    "extra",
    [["--set", "supplier.nothing=1"], ["--set", "ruleset=mp106"], ["--sweep", "campaign.window=0,10"]],
)
def test_the_cli_answers_bad_input_with_one_line_exit_2_and_no_output(tmp_path, capsys, extra):
    out = tmp_path / "out"
    code = main(["run", str(write_scenario(tmp_path)), "--out", str(out), "--quiet", *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err and err.startswith("sm-harness: error:")
    assert not out.exists() and not (tmp_path / "out.partial").exists()


@pytest.mark.parametrize(
    "edit, expected",
    [
        (('name = "t"', 'name = ""'), "name: must be a plain name"),
        (('name = "t"', 'name = "../../elsewhere"'), "name: must be a plain name"),
        (("[loss]", "[[loss]]"), "loss: must be a table"),
        (("seed = 3", 'seed = 3\nlatency = "slow"'), "latency: must be a table"),
        (('"11.3.response" = 0.2', '".response" = 0.2'), "loss..response: expected a leg"),
        (("horizon_hours = 200", "horizon_hours = inf"), "horizon_hours: must be a finite number"),
        (("retry_timeout_hours = 1", "retry_timeout_hours = nan"), "supplier.retry_timeout_hours: must be a finite number"),
    ],
)
def test_more_bad_input_is_one_line_naming_the_key(tmp_path, edit, expected):
    path = write_scenario(tmp_path)
    path.write_text(path.read_text().replace(*edit))
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.load(path)
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_set_into_a_key_that_is_not_a_table_is_refused_not_a_traceback(tmp_path):
    path = write_scenario(tmp_path)
    path.write_text(path.read_text().replace("[[fleet]]\n", "fleet = 3\n[[xfleet]]\n"))
    with pytest.raises(scenario.ScenarioError, match="fleet: must be"):
        scenario.load(path, {"fleet.0.count": 5})


@pytest.mark.parametrize("key", ["seed", "replications", "name"])
def test_keys_with_one_value_per_study_cannot_be_swept(tmp_path, key):
    with pytest.raises(scenario.ScenarioError, match=f"sweep.{key}: cannot be swept"):
        scenario.load(write_scenario(tmp_path), sweep={key: [1, 2]})


@pytest.mark.parametrize("where", ["..", ".", "a-file", "a-folder"])
def test_the_cli_never_replaces_a_folder_that_is_not_a_studys_output(tmp_path, capsys, monkeypatch, where):
    """--out used to be replaced whole at the end: `--out ..` deleted the folder above, `--out .` and a
    file gave a traceback after the work was done. Refused up front, exit 2, nothing touched."""
    scenario_file = write_scenario(tmp_path, count=5, replications=1)
    work = tmp_path / "work"
    (work / "a-folder").mkdir(parents=True)
    (work / "a-folder" / "precious.txt").write_text("keep")
    (work / "a-file").write_text("keep")
    monkeypatch.chdir(work)
    code = main(["run", str(scenario_file), "--out", where, "--quiet", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("sm-harness: error: --out") and err.count("\n") == 1
    assert (work / "a-folder" / "precious.txt").read_text() == "keep" and (work / "a-file").read_text() == "keep"
    assert scenario_file.exists() and not list(tmp_path.glob("*.partial")) and not list(work.glob("*.partial"))


def test_the_cli_replaces_a_previous_studys_output(tmp_path):
    path, out = write_scenario(tmp_path, count=5, replications=1), tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    assert main(["run", str(path), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    assert (out / "summary.json").is_file()


def test_the_built_world_does_not_depend_on_the_process_hash_seed(tmp_path):
    """The CPL is listed model by model in fleet order, not a set's order (which varies with
    PYTHONHASHSEED, so from one worker process to the next)."""
    import os
    import subprocess
    import sys

    path = write_scenario(tmp_path, count=2)
    path.write_text(path.read_text() + '\n[[fleet]]\ntype = "GSME"\ncount = 2\nfirmware = "0100AAAA"\n'
                    '\n[[fleet]]\ntype = "CHF"\ncount = 2\nfirmware = "0100AAAA"\n')
    code = (
        "import sys; from harness.study import scenario; from harness.study.world_setup import build\n"
        f"world, fleet = build(scenario.load({str(path)!r}).data, 0)\n"
        "print(list(fleet.models))"
    )
    root = Path(__file__).parents[2]
    seen = {
        subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
        for seed in (0, 1, 2, 3, 4, 5)
    }
    assert seen == {"['DB/ESME-1/01', 'DB/GSME-1/01', 'DB/CHF-1/01']\n"}
