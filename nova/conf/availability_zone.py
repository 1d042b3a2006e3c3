"""[DEFAULT] options naming the availability zones hosts and servers get when
none is given.
"""

from oslo_config import cfg

availability_zone_opts = [
    cfg.StrOpt(
        "internal_service_availability_zone",
        default="internal",
        help="""
The availability zone reported for services other than nova-compute
(nova-conductor, nova-scheduler, ...) in the os-availability-zone API.

Default: internal

Possible values:
* Any string except the name of a zone that holds compute hosts.

Related options:
* default_availability_zone
""",
    ),
    cfg.StrOpt(
        "default_availability_zone",
        default="nova",
        help="""
The availability zone of a compute host that is in no aggregate with an
availability_zone metadata key.

Default: nova

Possible values:
* Any string except internal_service_availability_zone.

Related options:
* default_schedule_zone
* internal_service_availability_zone
""",
    ),
    cfg.StrOpt(
        "default_schedule_zone",
        help="""
The availability zone a server is scheduled to when the create request names
none.

Default: unset, meaning the server may land on a host of any zone.

Possible values:
* The name of an existing availability zone.

Related options:
* default_availability_zone
""",
    ),
]


def register_opts(conf):
    """Register the availability zone options on ``conf`` in [DEFAULT]."""
    conf.register_opts(availability_zone_opts)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": availability_zone_opts}
