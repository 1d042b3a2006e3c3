"""nova-status: ``nova-status [--config-file F] upgrade check [--json]``.

Runs read-only checks of a deployment before or after an upgrade and prints
oslo.upgradecheck's summary table (or JSON). Exit codes are oslo.upgradecheck's:
0 every check succeeded, 1 at least one warning, 2 at least one failure,
255 a check raised an unexpected error (the traceback is printed).

Checks:
* Cells v2: cell0 and at least one other cell are mapped, and compute nodes
  are not left without any host mapping (upstream's check of the same name).
* Compute hosts mapped: warns about compute nodes that ``nova-manage
  cell_v2 discover_hosts`` has not mapped yet.
* Database schemas: the API database and every cell database are at the
  newest schema revision this code knows.
* Placement API: [placement] reaches a Placement whose newest microversion
  is at least the one nova's Placement client needs.
* Policy File JSON to YAML Migration: [oslo_policy] policy_file is not a
  JSON file (oslo.upgradecheck's common check, as upstream).
* Older than N-1 computes: no nova-compute in any cell is older than the
  oldest service version whose compute RPC this code still speaks.

Upstream's other checks do not apply: this tree has no Cinder client, no
``[service_user]`` options and does not record ``hw_machine_type`` per
instance.
"""

import sys
import traceback

import sqlalchemy as sa
from keystoneauth1 import exceptions as ks_exc
from oslo_config import cfg
from oslo_upgradecheck import common_checks, upgradecheck
from oslo_utils import versionutils

import nova.conf
from nova import context, objects
from nova.cmd import admin_setup
from nova.compute import rpcapi as compute_rpcapi
from nova.db import migration
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models
from nova.objects import cell_mapping  # noqa: F401 - registers CellMapping
from nova.objects import host_mapping as host_mapping_obj
from nova.scheduler.client import report

CONF = nova.conf.CONF

#: The oldest Placement microversion nova works with: the newest one its
#: Placement client sends (allocation candidates with same_subtree, 1.36).
MIN_PLACEMENT_MICROVERSION = max(
    (report.PROVIDER_VERSION, report.INVENTORY_VERSION, report.ALLOCATIONS_VERSION,
     report.CANDIDATES_VERSION),
    key=versionutils.convert_version_to_tuple)

#: The oldest nova-compute service version this code can still talk to: the
#: first one with a compute RPC version (older services are upgraded first,
#: one release at a time, as upstream requires).
OLDEST_SUPPORTED_SERVICE_VERSION = min(compute_rpcapi.SERVICE_VERSION_TO_RPC)

_SETUP_HINT = "Run command 'nova-manage cell_v2 simple_cell_setup' and try again."


def _result(code, details=None):
    return upgradecheck.Result(code, details)


def _non_cell0(cells):
    return [cell for cell in cells if not cell.is_cell0()]


def _oldest_compute_version(context):
    """Lowest ``version`` of the live nova-compute services of the context's cell.

    Read with plain SQL, as upstream's checks do: a Service object reports
    this code's version, not the stored one. A missing version counts as 0.

    :returns: int, or None when the cell has no live nova-compute.
    """
    services = main_models.Service.__table__
    query = sa.select(sa.func.count(), sa.func.min(sa.func.coalesce(services.c.version, 0))).where(
        services.c.binary == "nova-compute", services.c.deleted == 0,
        sa.or_(services.c.forced_down.is_(None), services.c.forced_down == sa.false()))
    with main_db_api.get_engine(context=context).connect() as conn:
        count, oldest = conn.execute(query).one()
    return oldest if count else None


