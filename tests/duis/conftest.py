"""The DUIS tests read the public DUIS artefacts in ../shared/duis through tests/duis/duis_fixtures.py, which
skips a module that needs them, saying so, when ../shared is not beside the repository."""
