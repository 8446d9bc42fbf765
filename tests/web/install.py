"""Install the web console tests' OpenID provider (node ``oidc-provider``, tests/web/oidc/)
once, into ``~/.cache/tocsin/oidc-<key>/`` (tests/npm_cache.py): ``make test`` starts it in
the background and the pytest fixture waits for the same lock.

    python tests/web/install.py          # install if needed, print the folder
    python tests/web/install.py --check  # print the folder if installed, else exit 1
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a script, by make, before the virtual environment exists
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.npm_cache import NpmPackages, main

PROVIDER = NpmPackages(Path(__file__).resolve().parent / "oidc", "oidc", "the OpenID provider")

if __name__ == "__main__":
    raise SystemExit(main(PROVIDER, sys.argv[1:]))
