"""tocsin's commands run inside the test's own process."""

from __future__ import annotations

import os
from collections.abc import Mapping

from click.testing import CliRunner

from tests.processes import Result
from tocsin.cli import cli


def tocsin_here(env: Mapping[str, str], *args: str) -> Result:
    """The command run inside the test's own process, through Click's runner, with ``env`` as
    its environment: for a command that loads the language models, which the test session has
    loaded once already (a process would spend about 8 s on them each time). The entry point
    itself is run as a process by each test file that uses this."""
    cleared = {k: None for k in os.environ if k not in env}
    done = CliRunner().invoke(cli, list(args), env={**cleared, **env}, catch_exceptions=False)
    result = Result(done.exit_code, done.stdout, done.stderr)
    assert "Traceback" not in result.text, result.text
    return result
