"""The command line as a user meets it."""
from harness.cli import main


def test_demo_shows_legacy_leaving_the_device_suspended_and_mp105_restoring_it(capsys):
    from harness.cli import demo

    legacy, mp105 = demo.story(demo.RuleSet.LEGACY), demo.story(demo.RuleSet.MP105)
    assert (legacy[-1].response, legacy[-1].smi_status) == ("E5", "Suspended")
    assert (mp105[-1].smi_status, mp105[-1].alerts) == ("Commissioned", "N29→IS, N29→ED")
    assert main(["demo"]) == 0
    assert "Suspended" in capsys.readouterr().out


def test_the_main_job_runs_the_shipped_headline_scenario():
    """`make run` names scenarios/rulesets-vs-loss.toml of this repository (it once pointed inside harness/)."""
    from pathlib import Path

    from harness.cli import main_job

    assert main_job.HEADLINE == Path(__file__).resolve().parents[1] / "scenarios" / "rulesets-vs-loss.toml"
    assert main_job.HEADLINE.is_file()
