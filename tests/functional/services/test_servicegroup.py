"""Up/down from real services rows: heartbeat age against service_down_time,
and forced_down."""

import datetime

from oslo_utils import timeutils

from nova import context as nova_context
from nova import objects, servicegroup


def _service(ctxt, host):
    svc = objects.Service(ctxt, host=host, binary="nova-compute", topic="compute",
                          report_count=0, disabled=False, forced_down=False)
    svc.create()
    return svc


def test_up_after_a_heartbeat_down_when_stale_or_forced(databases, conf_fixture):
    conf_fixture.config(service_down_time=60)
    ctxt = nova_context.get_admin_context()
    svc = _service(ctxt, "sg1")
    assert servicegroup.report_state(svc)
    fresh = objects.Service.get_by_host_and_binary(ctxt, "sg1", "nova-compute")
    api = servicegroup.API()
    assert fresh.report_count == 1
    assert api.service_is_up(fresh)

    later = timeutils.utcnow() + datetime.timedelta(seconds=61)
    assert not api.service_is_up(fresh, now=later)
    assert api.service_is_up(fresh, now=later - datetime.timedelta(seconds=2))

    fresh.forced_down = True
    fresh.save()
    assert not api.service_is_up(
        objects.Service.get_by_host_and_binary(ctxt, "sg1", "nova-compute"))


def test_service_down_time_is_read_from_configuration(databases, conf_fixture):
    ctxt = nova_context.get_admin_context()
    svc = _service(ctxt, "sg2")
    servicegroup.report_state(svc)
    in_90s = timeutils.utcnow() + datetime.timedelta(seconds=90)
    conf_fixture.config(service_down_time=60)
    assert not servicegroup.API().service_is_up(svc, now=in_90s)
    conf_fixture.config(service_down_time=120)
    assert servicegroup.API().service_is_up(svc, now=in_90s)
