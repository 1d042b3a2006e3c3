"""nova-manage: database schemas and upkeep (archive, purge, data migrations), cells v2.

Usage::

    nova-manage [--config-file F] [--config-dir D] [--debug] <category> <action> [args]

The whole command surface is the ``COMMANDS`` table at the bottom: category ->
action -> (method name, arguments). Names, arguments and exit codes are
upstream nova-manage's (doc/source/nova-manage.rst lists them); every message
is printed on standard output, like upstream, so scripts can capture it.

Exit codes common to every action: 0 success, 2 a usage error (argparse),
255 an unexpected error (the message, with a traceback for errors that are
not nova's or oslo.db's own). Each action documents its other codes.
"""

import collections
import datetime
import sys
import traceback
import urllib.parse

import oslo_messaging
import prettytable
from dateutil import parser as date_parser
from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_utils import uuidutils
from sqlalchemy.engine import url as sa_url

import nova.conf
from nova import context, exception, objects
from nova.cmd import admin_setup
from nova.db import migration, online_migrations
from nova.db.main import archive
from nova.network import api as network_api
from nova.objects import cell_mapping as cell_mapping_obj
from nova.objects import host_mapping as host_mapping_obj
from nova.objects import instance_mapping as instance_mapping_obj

CONF = nova.conf.CONF

#: Exit code of an action that raised an unexpected error (upstream's).
EXIT_UNEXPECTED = 255

#: How many instances map_instances maps per batch without --max-count.
MAP_INSTANCES_BATCH = 50

#: What replaces a password in a URL shown by list_cells.
MASK = "****"

#: archive_deleted_rows' batch size without --max_rows (upstream's).
ARCHIVE_MAX_ROWS = 1000

#: The largest --max_rows: a signed 32-bit SQL LIMIT, as upstream.
MAX_INT = 2**31 - 1

#: online_data_migrations' batch size without --max-count (upstream's).
ONLINE_MIGRATIONS_BATCH = 50


# --- URL helpers ---------------------------------------------------------------

def mask_passwd_in_url(url):
    """Return ``url`` with every password in its network location replaced by ****.

    Handles oslo.messaging's multi-host form (``rabbit://u:p@h1,u:p@h2/``) and
    leaves URLs without credentials (``sqlite:///...``, ``none:///``) as they
    are. Upstream's list_cells masks the same way: the user stays visible.

    :param url: a transport URL or SQLAlchemy URL (str), or None.
    :returns: the masked URL (str), or ``url`` unchanged when it is falsy.
    """
    if not url:
        return url
    parsed = urllib.parse.urlsplit(url)
    if "@" not in parsed.netloc:
        return url
    hosts = []
    for entry in parsed.netloc.split(","):
        userinfo, sep, hostport = entry.rpartition("@")
        if sep and ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":" + MASK
        hosts.append(f"{userinfo}{sep}{hostport}")
    return urllib.parse.urlunsplit(parsed._replace(netloc=",".join(hosts)))


def cell0_database_connection(connection):
    """Return the cell0 URL derived from the [database] connection URL.

    Upstream's rule: same driver, host and credentials, database name with
    ``_cell0`` appended (``.../nova`` -> ``.../nova_cell0``; for SQLite the
    file name gets the suffix).

    :param connection: a SQLAlchemy URL (str).
    :raises ValueError: ``connection`` is not a URL or names no database.
    """
    url = sa_url.make_url(connection)
    if not url.database:
        raise ValueError(f"the database URL {mask_passwd_in_url(connection)} names no database")
    url = url.set(database=url.database + "_cell0")
    return url.render_as_string(hide_password=False)


def configured_transport_url():
    """Return [DEFAULT] transport_url, registering oslo.messaging's option if needed.

    ``TransportURL.parse`` without a URL is oslo.messaging's public way to
    register its [DEFAULT] transport options on a ConfigOpts.
    """
    try:
        oslo_messaging.TransportURL.parse(CONF)
    except (oslo_messaging.InvalidTransportURL, ValueError):
        pass  # Reported by _validate_transport_url when the URL is used.
    return CONF.transport_url


def _validate_transport_url(transport_url, warn_about_none=True):
    """Return the URL to use (argument or [DEFAULT] transport_url), or None.

    Prints why when there is none (if ``warn_about_none``) or when it does
    not parse.
    """
    transport_url = transport_url or configured_transport_url()
    if not transport_url:
        if warn_about_none:
            print("Must specify --transport-url if [DEFAULT]/transport_url is not set "
                  "in the configuration file.")
        return None
    try:
        # A template ({username}...) is checked as the services will see it.
        oslo_messaging.TransportURL.parse(
            CONF, url=cell_mapping_obj.format_url(transport_url, configured_transport_url()))
    except (oslo_messaging.InvalidTransportURL, ValueError) as exc:
        print(f"Invalid transport URL: {exc}")
        return None
    return transport_url


def _find_duplicate_cell(ctxt, transport_url, database_connection, skip_uuid=None):
    """Return another cell already using the transport URL or the database, or None."""
    for cell in objects.CellMappingList.get_all(ctxt):
        if cell.uuid == skip_uuid:
            continue
        if (cell.transport_url == transport_url
                or cell.database_connection == database_connection):
            return cell
    return None


def _print_duplicate(cell):
    print("The specified transport_url and/or database_connection combination already "
          f"exists for another cell with uuid {cell.uuid}.")


def _cell_not_found(cell_uuid):
    print(f"Cell with uuid {cell_uuid} was not found.")


# --- db and api_db -------------------------------------------------------------

