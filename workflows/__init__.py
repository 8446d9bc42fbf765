"""Temporal workflows. Deterministic code only: see workflows/crisis.py."""
