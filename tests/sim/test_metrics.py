"""Summaries over replications: mean and a 95% interval that stays inside the metric's range."""
from harness.study.metrics import summarise


def test_interval_is_the_student_t_interval_around_the_mean():
    summary = summarise([2.0, 3.0, 4.0])
    assert summary["mean"] == 3.0
    lo, hi = summary["ci95"]
    assert round(hi - 3.0, 3) == round(3.0 - lo, 3) == round(4.303 * (1.0 / 3**0.5), 3)


def test_interval_of_a_time_never_reaches_below_zero():
    assert summarise([0.1, 30.0])["ci95"][0] == 0.0


def test_interval_of_a_fraction_never_passes_one():
    assert summarise([0.99, 0.2], upper=1.0)["ci95"][1] == 1.0


def test_missing_values_are_left_out_and_a_single_value_is_its_own_interval():
    assert summarise([None, 0.5]) == {"mean": 0.5, "ci95": [0.5, 0.5]}
    assert summarise([None]) == {"mean": None, "ci95": [None, None]}


def test_time_to_restore_bins_close_at_the_horizon_and_count_every_value():
    from harness.study.metrics import histogram, restore_bin_edges

    edges = restore_bin_edges(30)
    assert edges == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 30.0]
    assert histogram([0.0, 0.4, 0.5, 1.1, 29.0, 30.0], edges) == [2, 1, 1, 0, 0, 0, 0, 2]