def parse_before(value):
    """Parse a --before date into the naive UTC datetime the database compares with.

    Accepts what upstream accepts (python-dateutil's parser):
    ``YYYY-MM-DD [HH:mm[:ss]]``, ``"Oct 21 2015"``, the output of ``date``.
    A time with a zone is converted to UTC; one without is taken as UTC.

    :raises ValueError: not a date.
    """
    try:
        parsed = date_parser.parse(value)
    except (ValueError, OverflowError) as exc:
        raise ValueError(str(exc)) from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    return parsed


def _cell_label(cell):
    return cell.name or cell.uuid


def _in_cell(ctxt, cell, fn, *args):
    """Return ``fn(context, *args)`` on ``cell``'s database, or [database] for None."""
    if cell is None:
        return fn(ctxt, *args)
    with context.target_cell(ctxt, cell) as cctxt:
        return fn(cctxt, *args)


def _print_rows_table(title, counts):
    table = prettytable.PrettyTable(["Table", title])
    for name in sorted(counts):
        table.add_row([name, counts[name]])
    table.align = "l"
    print(table)

class DbCommands:
    """``nova-manage db``: the schema of this process's cell database (and cell0)."""

    def version(self):
        """Print the current schema version of [database]. Exit 0."""
        print(migration.db_version(database="main"))
        return 0

    def sync(self, version=None, local_cell=False):
        """Upgrade [database] (and, without --local_cell, cell0) to ``version`` or head.

        Exit 0 synced; 1 cell0 is mapped but its database cannot be reached
        or upgraded.
        """
        if not local_cell:
            ctxt = context.get_admin_context()
            try:
                cell0 = objects.CellMapping.get_by_uuid(
                    ctxt, cell_mapping_obj.CELL0_UUID)
            except exception.CellMappingNotFound:
                print("WARNING: cell0 mapping not found - not syncing cell0.")
            except Exception as exc:
                _print_cell0_access_error(exc)
                return 1
            else:
                try:
                    with context.target_cell(ctxt, cell0) as cctxt:
                        migration.db_sync(version, database="main", context=cctxt)
                except exception.NovaException:
                    raise  # a refused downgrade or unknown revision, not access
                except Exception as exc:
                    _print_cell0_access_error(exc)
                    return 1
        migration.db_sync(version, database="main")
        return 0

    def archive_deleted_rows(self, max_rows=ARCHIVE_MAX_ROWS, verbose=False,
                             until_complete=False, before=None, purge=False,
                             all_cells=False):
        """Move soft-deleted rows into the shadow tables (see nova.db.main.archive).

        One batch of at most ``max_rows`` rows, or batches until nothing is
        left with --until-complete; the archived instances' records in the
        API database are deleted. --all-cells archives every mapped cell
        (cell0 included), else [database].

        Exit 0 nothing was archived; 1 some rows were archived; 2 invalid
        --max_rows; 3 the API database cannot be reached; 4 invalid
        --before. Upstream's codes.
        """
        if not 1 <= max_rows <= MAX_INT:
            print(f"Invalid input received: max_rows must be >= 1 and <= {MAX_INT}")
            return 2
        if before is not None:
            try:
                before = parse_before(before)
            except ValueError as exc:
                print(f"Invalid value for --before: {exc}")
                return 4
        ctxt = context.get_admin_context()
        try:
            # The API database is written as well (instance mappings), so it
            # must answer before anything is moved.
            cells = objects.CellMappingList.get_all(ctxt)
        except (db_exc.CantStartEngineError, db_exc.DBError):
            print("Failed to connect to the API database, so nothing was archived. "
                  "Check that [api_database]/connection is set and the database is "
                  "reachable, then run this command again.")
            return 3
        targets = [(_cell_label(cell), cell) for cell in cells] if all_cells else [(None, None)]
        archived = collections.Counter()
        progress = until_complete and verbose
        if progress:
            sys.stdout.write("Archiving")
        for label, cell in targets:
            while True:
                counts = self._archive_batch(ctxt, cell, max_rows, before)
                for name, count in counts.items():
                    archived[f"{label}.{name}" if label and "." not in name else name] += count
                if progress:
                    sys.stdout.write(".")
                    sys.stdout.flush()
                if not until_complete or not counts:
                    break
        if progress:
            print("complete")
        if verbose:
            if archived:
                _print_rows_table("Number of Rows Archived", archived)
            else:
                print("Nothing was archived.")
        if purge:
            self.purge(purge_all=True, verbose=verbose, all_cells=all_cells)
        return 1 if archived else 0

    @staticmethod
    def _archive_batch(ctxt, cell, max_rows, before):
        """One archive batch in ``cell`` (None: [database]); {table: rows}, API ones prefixed."""
        counts, instance_uuids = _in_cell(ctxt, cell, archive.archive_deleted_rows,
                                          max_rows, before)
        if instance_uuids:
            for name, count in archive.purge_api_records(ctxt, instance_uuids).items():
                counts[f"API_DB.{name}"] = count
        return counts

    def purge(self, purge_all=False, before=None, verbose=False, all_cells=False):
        """Delete rows from the shadow tables: all of them (--all) or older ones (--before).

        Exit 0 rows were deleted; 1 neither --all nor --before (or both);
        2 invalid --before; 3 nothing was deleted; 4 --all-cells and the
        cells cannot be listed. Upstream's codes.
        """
        if purge_all == (before is not None):
            print("Exactly one of --all and --before is required.")
            return 1
        if before is not None:
            try:
                before = parse_before(before)
            except ValueError as exc:
                print(f"Invalid value for --before: {exc}")
                return 2
        ctxt = context.get_admin_context()
        targets = [(None, None)]
        if all_cells:
            try:
                targets = [(_cell_label(cell), cell)
                           for cell in objects.CellMappingList.get_all(ctxt)]
            except (db_exc.CantStartEngineError, db_exc.DBError):
                print("Unable to get the cell list from the API database. "
                      "Is [api_database]/connection set?")
                return 4
        deleted = 0
        for label, cell in targets:
            status_fn = None
            if verbose:
                prefix = f"{label}: " if label else ""
                status_fn = lambda line, prefix=prefix: print(prefix + line)  # noqa: E731
            deleted += _in_cell(ctxt, cell, archive.purge_shadow_tables, before, status_fn)
        return 0 if deleted else 3

    #: The migrations online_data_migrations runs (nova.db.online_migrations).
    online_migrations = online_migrations.MIGRATIONS

    def online_data_migrations(self, max_count=None):
        """Run the online data migrations; batches of 50 until done, or one of --max-count.

        Prints a line per migration that found rows and, at the end, the
        table of rows needed and completed per migration.

        Exit 0 nothing (more) to migrate; 1 --max-count was used and rows
        were migrated (run again); 2 migrations failed and, without
        --max-count or when nothing else was migrated, work is stuck;
        127 invalid --max-count. Upstream's codes.
        """
        unlimited = max_count is None
        if unlimited:
            max_count = ONLINE_MIGRATIONS_BATCH
            print(f"Running batches of {max_count} until complete")
        else:
            try:
                max_count = int(max_count)
            except ValueError:
                max_count = 0
            if max_count < 1:
                print("Must supply a positive value for max_count")
                return 127
        ctxt = context.get_admin_context()
        totals = {}
        while True:
            done, results, failed = online_migrations.run_batch(
                ctxt, max_count, migrations=self.online_migrations, status_fn=print)
            for name, (found, migrated) in results.items():
                previous = totals.get(name, (0, 0))
                totals[name] = (previous[0] + found, previous[1] + migrated)
            # Without --max-count, a batch that migrates nothing ends the run.
            if not unlimited or not done:
                break
        table = prettytable.PrettyTable(["Migration", "Total Needed", "Completed"])
        for name in sorted(totals):
            table.add_row([name, *totals[name]])
        print(table)
        if failed and (unlimited or not done):
            print("Some migrations failed unexpectedly. Check the output above.")
            return 2
        return 1 if done else 0


