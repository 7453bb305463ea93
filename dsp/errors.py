"""The one error type of the domain core: bad input named in one line."""


class DomainError(ValueError):
    """A request, identifier or setting the DSP model cannot accept (unknown device, malformed EUI-64, ...)."""
