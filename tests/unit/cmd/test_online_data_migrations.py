"""nova-manage db online_data_migrations with migrations of the test's own.

The registry shipped today is empty (tests/functional/cmd covers that
through the real command line); these runs give ``DbCommands`` a registry
of small migrations over a list of "rows" to check the batching, the
output table and upstream's exit codes. The admin context is not used by
these migrations, so no database is needed.
"""

import contextlib
import io

import pytest

from nova.cmd import manage
from nova.db import online_migrations


class _Rows:
    """A migration over ``pending`` rows; fails ``failures`` times first."""

    def __init__(self, name, pending, failures=0):
        self.pending = pending
        self.failures = failures
        self.calls = []
        self.__name__ = name

    def __call__(self, context, max_count):
        self.calls.append(max_count)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("not yet")
        done = min(self.pending, max_count)
        found = done
        self.pending -= done
        return found, done


def _run(migrations, *args):
    commands = manage.DbCommands()
    commands.online_migrations = tuple(migrations)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = commands.online_data_migrations(*args)
    return code, out.getvalue()


def _table(output):
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1].isdigit():
            rows[cells[0]] = (int(cells[1]), int(cells[2]))
    return rows


def test_the_shipped_registry_is_what_the_command_runs():
    assert manage.DbCommands.online_migrations is online_migrations.MIGRATIONS


def test_without_max_count_batches_of_50_run_until_nothing_is_left():
    first, second = _Rows("migrate_a", 120), _Rows("migrate_b", 30)
    code, out = _run([first, second])
    assert code == 0
    assert out.splitlines()[0] == "Running batches of 50 until complete"
    assert "50 rows matched query migrate_a, 50 migrated" in out
    assert _table(out) == {"migrate_a": (120, 120), "migrate_b": (30, 30)}
    # The batch budget is shared: migrate_b only runs once migrate_a leaves room.
    assert first.calls == [50, 50, 50, 50]
    assert second.calls == [30, 50]


def test_max_count_runs_one_batch_and_says_whether_more_remains():
    rows = _Rows("migrate_a", 7)
    assert _run([rows], "5")[0] == 1
    assert rows.pending == 2
    assert _run([rows], "5")[0] == 1
    assert _run([rows], "5")[0] == 0


def test_errors_exit_2_only_when_nothing_else_progressed():
    failing, working = _Rows("migrate_bad", 0, failures=10), _Rows("migrate_ok", 3)
    code, out = _run([failing, working], "10")
    assert code == 1  # something migrated: run again
    assert "Error attempting to run migrate_bad: not yet" in out
    assert _table(out)["migrate_bad"] == (0, 0)
    code, out = _run([failing, working], "10")
    assert code == 2
    assert "Some migrations failed unexpectedly" in out
    # Without --max-count, errors left when everything else is done are fatal.
    assert _run([_Rows("migrate_bad", 0, failures=100), _Rows("migrate_ok", 3)])[0] == 2
    # A batch in which nothing progressed ends the run: a migration that
    # failed is retried by the next run.
    flaky = _Rows("migrate_flaky", 4, failures=1)
    assert _run([flaky])[0] == 2
    assert _run([flaky])[0] == 0
    assert flaky.pending == 0


@pytest.mark.parametrize("value", ["0", "-3", "lots"])
def test_invalid_max_count_exits_127(value):
    assert _run([], value) == (127, "Must supply a positive value for max_count\n")