def _print_cell0_access_error(exc):
    print("ERROR: Could not access cell0.\n"
          "Check that the API and cell0 databases exist, that 'nova-manage api_db "
          "sync' and 'nova-manage cell_v2 map_cell0' were run, that [api_database]/"
          "connection is set and that the cell0 database URL is correct.\n"
          f"Error: {exc}")


class ApiDbCommands:
    """``nova-manage api_db``: the schema of the API database."""

    def version(self):
        """Print the current schema version of [api_database]. Exit 0."""
        print(migration.db_version(database="api"))
        return 0

    def sync(self, version=None):
        """Upgrade [api_database] to ``version`` or head. Exit 0."""
        migration.db_sync(version, database="api")
        return 0


# --- cell_v2 -------------------------------------------------------------------

class CellV2Commands:
    """``nova-manage cell_v2``: cell, host and instance mappings."""

    def _map_cell0(self, ctxt, database_connection=None):
        """Return the cell0 mapping, creating it when missing (prints if it existed)."""
        try:
            cell0 = objects.CellMapping.get_by_uuid(ctxt, cell_mapping_obj.CELL0_UUID)
        except exception.CellMappingNotFound:
            pass
        else:
            print("Cell0 is already setup")
            return cell0
        dbc = database_connection or cell0_database_connection(CONF.database.connection)
        # cell0 never receives RPC: 'none:///' is the transport upstream gives it.
        cell0 = objects.CellMapping(
            ctxt, uuid=cell_mapping_obj.CELL0_UUID, name="cell0",
            transport_url="none:///", database_connection=dbc)
        try:
            cell0.create()
        except db_exc.DBDuplicateEntry:
            print("Cell0 is already setup")
            cell0 = objects.CellMapping.get_by_uuid(ctxt, cell_mapping_obj.CELL0_UUID)
        return cell0

    def map_cell0(self, database_connection=None):
        """Create the cell0 mapping.

        Exit 0 created or already set up; 1 no URL given or configured, or
        the cell0 URL cannot be derived from [database] connection.
        """
        if not database_connection and not CONF.database.connection:
            print("Must specify --database_connection if [database]/connection is not "
                  "set in the configuration file.")
            return 1
        try:
            self._map_cell0(context.get_admin_context(), database_connection)
        except ValueError as exc:
            print(f"Cannot derive the cell0 database URL: {exc}")
            return 1
        return 0

    def create_cell(self, name=None, transport_url=None, database_connection=None,
                    verbose=False, disabled=False):
        """Create a cell mapping.

        Exit 0 created; 1 transport URL or database connection missing or
        invalid; 2 another cell uses that transport URL and/or database.
        """
        ctxt = context.get_admin_context()
        transport_url = _validate_transport_url(transport_url)
        if not transport_url:
            return 1
        database_connection = database_connection or CONF.database.connection
        if not database_connection:
            print("Must specify --database_connection if [database]/connection is not "
                  "set in the configuration file.")
            return 1
        duplicate = _find_duplicate_cell(ctxt, transport_url, database_connection)
        if duplicate is not None:
            _print_duplicate(duplicate)
            return 2
        cell = objects.CellMapping(
            ctxt, uuid=uuidutils.generate_uuid(), name=name, transport_url=transport_url,
            database_connection=database_connection, disabled=disabled)
        cell.create()
        if verbose:
            print(cell.uuid)
        return 0

    def list_cells(self, verbose=False):
        """Print the cells as a table, passwords masked unless --verbose. Exit 0."""
        ctxt = context.get_admin_context()
        table = prettytable.PrettyTable(
            ["Name", "UUID", "Transport URL", "Database Connection", "Disabled"])
        for cell in sorted(objects.CellMappingList.get_all(ctxt),
                           key=lambda cell: cell.name or ""):
            if verbose:
                urls = [cell.transport_url, cell.database_connection]
            else:
                urls = [mask_passwd_in_url(cell.transport_url),
                        mask_passwd_in_url(cell.database_connection)]
            table.add_row([cell.name or "", cell.uuid, *urls, cell.disabled])
        print(table)
        return 0

    def delete_cell(self, cell_uuid, force=False):
        """Delete an empty cell (with --force, also its hosts and deleted instances' mappings).

        Exit 0 deleted; 1 no such cell; 2 hosts are mapped to it (no
        --force); 3 live instances are in it; 4 only mappings of deleted
        instances remain (no --force).
        """
        ctxt = context.get_admin_context()
        try:
            cell = objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
        except exception.CellMappingNotFound:
            _cell_not_found(cell_uuid)
            return 1
        host_mappings = objects.HostMappingList.get_by_cell_id(ctxt, cell.id)
        if host_mappings and not force:
            print(f"There are existing hosts mapped to cell with uuid {cell_uuid}.")
            return 2
        instance_mappings = objects.InstanceMappingList.get_by_cell_id(ctxt, cell.id)
        with context.target_cell(ctxt, cell) as cctxt:
            live_instances = (instance_mapping_obj.count_cell_instances(cctxt)
                              if instance_mappings or host_mappings else 0)
        if live_instances:
            print(f"There are existing instances mapped to cell with uuid {cell_uuid}.")
            return 3
        if instance_mappings and not force:
            print(f"There are instance mappings to cell with uuid {cell_uuid}, but all "
                  "instances have been deleted in the cell.")
            print("So execute 'nova-manage db archive_deleted_rows' to delete the "
                  "instance mappings.")
            return 4
        for mapping in instance_mappings:
            mapping.destroy()
        if host_mappings:
            # Unmapped nodes are found again by discover_hosts if the cell returns.
            with context.target_cell(ctxt, cell) as cctxt:
                host_mapping_obj.unmap_compute_nodes(cctxt)
        for mapping in host_mappings:
            mapping.destroy()
        cell.destroy()
        return 0

    def update_cell(self, cell_uuid, name=None, transport_url=None,
                    database_connection=None, disable=False, enable=False):
        """Change a cell's name, URLs or disabled flag.

        Exit 0 updated; 1 no such cell; 2 the save failed or --transport-url
        is invalid; 3 another cell uses the transport URL and/or database;
        4 --disable with --enable; 5 an attempt to disable or enable cell0.
        """
        if disable and enable:
            print("Cell cannot be disabled and enabled at same time.")
            return 4
        ctxt = context.get_admin_context()
        try:
            cell = objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
        except exception.CellMappingNotFound:
            _cell_not_found(cell_uuid)
            return 1
        if (disable or enable) and cell.is_cell0():
            # Checked before the URLs, so that the answer does not depend on
            # which configuration file the command runs with.
            print("Cell0 cannot be disabled." if disable else "Cell0 cannot be enabled.")
            return 5
        if name:
            cell.name = name
        # Upstream's rule: an option not given falls back to this host's
        # configuration; with neither, the cell keeps its value.
        given_transport_url = transport_url
        transport_url = _validate_transport_url(transport_url, warn_about_none=False)
        if given_transport_url and not transport_url:
            return 2  # an explicit but invalid --transport-url (printed above)
        database_connection = database_connection or CONF.database.connection
        duplicate = _find_duplicate_cell(ctxt, transport_url, database_connection,
                                         skip_uuid=cell.uuid)
        if duplicate is not None:
            _print_duplicate(duplicate)
            return 3
        if transport_url:
            cell.transport_url = transport_url
        if database_connection:
            cell.database_connection = database_connection
        if disable or enable:
            if cell.disabled == disable:
                state = "disabled" if disable else "enabled"
                print(f"Cell {cell.uuid} is already {state}")
            else:
                cell.disabled = disable
        try:
            cell.save()
        except Exception as exc:
            print(f"Unable to update CellMapping: {exc}")
            return 2
        return 0

    def discover_hosts(self, cell_uuid=None, verbose=False, strict=False, by_service=False):
        """Map the compute hosts of the cells that have no host mapping yet.

        Exit 0 hosts mapped or none to map; 1 --strict and none found, or
        the cell does not exist; 2 a duplicate host mapping (a concurrent
        discovery) aborted the run, which is safe to retry.
        """
        ctxt = context.get_admin_context()
        status_fn = print if verbose else None
        try:
            mapped = host_mapping_obj.discover_hosts(
                ctxt, cell_uuid=cell_uuid, status_fn=status_fn, by_service=by_service)
        except exception.CellMappingNotFound:
            _cell_not_found(cell_uuid)
            return 1
        except exception.HostMappingExists as exc:
            print("ERROR: Duplicate host mapping was encountered. Run this command once "
                  "after the compute hosts are deployed, never several at the same time "
                  f"(they race to map the same hosts). Error: {exc}")
            return 2
        if strict and not mapped:
            return 1
        return 0

    def list_hosts(self, cell_uuid=None):
        """Print the host mappings of every cell or of one. Exit 0; 1 no such cell."""
        ctxt = context.get_admin_context()
        if cell_uuid:
            try:
                cell = objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
            except exception.CellMappingNotFound:
                _cell_not_found(cell_uuid)
                return 1
            mappings = objects.HostMappingList.get_by_cell_id(ctxt, cell.id)
        else:
            mappings = objects.HostMappingList.get_all(ctxt)
        table = prettytable.PrettyTable(["Cell Name", "Cell UUID", "Hostname"])
        for mapping in sorted(mappings, key=lambda mapping: mapping.host):
            table.add_row([mapping.cell_mapping.name or "", mapping.cell_mapping.uuid,
                           mapping.host])
        print(table)
        return 0

    def delete_host(self, cell_uuid, host):
        """Delete a host mapping whose host runs no instance.

        Exit 0 deleted; 1 no such cell; 2 the host is not mapped; 3 the host
        is mapped to another cell; 4 the host still has instances.
        """
        ctxt = context.get_admin_context()
        try:
            cell = objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
        except exception.CellMappingNotFound:
            _cell_not_found(cell_uuid)
            return 1
        try:
            mapping = objects.HostMapping.get_by_host(ctxt, host)
        except exception.HostMappingNotFound:
            print(f"The host {host} was not found.")
            return 2
        if mapping.cell_mapping.uuid != cell.uuid:
            print(f"The host {host} was not found in the cell {cell_uuid}.")
            return 3
        with context.target_cell(ctxt, cell) as cctxt:
            if instance_mapping_obj.count_cell_instances(cctxt, host=host):
                print(f"There are instances on the host {host}.")
                return 4
            host_mapping_obj.unmap_compute_nodes(cctxt, host=host)
        mapping.destroy()
        return 0

    def verify_instance(self, uuid, quiet=False):
        """Tell which cell an instance is mapped to.

        Exit 0 mapped to a cell; 1 no instance mapping; 2 the mapping has no
        cell yet; 3 the instance is deleted but still mapped; 4 the instance
        is archived but still mapped.
        """
        def say(message):
            if not quiet:
                print(message)

        ctxt = context.get_admin_context()
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(ctxt, uuid)
        except exception.InstanceMappingNotFound:
            say(f"Instance {uuid} is not mapped to a cell.")
            return 1
        cell = mapping.cell_mapping
        if cell is None:
            say(f"Instance {uuid} is not mapped to a cell.")
            return 2
        with context.target_cell(ctxt, cell) as cctxt:
            state = instance_mapping_obj.cell_instance_state(cctxt, uuid)
        if state == "deleted":
            say(f"The instance with uuid {uuid} has been deleted.")
            say("Execute 'nova-manage db archive_deleted_rows' command to archive this "
                "deleted instance and remove its instance_mapping.")
            return 3
        if state is None:
            say(f"The instance with uuid {uuid} has been archived.")
            say("However its instance_mapping remains.")
            return 4
        say(f"Instance {uuid} is in cell: {cell.name} ({cell.uuid})")
        return 0

    def map_instances(self, cell_uuid, max_count=None, reset=False):
        """Create instance mappings for a cell's instances, oldest first, resumable.

        Exit 0 every instance is mapped; 1 --max-count was reached and more
        remain (run again); 127 invalid --max-count or unknown cell.
        """
        if max_count is not None:
            try:
                max_count = int(max_count)
            except ValueError:
                max_count = -1
            if max_count < 1:
                print("Must supply a positive value for max-count")
                return 127
            map_all = False
        else:
            max_count = MAP_INSTANCES_BATCH
            map_all = True
        ctxt = context.get_admin_context()
        try:
            cell = objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
        except exception.CellMappingNotFound:
            _cell_not_found(cell_uuid)
            return 127
        marker = None if reset else instance_mapping_obj.get_map_instances_marker(ctxt)
        while True:
            _created, marker = instance_mapping_obj.map_cell_instances(
                ctxt, cell, max_count, marker_uuid=marker)
            if marker is None or not map_all:
                break
        instance_mapping_obj.set_map_instances_marker(ctxt, marker)
        return 1 if marker else 0

    def _map_cell_and_hosts(self, transport_url, name=None, verbose=False):
        """Map this host's [database] as a cell and its compute hosts; return the cell uuid.

        Returns None (after printing why) when the cell database has no
        compute node, since a cell with no host cannot be discovered.
        """
        ctxt = context.get_admin_context()
        hosts = host_mapping_obj.compute_node_hosts(ctxt)
        if not hosts:
            print("No hosts found to map to cell, exiting.")
            return None
        cell_uuid = None
        missing = []
        for host in hosts:
            try:
                mapping = objects.HostMapping.get_by_host(ctxt, host)
            except exception.HostMappingNotFound:
                missing.append(host)
            else:
                if verbose:
                    print(f"Host {host} is already mapped to cell "
                          f"{mapping.cell_mapping.uuid}")
                cell_uuid = mapping.cell_mapping.uuid
        if not missing:
            print("All hosts are already mapped to cell(s).")
            return cell_uuid
        if cell_uuid is not None:
            cell = objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
        else:
            cell = objects.CellMapping(
                ctxt, uuid=uuidutils.generate_uuid(), name=name,
                transport_url=transport_url,
                database_connection=CONF.database.connection)
            cell.create()
        for host in missing:
            objects.HostMapping(ctxt, host=host, cell_mapping=cell).create()
        if verbose:
            print(cell.uuid)
        return cell.uuid

    def map_cell_and_hosts(self, name=None, transport_url=None, verbose=False):
        """Create a cell for [database] and map its hosts. Exit 0; 1 no valid transport URL."""
        transport_url = _validate_transport_url(transport_url)
        if not transport_url:
            return 1
        self._map_cell_and_hosts(transport_url, name=name, verbose=verbose)
        return 0

    def simple_cell_setup(self, transport_url=None):
        """Set up cell0 and one cell from this host's configuration, mapping everything.

        Exit 0 done (or already done); 1 the transport URL is missing or
        invalid, or no compute host has registered yet.
        """
        transport_url = _validate_transport_url(transport_url)
        if not transport_url:
            return 1
        if not CONF.database.connection:
            print("Must specify [database]/connection in the configuration file.")
            return 1
        ctxt = context.get_admin_context()
        cell0 = self._map_cell0(ctxt)
        with context.target_cell(ctxt, cell0) as cctxt:
            try:
                migration.db_sync(None, database="main", context=cctxt)
            except db_exc.DBError as exc:
                print(f"Unable to sync cell0 schema: {exc}")
        cell_uuid = self._map_cell_and_hosts(transport_url)
        if cell_uuid is None:
            return 1
        return self.map_instances(cell_uuid)


