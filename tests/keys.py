"""The test session's signing keys: one per front end, made in a temporary folder when the
session starts, named by the variables a deployment sets (``TOCSIN_KEYS`` and the private keys'
``TOCSIN_OPERATOR_KEY``, ``TOCSIN_SLACK_KEY``…), so that every worker, command and Slack app
of the session, in process or not, signs and trusts the same keys. The first-run keys of the
embedded default (a data folder's own) are tested apart, with these variables removed
(tests/test_identity.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tocsin.identity.keys import (
    KEYS_VARIABLE,
    LOCAL_KEYRING,
    PRIVATE_VARIABLES,
    local_keys,
)

VARIABLES = (KEYS_VARIABLE, *PRIVATE_VARIABLES.values())


def install() -> Path:
    """Make the session's keys (once per test process) and point the variables at them."""
    if os.environ.get(KEYS_VARIABLE):
        return Path(os.environ[KEYS_VARIABLE]).parent
    folder = local_keys(Path(tempfile.mkdtemp(prefix="tocsin-test-keys-")))
    os.environ[KEYS_VARIABLE] = str(folder / LOCAL_KEYRING)
    for front, variable in PRIVATE_VARIABLES.items():
        os.environ[variable] = str(folder / f"{front.value}.pem")
    return folder


def session_env() -> dict[str, str]:
    """The key variables of the session, for a process started with an environment of its own."""
    return {name: os.environ[name] for name in VARIABLES if os.environ.get(name)}
