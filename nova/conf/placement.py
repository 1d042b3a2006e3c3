"""[placement]: how nova-compute, nova-scheduler, nova-conductor and nova-api
reach the Placement service (keystoneauth1 session, auth and adapter options).
"""

from oslo_config import cfg

from nova.conf import ksa

DEFAULT_SERVICE_TYPE = "placement"

placement_group = cfg.OptGroup(
    "placement",
    title="Placement service options",
    help="""
Credentials and endpoint of the Placement service, as keystoneauth1 options:
auth_type and the auth plugin's options (e.g. auth_url, username, password,
project_name, user_domain_name, project_domain_name for ``password``),
session options (cafile, insecure, timeout) and adapter options
(service_type, valid_interfaces, region_name, endpoint_override).

Default service_type: placement; default valid_interfaces: internal,public.
""",
)

placement_adapter_opts = ksa.adapter_opts(DEFAULT_SERVICE_TYPE)


def register_opts(conf):
    """Register the [placement] keystoneauth1 options on ``conf``."""
    ksa.register_ksa_opts(conf, placement_group, placement_adapter_opts)


def list_opts():
    """Return {placement_group: [options]} for the config generator."""
    return {placement_group: ksa.list_ksa_opts(placement_adapter_opts)}