# --- command table and parsing ---------------------------------------------------

class NetworkCommands:
    """``nova-manage network``: the built-in network service's networks.

    Networks live in the [database] cell database (doc/source/networking.rst).
    Exit codes: 0 success, 1 a network that cannot be made or found or is
    in use (the reason is printed).
    """

    def create(self, label=None, fixed_range_v4=None, bridge=None, bridge_interface=None,
               gateway=None, dns1=None, dns2=None, dhcp_server=None, mtu=None,
               project_id=None, vlan=None, uuid=None, allowed_start=None,
               share_address=False, enable_dhcp=True):
        """Create one flat network (upstream's arguments; one network per call).

        Prints the new network's uuid.
        """
        if not label or not fixed_range_v4:
            print("--label and --fixed_range_v4 are required")
            return 1
        ctxt = context.get_admin_context()
        try:
            network = network_api.get_api().create(
                ctxt, label=label, cidr=fixed_range_v4, bridge=bridge,
                bridge_interface=bridge_interface, gateway=gateway, dns1=dns1, dns2=dns2,
                dhcp_server=dhcp_server, mtu=int(mtu) if mtu else None,
                project_id=project_id, vlan=int(vlan) if vlan else None, uuid=uuid,
                dhcp_start=allowed_start, share_address=share_address,
                enable_dhcp=enable_dhcp)
        except (exception.InvalidInput, exception.NetworkDuplicated) as exc:
            print(exc.format_message())
            return 1
        print(network.uuid)
        return 0

    def list(self):
        """Print a table of every network (upstream's columns)."""
        table = prettytable.PrettyTable(
            ["id", "IPv4", "IPv6", "start address", "DNS1", "DNS2", "VlanID", "project",
             "uuid", "label", "bridge"])
        for net in network_api.get_api().get_all(context.get_admin_context()):
            table.add_row([net.id, net.cidr, net.cidr_v6 or "None", net.dhcp_start,
                           net.dns1 or "None", net.dns2 or "None", net.vlan or "None",
                           net.project_id or "None", net.uuid, net.label, net.bridge])
        print(table)
        return 0

    def delete(self, fixed_range=None, uuid=None):
        """Delete the network with uuid ``uuid`` or cidr ``fixed_range``."""
        api = network_api.get_api()
        ctxt = context.get_admin_context()
        matches = [n for n in api.get_all(ctxt)
                   if (uuid and n.uuid == uuid) or (fixed_range and n.cidr == fixed_range)]
        if not uuid and not fixed_range:
            print("Give --uuid or --fixed_range")
            return 1
        if not matches:
            print(f"Network {uuid or fixed_range} could not be found.")
            return 1
        try:
            api.delete(ctxt, matches[0].uuid)
        except exception.NetworkInUse as exc:
            print(exc.format_message())
            return 1
        return 0