class UpgradeCommands(upgradecheck.UpgradeCommands):
    """The checks ``nova-status upgrade check`` runs, in order."""

    display_title = "Upgrade Check Results"

    def _check_cellsv2(self):
        """Cells v2: cell0 plus one cell mapped; hosts mapped when computes exist.

        Upstream's rule: fewer than two cell mappings or no cell0 is a
        failure; no host mapping while compute nodes exist is a failure;
        no host mapping and no compute node is a success (a fresh install)
        with a reminder to run discover_hosts.
        """
        ctxt = context.get_admin_context()
        cells = objects.CellMappingList.get_all(ctxt)
        if len(cells) < 2:
            return _result(
                upgradecheck.Code.FAILURE,
                "There needs to be at least two cell mappings, one for cell0 and one "
                f"for your first cell. {_SETUP_HINT}")
        if not any(cell.is_cell0() for cell in cells):
            return _result(upgradecheck.Code.FAILURE, f"No cell0 mapping found. {_SETUP_HINT}")
        if objects.HostMappingList.get_all(ctxt):
            return _result(upgradecheck.Code.SUCCESS)
        computes = 0
        for cell in _non_cell0(cells):
            with context.target_cell(ctxt, cell) as cctxt:
                computes += host_mapping_obj.count_compute_nodes(cctxt)
        if computes:
            return _result(
                upgradecheck.Code.FAILURE,
                f"No host mappings found but there are compute nodes. {_SETUP_HINT}")
        return _result(
            upgradecheck.Code.SUCCESS,
            "No host mappings or compute nodes were found. Remember to run command "
            "'nova-manage cell_v2 discover_hosts' when new compute hosts are deployed.")

    def _check_hosts_mapped(self):
        """Compute hosts mapped: warn about compute nodes discover_hosts has not mapped."""
        ctxt = context.get_admin_context()
        problems = []
        for cell in _non_cell0(objects.CellMappingList.get_all(ctxt)):
            try:
                with context.target_cell(ctxt, cell) as cctxt:
                    unmapped = host_mapping_obj.count_compute_nodes(cctxt, unmapped_only=True)
            except Exception as exc:
                problems.append(f"Cell {cell.identity} could not be checked: {exc}")
                continue
            if unmapped:
                problems.append(f"Cell {cell.identity} has {unmapped} compute node(s) "
                                "without a host mapping.")
        if problems:
            problems.append("Run command 'nova-manage cell_v2 discover_hosts' so that the "
                            "scheduler can use them.")
            return _result(upgradecheck.Code.WARNING, "\n".join(problems))
        return _result(upgradecheck.Code.SUCCESS)

    def _check_schemas(self):
        """Database schemas: API and cell databases at the newest known revision."""
        behind = []
        api_head = migration.head_revision("api")
        api_current = migration.db_version(database="api")
        if api_current != api_head:
            behind.append(f"The API database is at revision {api_current}, not "
                          f"{api_head}: run 'nova-manage api_db sync'.")
        ctxt = context.get_admin_context()
        main_head = migration.head_revision("main")
        for cell in objects.CellMappingList.get_all(ctxt):
            with context.target_cell(ctxt, cell) as cctxt:
                try:
                    current = migration.db_version(database="main", context=cctxt)
                except Exception as exc:
                    behind.append(f"The database of cell {cell.identity} could not be "
                                  f"read: {exc}")
                    continue
            if current != main_head:
                behind.append(f"The database of cell {cell.identity} is at revision "
                              f"{current}, not {main_head}: run 'nova-manage db sync' "
                              "with that cell's configuration.")
        if behind:
            return _result(upgradecheck.Code.FAILURE, "\n".join(behind))
        return _result(upgradecheck.Code.SUCCESS)

    def _check_placement(self):
        """Placement API: reachable with [placement] and new enough."""
        try:
            adapter = report.get_placement_adapter(CONF)
            response = adapter.get("/", raise_exc=True)
            versions = response.json()
        except ks_exc.MissingAuthPlugin:
            return _result(upgradecheck.Code.FAILURE,
                           "No credentials specified for the Placement API in [placement].")
        except ks_exc.Unauthorized:
            return _result(upgradecheck.Code.FAILURE,
                           "Placement service credentials do not work.")
        except ks_exc.EndpointNotFound:
            return _result(upgradecheck.Code.FAILURE, "Placement API endpoint not found.")
        except (ks_exc.ConnectFailure, ks_exc.DiscoveryFailure, ks_exc.ConnectionError,
                ks_exc.NotFound) as exc:
            return _result(upgradecheck.Code.FAILURE,
                           f"Placement API does not seem to be running: {exc}")
        except (ks_exc.ClientException, ValueError) as exc:
            return _result(upgradecheck.Code.FAILURE,
                           f"Placement API could not be queried: {exc}")
        try:
            current = max((v["max_version"] for v in versions["versions"]),
                          key=versionutils.convert_version_to_tuple)
        except (KeyError, TypeError, ValueError):
            return _result(upgradecheck.Code.FAILURE,
                           "Placement API answered without a version document.")
        if not versionutils.is_compatible(MIN_PLACEMENT_MICROVERSION, current,
                                          same_major=True):
            return _result(
                upgradecheck.Code.FAILURE,
                f"Placement API version {MIN_PLACEMENT_MICROVERSION} needed, "
                f"you have {current}.")
        return _result(upgradecheck.Code.SUCCESS)

    def _check_old_computes(self):
        """Older than N-1 computes: every cell's nova-computes are new enough."""
        ctxt = context.get_admin_context()
        too_old = []
        for cell in _non_cell0(objects.CellMappingList.get_all(ctxt)):
            with context.target_cell(ctxt, cell) as cctxt:
                oldest = _oldest_compute_version(cctxt)
            if oldest is not None and oldest < OLDEST_SUPPORTED_SERVICE_VERSION:
                too_old.append(f"Cell {cell.identity} has nova-compute services at service "
                               f"version {oldest}.")
        if too_old:
            too_old.append(
                "This nova supports nova-compute services from service version "
                f"{OLDEST_SUPPORTED_SERVICE_VERSION} on: upgrade those hosts, or delete "
                "the services of hosts that are gone (openstack compute service delete).")
            return _result(upgradecheck.Code.FAILURE, "\n".join(too_old))
        return _result(upgradecheck.Code.SUCCESS)

    _upgrade_checks = (
        ("Cells v2", _check_cellsv2),
        ("Compute hosts mapped", _check_hosts_mapped),
        ("Database schemas", _check_schemas),
        ("Placement API", _check_placement),
        ("Policy File JSON to YAML Migration",
         (common_checks.check_policy_json, {"conf": CONF})),
        ("Older than N-1 computes", _check_old_computes),
    )


