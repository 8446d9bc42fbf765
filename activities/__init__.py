"""Thin side-effect wrappers around tocsin's pure functions. Each takes and returns one model."""

from activities.crisis import (
    DRAFT,
    NOTIFY,
    PUBLISH,
    CrisisActivities,
)

__all__ = ["DRAFT", "NOTIFY", "PUBLISH", "CrisisActivities"]