class FloatingIpCommands:
    """``nova-manage floating``: fill and empty floating IP pools (upstream's commands).

    Exit codes: 0 success, 1 a bad or overlapping range, or addresses a
    project still holds (the reason is printed).
    """

    #: Pool name when --pool is not given (upstream's default_floating_pool).
    DEFAULT_POOL = "nova"

    def create(self, ip_range=None, pool=None, interface=None):
        """Add the host addresses of ``ip_range`` to ``pool``."""
        try:
            count = objects.FloatingIP.create_pool(
                context.get_admin_context(), pool or self.DEFAULT_POOL, ip_range,
                interface=interface)
        except (exception.InvalidInput, exception.FloatingIpExists) as exc:
            print(exc.format_message())
            return 1
        print(f"Created {count} floating IPs in pool {pool or self.DEFAULT_POOL}")
        return 0

    def list(self):
        """Print project, address, fixed IP id, pool and interface of every address."""
        fips = objects.FloatingIPList.get_all(context.get_admin_context())
        if not fips:
            print("No floating IP addresses have been defined.")
        for fip in fips:
            print("\t".join(str(v) for v in (fip.project_id, fip.address, fip.fixed_ip_id,
                                              fip.pool, fip.interface)))
        return 0

    def delete(self, ip_range=None):
        """Remove the addresses of ``ip_range`` from their pool."""
        try:
            objects.FloatingIP.delete_range(context.get_admin_context(), ip_range)
        except ValueError as exc:
            print(f"Invalid ip_range: {exc}")
            return 1
        except exception.FloatingIpInUse as exc:
            print(exc.format_message())
            return 1
        return 0


