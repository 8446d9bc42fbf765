"""tocsin's benchmarks (results in bench/RESULTS.md). Each bench's changes are signed as the
tests' are: one set of keys per run, named by the variables every process it starts inherits
(tests/keys.py), so its workers trust what it signs."""

from tests import keys

keys.install()
