"""[glance]: how nova reaches the Image service, and how it treats images."""

from oslo_config import cfg

from nova.conf import ksa

DEFAULT_SERVICE_TYPE = "image"

glance_group = cfg.OptGroup(
    "glance",
    title="Image service options",
    help="""
Endpoint of the Image service (Glance) and image handling. The endpoint is
found through keystoneauth1 adapter options (service_type, valid_interfaces,
region_name, endpoint_override); nova calls Glance with the user's token, so
auth options are needed only for endpoint discovery without a catalog.

Default service_type: image; default valid_interfaces: internal,public.
""",
)

glance_opts = [
    cfg.IntOpt(
        "num_retries",
        default=3,
        min=0,
        help="""
How many times an image upload or download is retried after a connection
failure or a 5xx answer before the operation fails.

Default: 3

Possible values:
* 0: do not retry.
* A positive integer.
""",
    ),
]

glance_adapter_opts = ksa.adapter_opts(DEFAULT_SERVICE_TYPE)


def register_opts(conf):
    """Register the [glance] options on ``conf``."""
    ksa.register_ksa_opts(conf, glance_group, glance_adapter_opts)
    conf.register_opts(glance_opts, group=glance_group.name)


def list_opts():
    """Return {glance_group: [options]} for the config generator."""
    return {glance_group: glance_opts + ksa.list_ksa_opts(glance_adapter_opts)}