def _arg(*flags, **kwargs):
    """Describe one argparse argument: flags and add_argument keywords."""
    return flags, kwargs


_CELL_UUID = _arg("--cell_uuid", metavar="<cell_uuid>", help="The uuid of the cell.")
_VERBOSE = _arg("--verbose", action="store_true", default=False,
                help="Print more detail.")
_TRANSPORT_URL = _arg("--transport-url", metavar="<transport_url>", dest="transport_url",
                      help="The transport URL of the cell's message queue; "
                           "default: [DEFAULT]/transport_url.")
_DB_CONNECTION = _arg("--database_connection", metavar="<database_connection>",
                      dest="database_connection",
                      help="The cell's database URL; default: [database]/connection.")
_NAME = _arg("--name", metavar="<cell_name>", help="The name of the cell.")

#: The whole CLI: category -> (command class, {action: (method name,
#: [argparse arguments], help)}).
COMMANDS = {
    "db": (DbCommands, {
        "version": ("version", [], "Print the current cell database schema version."),
        "sync": ("sync", [
            _arg("version", metavar="VERSION", nargs="?", default=None,
                 help="The schema revision to upgrade to; default: the newest."),
            _arg("--local_cell", action="store_true", default=False,
                 help="Only upgrade [database], not cell0 as well."),
        ], "Upgrade the cell database schema (and cell0's)."),
        "archive_deleted_rows": ("archive_deleted_rows", [
            _arg("--max_rows", metavar="<rows>", type=int, default=ARCHIVE_MAX_ROWS,
                 dest="max_rows",
                 help="Rows to archive per batch (default 1000); API database rows "
                      "of archived instances do not count."),
            _arg("--verbose", action="store_true", default=False,
                 help="Print how many rows each table archived."),
            _arg("--until-complete", action="store_true", default=False,
                 dest="until_complete",
                 help="Run batches until nothing is left to archive."),
            _arg("--before", metavar="<date>",
                 help="Archive only rows deleted before this date (UTC unless a zone "
                      "is given), and the rows of instances deleted before it."),
            _arg("--purge", action="store_true", default=False,
                 help="Purge every shadow table afterwards (as db purge --all)."),
            _arg("--all-cells", action="store_true", default=False, dest="all_cells",
                 help="Archive every cell database, not only [database]."),
        ], "Move soft-deleted rows into the shadow tables."),
        "purge": ("purge", [
            _arg("--all", action="store_true", default=False, dest="purge_all",
                 help="Delete every row of the shadow tables."),
            _arg("--before", metavar="<date>",
                 help="Delete shadow rows older than this date (UTC unless a zone "
                      "is given)."),
            _arg("--verbose", action="store_true", default=False,
                 help="Print how many rows each table lost."),
            _arg("--all-cells", action="store_true", default=False, dest="all_cells",
                 help="Purge every cell database, not only [database]."),
        ], "Delete rows from the shadow tables."),
        "online_data_migrations": ("online_data_migrations", [
            _arg("--max-count", metavar="<number>", dest="max_count",
                 help="Migrate at most this many rows in this run; default: batches "
                      "of 50 until complete."),
        ], "Run the online data migrations."),
    }),
    "api_db": (ApiDbCommands, {
        "version": ("version", [], "Print the current API database schema version."),
        "sync": ("sync", [
            _arg("version", metavar="VERSION", nargs="?", default=None,
                 help="The schema revision to upgrade to; default: the newest."),
        ], "Upgrade the API database schema."),
    }),
    "network": (NetworkCommands, {
        "create": ("create", [
            _arg("--label", metavar="<label>", help="The network's label (its name)."),
            _arg("--fixed_range_v4", metavar="<x.x.x.x/yy>",
                 help="The IPv4 range, e.g. 10.0.0.0/24."),
            _arg("--bridge", metavar="<bridge>",
                 help="The Linux bridge on each compute host; default: the first "
                      "free of br100, br101, ..."),
            _arg("--bridge_interface", metavar="<interface>",
                 help="A host interface to add to the bridge."),
            _arg("--gateway", metavar="<gateway>",
                 help="The gateway address; default: the first host address."),
            _arg("--dns1", metavar="<DNS address>", help="First DNS server."),
            _arg("--dns2", metavar="<DNS address>", help="Second DNS server."),
            _arg("--dhcp_server", metavar="<DHCP server address>",
                 help="The DHCP server address; default: the gateway."),
            _arg("--mtu", metavar="<MTU>", help="The network's MTU in bytes."),
            _arg("--project_id", metavar="<project id>",
                 help="The project owning the network; default: shared."),
            _arg("--vlan", metavar="<vlan id>", help="Kept for upstream's syntax."),
            _arg("--uuid", metavar="<network uuid>", help="The network's uuid."),
            _arg("--allowed_start", metavar="<x.x.x.x>",
                 help="The first address handed to servers; default: after the gateway."),
            _arg("--share_address", action="store_true", default=False,
                 help="Kept for upstream's syntax."),
            _arg("--disable_dhcp", action="store_false", dest="enable_dhcp", default=True,
                 help="Do not serve DHCP on this network."),
        ], "Create a flat network."),
        "list": ("list", [], "List the networks."),
        "delete": ("delete", [
            _arg("--fixed_range", metavar="<x.x.x.x/yy>", help="The network's range."),
            _arg("--uuid", metavar="<uuid>", help="The network's uuid."),
        ], "Delete a network no server uses."),
    }),
    "floating": (FloatingIpCommands, {
        "create": ("create", [
            _arg("--ip_range", metavar="<range>", required=True,
                 help="The addresses to add, as a CIDR."),
            _arg("--pool", metavar="<pool>", help="The pool; default: nova."),
            _arg("--interface", metavar="<interface>",
                 help="The host interface floating addresses go on."),
        ], "Add a range of addresses to a floating IP pool."),
        "list": ("list", [], "List the floating IP addresses."),
        "delete": ("delete", [
            _arg("ip_range", metavar="<range>", help="The addresses to remove (CIDR)."),
        ], "Remove a range of addresses no project holds."),
    }),
    "cell_v2": (CellV2Commands, {
        "simple_cell_setup": ("simple_cell_setup", [_TRANSPORT_URL],
                              "Set up cell0 and a first cell and map hosts and instances."),
        "map_cell0": ("map_cell0", [_DB_CONNECTION], "Create the cell0 mapping."),
        "map_cell_and_hosts": ("map_cell_and_hosts", [_NAME, _TRANSPORT_URL, _VERBOSE],
                               "Map [database] as a cell and map its compute hosts."),
        "map_instances": ("map_instances", [
            _arg("--cell_uuid", metavar="<cell_uuid>", required=True,
                 help="The uuid of the cell whose instances are mapped."),
            _arg("--max-count", metavar="<max_count>", dest="max_count",
                 help="Map at most this many instances in this run."),
            _arg("--reset", action="store_true", default=False,
                 help="Start from the oldest instance, ignoring the saved marker."),
        ], "Map a cell's instances to it."),
        "verify_instance": ("verify_instance", [
            _arg("--uuid", metavar="<instance_uuid>", required=True,
                 help="The instance uuid to verify."),
            _arg("--quiet", action="store_true", default=False,
                 help="Print nothing; only the exit code tells."),
        ], "Check that an instance is mapped to a cell."),
        "create_cell": ("create_cell", [
            _NAME, _TRANSPORT_URL, _DB_CONNECTION,
            _arg("--verbose", action="store_true", default=False,
                 help="Print the uuid of the new cell."),
            _arg("--disabled", action="store_true", default=False,
                 help="Create the cell disabled (no scheduling to it)."),
        ], "Create a cell mapping."),
        "discover_hosts": ("discover_hosts", [
            _CELL_UUID, _VERBOSE,
            _arg("--strict", action="store_true", default=False,
                 help="Exit 1 unless at least one new host was mapped."),
            _arg("--by-service", action="store_true", default=False, dest="by_service",
                 help="Look at nova-compute services instead of compute nodes."),
        ], "Map compute hosts that have no host mapping yet."),
        "list_cells": ("list_cells", [
            _arg("--verbose", action="store_true", default=False,
                 help="Show URLs with their passwords."),
        ], "List the cells."),
        "delete_cell": ("delete_cell", [
            _arg("--force", action="store_true", default=False,
                 help="Also delete the cell's host mappings and the mappings of its "
                      "deleted instances."),
            _arg("--cell_uuid", metavar="<cell_uuid>", required=True,
                 help="The uuid of the cell to delete."),
        ], "Delete a cell mapping."),
        "list_hosts": ("list_hosts", [_CELL_UUID], "List host mappings."),
        "update_cell": ("update_cell", [
            _arg("--cell_uuid", metavar="<cell_uuid>", required=True,
                 help="The uuid of the cell to update."),
            _NAME, _TRANSPORT_URL, _DB_CONNECTION,
            _arg("--disable", action="store_true", default=False,
                 help="Disable the cell (no new instances are scheduled to it)."),
            _arg("--enable", action="store_true", default=False,
                 help="Enable the cell."),
        ], "Update a cell mapping."),
        "delete_host": ("delete_host", [
            _arg("--cell_uuid", metavar="<cell_uuid>", required=True,
                 help="The uuid of the cell the host is mapped to."),
            _arg("--host", metavar="<host>", required=True,
                 help="The compute host name."),
        ], "Delete the host mapping of a host with no instance."),
    }),
}

