"""The instance usage audit and os-instance-usage-audit-log, fake driver.

With [DEFAULT] instance_usage_audit on, a compute host records once per
period how many instances existed on it; the API sums the hosts' records
for the last completed period, or the period before a given time.
"""

import datetime

import pytest
from oslo_utils import timeutils

from nova import context as nova_context
from nova import objects
from nova.compute import usage_audit
from tests.fixtures import images

PATH = "/v2.1/os-instance-usage-audit-log"


@pytest.fixture
def audited(nova_cloud, conf_fixture):
    # The audit is switched on only once the servers look as wanted: the
    # compute's own periodic run would otherwise audit them half-made.
    conf_fixture.config(instance_usage_audit_period="day")
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    servers = []
    for name in ("vm1", "vm2"):
        created = nova_cloud.create_server("1", images.IMAGE_ID, name=name)
        nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
        servers.append(created["id"])
    begin, _ = usage_audit.last_completed_audit_period("day")
    # vm1 has run since the last day began; vm2 was launched just now.
    with nova_context.target_cell(nova_cloud.context(), nova_cloud.cells.cell1) as cctxt:
        first = objects.Instance.get_by_uuid(cctxt, servers[0])
        first.launched_at = begin + datetime.timedelta(minutes=1)
        first.save()
    conf_fixture.config(instance_usage_audit=True)
    manager = nova_cloud.plane.computes["compute1"].manager
    manager._instance_usage_audit(nova_context.get_admin_context())
    return begin


def test_the_last_period_shows_the_audit_of_each_host(nova_cloud, audited):
    resp = nova_cloud.admin_api.get(PATH)
    assert resp.status_code == 200, resp.text
    log = resp.json()["instance_usage_audit_logs"]
    assert log["period_beginning"] == str(audited)
    assert log["period_ending"] == str(audited + datetime.timedelta(days=1))
    assert (log["num_hosts"], log["num_hosts_done"], log["num_hosts_running"],
            log["num_hosts_not_run"]) == (1, 1, 0, 0)
    assert log["total_instances"] == 1
    assert log["overall_status"] == "ALL hosts done. 0 errors."
    assert log["log"]["compute1"]["state"] == "DONE"
    assert log["log"]["compute1"]["instances"] == 1


def test_the_audit_runs_once_per_period(nova_cloud, audited):
    manager = nova_cloud.plane.computes["compute1"].manager
    manager._instance_usage_audit(nova_context.get_admin_context())
    with nova_context.target_cell(nova_cloud.context(), nova_cloud.cells.cell1) as cctxt:
        logs = objects.TaskLogList.get_all(cctxt, usage_audit.TASK_NAME, audited,
                                           audited + datetime.timedelta(days=1))
    assert len(logs) == 1


def test_an_earlier_period_has_hosts_that_did_not_run(nova_cloud, audited):
    before = (timeutils.utcnow() - datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
    resp = nova_cloud.admin_api.get(f"{PATH}/{before}")
    assert resp.status_code == 200, resp.text
    log = resp.json()["instance_usage_audit_log"]
    assert log["hosts_not_run"] == ["compute1"]
    assert log["overall_status"] == "0 of 1 hosts done. 0 errors."


def test_a_bad_timestamp_is_400(nova_cloud):
    assert nova_cloud.admin_api.get(f"{PATH}/yesterday").status_code == 400


def test_for_administrators_only(nova_cloud):
    assert nova_cloud.api.get(PATH).status_code == 403
