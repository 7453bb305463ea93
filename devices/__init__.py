"""The devices: pure state machines that take a DSP command and return their response (RULES §6).

A device knows what it runs; the SMI only believes it. No SimPy here: the harness owns time.
"""
from devices.device import Device, GasProxyFunction, Smets1Device, build_device

__all__ = ["Device", "GasProxyFunction", "Smets1Device", "build_device"]
