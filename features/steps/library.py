"""The step library: every phrasing a feature file may use, each with its example (features/README.md).

Loaded as a pytest plugin (`-p features.steps.library`), which loads the step modules as plugins too:
`given_steps`, `when_steps` and `then_steps`. Steps parse and assert; the scenario's state lives in
`ScenarioContext`. Nothing is lost and no time passes unless a step says so.
"""
from __future__ import annotations

import pytest

from features.steps import given_steps, then_steps, when_steps  # noqa: F401  (importing registers the phrases)
from features.steps.context import ScenarioContext
from features.steps.unknown_steps import unknown_step_message

pytest_plugins = ["features.steps.given_steps", "features.steps.when_steps", "features.steps.then_steps"]

CONTEXT = pytest.StashKey[ScenarioContext]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--sm-seed", type=int, default=0, help="seed for the aliases' EUI-64s (sm-harness features)")


@pytest.fixture
def sm(request: pytest.FixtureRequest) -> ScenarioContext:
    """The scenario's DSP, devices and world."""
    node = request.node
    if CONTEXT not in node.stash:
        node.stash[CONTEXT] = ScenarioContext(seed=request.config.getoption("--sm-seed"))
    return node.stash[CONTEXT]


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_before_step(request, feature, scenario, step, step_func) -> None:
    request.getfixturevalue("sm").before_step(step.type)


def pytest_bdd_step_func_lookup_error(request, feature, scenario, step, exception) -> None:
    """Backstop for the runner's setup check (features.runner.plugin), for a tester who loads the library
    into a pytest run of their own: a readable message, never pytest-bdd's."""
    pytest.fail(unknown_step_message(feature.rel_filename, step.line_number, step.keyword, step.name), pytrace=False)


__all__ = ["sm", "CONTEXT"]
