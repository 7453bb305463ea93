"""Tests of the DUIS layer (dsp/duis), reading the public DUIS artefacts in ../shared/duis."""
