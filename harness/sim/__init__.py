"""The SimPy world: the DSP, its devices and its service users in simulated time (the only room that imports SimPy)."""
