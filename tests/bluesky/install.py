"""Install the Bluesky test servers (@atproto/pds, @did-plc/server) once, into a cache folder
(``~/.cache/tocsin/pds-<key>/``, tests/npm_cache.py): ``make test`` starts it in the background
and the pytest fixture waits for the same lock.

    python tests/bluesky/install.py          # install if needed, print the folder
    python tests/bluesky/install.py --check  # print the folder if installed, else exit 1
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a script, by make, before the virtual environment exists
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.npm_cache import InstallError, NpmPackages, main

__all__ = ["PDS", "InstallError", "ensure", "installed"]

PDS = NpmPackages(Path(__file__).resolve().parent, "pds", "the Bluesky test servers")
ensure = PDS.ensure
installed = PDS.installed

if __name__ == "__main__":
    raise SystemExit(main(PDS, sys.argv[1:]))
