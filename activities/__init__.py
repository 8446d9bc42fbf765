"""Thin side-effect wrappers around tocsin's pure functions. Each takes and returns one model."""
