"""tocsin: crisis-communication runbooks for public bodies, on Temporal."""

__version__ = "0.1.0"
