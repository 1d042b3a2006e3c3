"""/os-availability-zone: the zones servers can be created in.

API reference "Availability zones (os-availability-zone)". The list is for
everyone and hides the internal services' zone; the detail, for
administrators, shows every zone with its hosts and their services.
"""

from nova import conf as nova_conf
from nova import policy, servicegroup
from nova.api.openstack.compute.views import availability_zones as views
from nova.compute import availability_zones
from nova.policies import availability_zone as az_policies

CONF = nova_conf.CONF


class AvailabilityZoneController:
    """Handlers of /os-availability-zone.

    :param servicegroup_api: nova.servicegroup.API deciding up/down.
    """

    def __init__(self, servicegroup_api=None):
        self.servicegroup_api = servicegroup_api or servicegroup.API()

    def index(self, req):
        """GET /os-availability-zone -> {"availabilityZoneInfo": [...]}, hosts null."""
        policy.authorize(req.context, az_policies.AVAILABILITY_ZONE % "list", target={})
        context = req.context.elevated()
        available, not_available = availability_zones.get_availability_zones(context)
        return views.index(available, not_available, CONF.internal_service_availability_zone)

    def detail(self, req):
        """GET /os-availability-zone/detail -> zones with hosts and services (admin)."""
        policy.authorize(req.context, az_policies.AVAILABILITY_ZONE % "detail", target={})
        context = req.context.elevated()
        services = availability_zones.all_services(context)
        available, not_available = availability_zones.get_availability_zones(
            context, services)
        return views.detail(available, not_available, services,
                            self.servicegroup_api.service_is_up)
