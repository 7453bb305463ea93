"""Running Gherkin scenarios: the feature-file checks, the suite runner and the evidence collector (a pytest plugin)."""
