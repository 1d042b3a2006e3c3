"""Nova runs on native threads: no nova module may import eventlet.

Two checks: every module under nova/ is imported in a fresh interpreter and
no real eventlet module may be loaded afterwards; and no source file in the
tree contains an eventlet import statement (which could hide in a code path
the first check does not reach).
"""

import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Alembic's env scripts only run inside alembic (they read
# alembic.context.config at import), so they are not importable on their own.
_NOT_IMPORTABLE = re.compile(r"\.migrations\.env$")

_IMPORT_EVERYTHING = r"""
import importlib, json, pkgutil, re, sys
import nova
skip = re.compile(sys.argv[1])
failed = []
names = []
for info in pkgutil.walk_packages(nova.__path__, "nova.",
                                  onerror=lambda name: failed.append([name, "walk"])):
    if skip.search(info.name):
        continue
    names.append(info.name)
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        failed.append([info.name, repr(exc)])
loaded = sorted(name for name, module in sys.modules.items()
                if (name == "eventlet" or name.startswith("eventlet."))
                and module is not None)
print(json.dumps({"imported": names, "failed": failed, "eventlet": loaded}))
"""

_EVENTLET_IMPORT = re.compile(r"^\s*(import\s+eventlet(?!\w)|from\s+eventlet[\s.])", re.M)


def test_importing_every_nova_module_loads_no_eventlet():
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_EVERYTHING, _NOT_IMPORTABLE.pattern],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    # The walk must really have covered the daemons' modules.
    for name in ("nova.rpc", "nova.service", "nova.conductor.manager",
                 "nova.compute.manager", "nova.cmd.compute"):
        assert name in result["imported"]
    assert result["failed"] == [], "modules that fail to import: %s" % result["failed"]
    assert result["eventlet"] == [], "eventlet modules loaded: %s" % result["eventlet"]


def test_no_source_file_imports_eventlet():
    offenders = []
    for top in ("nova", "tests", "tools"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if _EVENTLET_IMPORT.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_source_check_recognises_an_eventlet_import():
    # Guards the regular expression itself: the forms it must catch.
    for line in ("import eventlet", "    import eventlet.tpool",
                 "from eventlet import greenthread", "from eventlet.green import os"):
        assert _EVENTLET_IMPORT.search(line), line
    for line in ("# no eventlet here", "x = 'import eventlet'",
                 "import eventletutils_like_name"):
        assert not _EVENTLET_IMPORT.search(line), line
