"""Online data migrations: ``nova-manage db online_data_migrations``.

Schema migrations (alembic) change tables; data migrations rewrite rows
into the shape new code expects, while the services run, in small
batches. Upstream's contract, kept here: a migration is a function
``migrate(context, max_count) -> (found, done)`` that looks at no more than
``max_count`` candidate rows and returns how many it found that may need
migrating and how many it actually migrated; it returns ``(0, 0)`` once
nothing is left, and running it again is always safe.

``MIGRATIONS`` lists them in the order they run. It is empty: this tree's
schema has not yet changed a column that existing rows must be rewritten
for. A migration is added here together with the code that stops writing
the old shape, and removed a release after every row has been migrated.
"""

#: The registered migrations, in order: functions (context, max_count) ->
#: (found, done).
MIGRATIONS = ()


def run_batch(context, max_count, migrations=MIGRATIONS, status_fn=None):
    """Run every migration once with a budget of ``max_count`` rows in total.

    A migration that raises is reported and skipped; the others still run.

    :param context: an admin RequestContext.
    :param max_count: rows the whole batch may migrate (int >= 1).
    :param migrations: the functions to run, ``MIGRATIONS`` by default.
    :param status_fn: called with one line (str) per migration that found
        something, and per failure.
    :returns: ``(done, results, failed)``: rows migrated in this batch
        (int), ``{migration name: (found, done)}`` for every migration run,
        and the names of those that raised (list of str; they count as
        ``(0, 0)`` in ``results``).
    """
    status_fn = status_fn or (lambda line: None)
    results = {}
    failed = []
    total_done = 0
    for migration in migrations:
        name = migration.__name__
        budget = max_count - total_done
        if budget <= 0:
            break
        try:
            found, done = migration(context, budget)
        except Exception as exc:
            status_fn(f"Error attempting to run {name}: {exc}")
            failed.append(name)
            found = done = 0
        results[name] = (found, done)
        if found:
            status_fn(f"{found} rows matched query {name}, {done} migrated")
        total_done += done
    return total_done, results, failed