#: Prefix of the argparse destinations of an action's own arguments, so that
#: they cannot clash with oslo.config's names in the shared namespace.
_KWARG_PREFIX = "action_kwarg_"


def _dest_of(flags, kwargs):
    if "dest" in kwargs:
        return kwargs["dest"]
    return flags[0].lstrip("-").replace("-", "_")


def add_command_parsers(subparsers):
    """oslo.config SubCommandOpt handler: one parser per category and action."""
    for category, (_cls, actions) in COMMANDS.items():
        category_parser = subparsers.add_parser(category)
        action_parsers = category_parser.add_subparsers(dest="action", metavar="<action>")
        action_parsers.required = True
        for action, (_method, arguments, help_text) in actions.items():
            parser = action_parsers.add_parser(action, help=help_text, description=help_text)
            for flags, kwargs in arguments:
                kwargs = dict(kwargs)
                dest = _dest_of(flags, kwargs)
                if flags[0].startswith("-"):
                    kwargs["dest"] = _KWARG_PREFIX + dest
                    parser.add_argument(*flags, **kwargs)
                else:
                    parser.add_argument(_KWARG_PREFIX + dest, **kwargs)


category_opt = cfg.SubCommandOpt(
    "category", title="Command categories", help="Available categories",
    handler=add_command_parsers)


