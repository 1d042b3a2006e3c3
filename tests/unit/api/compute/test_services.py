"""The /os-services view builder."""

import datetime

from nova.api.openstack.compute.views import services as views
from nova.objects import service as service_obj

T1 = datetime.datetime(2024, 1, 1, 10, 0, tzinfo=datetime.UTC)
T2 = datetime.datetime(2024, 1, 1, 11, 0, tzinfo=datetime.UTC)


def _service(**values):
    base = dict(id=4, binary="nova-compute", host="h", availability_zone="az1",
                disabled=False, disabled_reason=None, forced_down=False, updated_at=T1,
                last_seen_up=T2)
    base.update(values)
    return service_obj.Service(**base)


def test_detail_before_and_after_2_11():
    body = views.detail(_service(), True, False)
    assert body == {"id": 4, "binary": "nova-compute", "host": "h", "zone": "az1",
                    "status": "enabled", "state": "up", "updated_at": T2,
                    "disabled_reason": None}
    assert views.detail(_service(forced_down=True), False, True)["forced_down"] is True


def test_disabled_and_never_seen():
    body = views.detail(_service(disabled=True, disabled_reason="r", updated_at=None,
                                 last_seen_up=None), False, False)
    assert (body["status"], body["state"], body["updated_at"], body["disabled_reason"]) == \
        ("disabled", "down", None, "r")
