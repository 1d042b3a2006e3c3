#!/usr/bin/env bash
# The project's test command: installs what the tests need into .venv, starts
# the local database and message services when they are down, lints, and runs
# the unit, functional and integration tiers with pytest.
#   tools/run-tests.sh                 # everything
#   tools/run-tests.sh tests/unit -x   # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages first: RabbitMQ may be among them, and libvirt-python in
# requirements.txt compiles against libvirt-dev.
bash tools/install-system-packages.sh
bash tools/ensure-services.sh
bash tools/start-libvirt.sh

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install -q -U pip wheel
.venv/bin/pip install -q -r requirements.txt -r test-requirements.txt
.venv/bin/pip install -q --no-deps -e .

.venv/bin/ruff check nova tests tools
# With no arguments: the whole suite on two workers, each test module whole
# on one of them (tests/conftest.py), and the slowest tests listed at the end.
if [ $# -eq 0 ]; then
    set -- -n 2 --dist loadfile --durations=25 tests
fi
exec .venv/bin/python -m pytest "$@"