def _register_cli_opts():
    try:
        CONF.register_cli_opt(category_opt)
    except cfg.ArgsAlreadyParsedError:
        # A second main() in one process (tests): forget the previous command line.
        CONF.clear()
        CONF.register_cli_opt(category_opt)


def bind_action(category, action, value_of):
    """Return ``(bound method, kwargs)`` that run one parsed action.

    :param category: the category name, e.g. "cell_v2".
    :param action: the action name, e.g. "create_cell".
    :param value_of: callable returning the parsed value of an argparse
        destination name (how oslo.config or a bare argparse namespace is read).
    """
    cls, actions = COMMANDS[category]
    method_name, arguments, _help = actions[action]
    kwargs = {dest: value_of(_KWARG_PREFIX + dest)
              for dest in (_dest_of(flags, spec) for flags, spec in arguments)}
    return getattr(cls(), method_name), kwargs


def main(argv=None):
    """Run one nova-manage action and return its exit code (int).

    :param argv: the full argument vector, program name first; sys.argv
        when None.
    """
    argv = list(sys.argv if argv is None else argv)
    _register_cli_opts()
    exit_code = admin_setup.prepare(argv)
    if exit_code is not None:
        return exit_code
    method, kwargs = bind_action(CONF.category.name, CONF.category.action,
                                 lambda name: getattr(CONF.category, name))
    try:
        return method(**kwargs)
    except (exception.NovaException, db_exc.DBError, db_exc.CantStartEngineError) as exc:
        print(f"ERROR: {exc}")
        return EXIT_UNEXPECTED
    except Exception:
        print(f"An error has occurred:\n{traceback.format_exc()}")
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
