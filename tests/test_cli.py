"""The command line as a user meets it."""
from harness.cli import main


def test_demo_shows_legacy_leaving_the_device_suspended_and_mp105_restoring_it(capsys):
    from harness.cli import demo

    legacy, mp105 = demo.story(demo.RuleSet.LEGACY), demo.story(demo.RuleSet.MP105)
    assert (legacy[-1].response, legacy[-1].smi_status) == ("E5", "Suspended")
    assert (mp105[-1].smi_status, mp105[-1].alerts) == ("Commissioned", "N29→IS, N29→ED")
    assert main(["demo"]) == 0
    assert "Suspended" in capsys.readouterr().out
