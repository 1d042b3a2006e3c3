"""[api]: behaviour of the OpenStack Compute REST API."""

from oslo_config import cfg

api_group = cfg.OptGroup(
    "api",
    title="API options",
    help="Options that change how nova-api authenticates and answers requests.",
)

api_opts = [
    cfg.StrOpt(
        "auth_strategy",
        default="keystone",
        choices=[
            ("keystone", "Validate tokens with keystonemiddleware's auth_token."),
            (
                "noauth2",
                "Trust the X-Auth-Token header as 'user:project'; a user named "
                "'admin' is an administrator. For tests only, never production.",
            ),
        ],
        help="""
How nova-api authenticates requests: the composite
``openstack_compute_api_v21`` in api-paste.ini runs the pipeline listed
under this value's key.

Default: keystone

Related options:
* [keystone_authtoken] (keystonemiddleware)
* [wsgi] api_paste_config
""",
    ),
    cfg.BoolOpt(
        "use_forwarded_for",
        default=False,
        help="""
Take the client address from the X-Forwarded-For header instead of the TCP
peer. Enable only behind a proxy that sets the header.

Default: False
""",
    ),
    cfg.IntOpt(
        "max_limit",
        default=1000,
        min=0,
        help="""
Largest number of items a collection call (servers, flavors, ...) returns in
one response; a larger ``limit`` query parameter is cut down to it and the
client pages with ``marker``.

Default: 1000

Possible values:
* A non-negative integer.
""",
    ),
    cfg.IntOpt(
        "max_instances_per_request",
        default=100,
        min=1,
        help="""
Most servers one POST /servers may create (``min_count``/``max_count``),
whatever the quota says. Each server is a few rows written while the
request is answered, so an unlimited quota (-1) must not let one request
write thousands. A larger ``max_count`` is cut down to this number (as the
quota cuts it); a larger ``min_count`` is refused with 400 and nothing is
written.

Default: 100

Possible values:
* A positive integer.

Related options:
* [quota] instances
""",
    ),
    cfg.StrOpt(
        "compute_link_prefix",
        help="""
Scheme, host and port put in front of the links to Compute API resources in
responses, replacing those of the request. Set it when nova-api sits behind a
proxy or load balancer whose public URL differs.

Default: unset (the links use the request's own URL).

Possible values:
* A URL such as https://compute.example.com:8774.

Related options:
* glance_link_prefix
""",
    ),
    cfg.StrOpt(
        "glance_link_prefix",
        help="""
Scheme, host and port put in front of the links to images in responses.

Default: unset (the links use the request's own URL).

Possible values:
* A URL such as https://image.example.com:9292.

Related options:
* compute_link_prefix
""",
    ),
    cfg.StrOpt(
        "dhcp_domain",
        default="novalocal",
        help="""
Domain appended to an instance's hostname in the metadata service's
``hostname`` fields.

Default: novalocal

Possible values:
* A domain name, or an empty string for none.
""",
    ),
    cfg.BoolOpt(
        "local_metadata_per_cell",
        default=False,
        help="""
Set when a nova-api-metadata runs in each cell and serves only that cell's
guests; it then looks instances up in its own cell database instead of
going through the API database's instance mappings.

Default: False
""",
    ),
    cfg.ListOpt(
        "vendordata_providers",
        item_type=cfg.types.String(choices=["StaticJSON", "DynamicJSON"]),
        default=["StaticJSON"],
        help="""
Sources of the vendor data served to guests (openstack/<version>/
vendor_data.json and vendor_data2.json).

Default: StaticJSON

Possible values:
* StaticJSON: the file named by vendordata_jsonfile_path.
* DynamicJSON: answers of the REST services in vendordata_dynamic_targets.

Related options:
* vendordata_jsonfile_path
* vendordata_dynamic_targets
""",
    ),
    cfg.StrOpt(
        "vendordata_jsonfile_path",
        help="""
JSON file whose content the StaticJSON provider serves as vendor data.

Default: unset (empty vendor data).

Related options:
* vendordata_providers
""",
    ),
    cfg.ListOpt(
        "vendordata_dynamic_targets",
        default=[],
        help="""
REST services the DynamicJSON provider asks for vendor data, as
``name@url`` entries; each answer appears under its name in
vendor_data2.json.

Default: empty

Related options:
* vendordata_providers
""",
    ),
    cfg.IntOpt(
        "metadata_cache_expiration",
        default=15,
        min=0,
        help="""
Seconds the metadata service caches what it serves for one instance.

Default: 15

Possible values:
* 0: no caching.
* A positive integer number of seconds.
""",
    ),
    cfg.BoolOpt(
        "enable_instance_password",
        default=True,
        help="""
Return the generated admin password (``adminPass``) in the responses of
server create, rebuild and rescue.

Default: True
""",
    ),
    cfg.StrOpt(
        "response_validation",
        default="warn",
        choices=[
            ("error", "Answer 500 when a response does not match its schema."),
            ("warn", "Log a warning and send the response as it is."),
            ("ignore", "Do not validate responses."),
        ],
        help="""
What nova-api does when a response body does not match the response schema
of its API call (a bug on our side).

Default: warn
""",
    ),
]


def register_opts(conf):
    """Register the [api] group on ``conf``."""
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)


def list_opts():
    """Return {api_group: [options]} for the config generator."""
    return {api_group: api_opts}
