"""`sm-harness serve`: the DSP model behind DCC Boxed's DUIS paths."""