def _add_parsers(subparsers):
    # The same surface as oslo.upgradecheck's own parser: "upgrade check [--json]".
    upgrade = subparsers.add_parser("upgrade")
    upgrade.add_argument("check", choices=["check"])
    upgrade.add_argument("--json", action="store_true", default=False,
                         help="Print the results as JSON instead of a table.")


command_opt = cfg.SubCommandOpt("command", handler=_add_parsers)


def _register_cli_opts():
    try:
        CONF.register_cli_opt(command_opt)
    except cfg.ArgsAlreadyParsedError:
        # A second main() in one process (tests): forget the previous command line.
        CONF.clear()
        CONF.register_cli_opt(command_opt)


def main(argv=None):
    """Run ``nova-status``; return the exit code (int).

    :param argv: the full argument vector, program name first; sys.argv
        when None.
    """
    argv = list(sys.argv if argv is None else argv)
    _register_cli_opts()
    exit_code = admin_setup.prepare(argv)
    if exit_code is not None:
        return exit_code
    # oslo.upgradecheck reads --json through its module's CONF, which only
    # its own main() sets; we parse the command line ourselves.
    upgradecheck.CONF = CONF
    commands = UpgradeCommands()
    try:
        return commands.check()
    except Exception:
        print(f"Error:\n{traceback.format_exc()}")
        return 255


if __name__ == "__main__":
    sys.exit(main())
