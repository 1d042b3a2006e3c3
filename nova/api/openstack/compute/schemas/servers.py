"""Request schemas of /servers (api-ref "Servers"), per microversion range."""

import copy

from nova.api.openstack.compute.schemas import server_tags
from nova.api.openstack.compute.views import servers as server_views
from nova.api.validation import parameter_types

_network = {
    "type": "object",
    "properties": {
        "fixed_ip": parameter_types.ip_address,
        "port": {"oneOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]},
        "uuid": {"type": "string"},
    },
    "additionalProperties": False,
}

#: One entry of block_device_mapping_v2 (api-ref "Create Server"). Only the
#: image-as-local-root-disk entry is acted on (see servers.py); the schema
#: still names every field so clients that send them get a clear answer.
_block_device_mapping_v2 = {
    "type": "object",
    "properties": {
        "source_type": {"type": "string", "enum": ["volume", "image", "snapshot", "blank"]},
        "destination_type": {"type": "string", "enum": ["local", "volume"]},
        "uuid": {"type": "string", "minLength": 1, "maxLength": 255},
        "boot_index": {"type": ["integer", "string", "null"]},
        "volume_size": {"type": ["integer", "string", "null"]},
        "device_name": {"type": ["string", "null"]},
        "device_type": {"type": ["string", "null"]},
        "disk_bus": {"type": ["string", "null"]},
        "guest_format": {"type": ["string", "null"]},
        "delete_on_termination": parameter_types.boolean,
        "no_device": {},
        "snapshot_id": {"type": "string"},
        "volume_id": {"type": "string"},
    },
    "additionalProperties": False,
}

_server_base = {
    "type": "object",
    "properties": {
        "name": parameter_types.name,
        "imageRef": parameter_types.image_ref,
        "flavorRef": parameter_types.flavor_ref,
        "adminPass": parameter_types.admin_password,
        "metadata": parameter_types.metadata,
        "networks": {"type": "array", "items": _network},
        "block_device_mapping_v2": {"type": "array", "items": _block_device_mapping_v2},
        "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
        "accessIPv4": parameter_types.ipv4,
        "accessIPv6": parameter_types.ipv6,
        "availability_zone": {"type": "string", "minLength": 1, "maxLength": 255},
        "key_name": parameter_types.name_with_leading_trailing_spaces,
        "user_data": {"type": "string", "maxLength": 65535},
        "min_count": parameter_types.positive_integer,
        "max_count": parameter_types.positive_integer,
        "return_reservation_id": parameter_types.boolean,
        "config_drive": parameter_types.boolean,
        "security_groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string", "minLength": 1}},
                "additionalProperties": False,
            },
        },
        "personality": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "contents": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    },
    "required": ["name", "flavorRef"],
    "additionalProperties": False,
}

#: Scheduler hints (api-ref "Create Server", os:scheduler_hints): ``group``
#: a server group uuid; ``same_host`` / ``different_host`` one server uuid or
#: a list; ``query`` a JsonFilter query (JSON text or the object itself);
#: ``build_near_host_ip`` an IP address with ``cidr`` a prefix like "/24".
#: Other hints pass through for out-of-tree filters, as upstream.
_hints = {
    "type": "object",
    "properties": {
        "group": parameter_types.uuid,
        "same_host": {"oneOf": [parameter_types.uuid,
                                {"type": "array", "items": parameter_types.uuid}]},
        "different_host": {"oneOf": [parameter_types.uuid,
                                     {"type": "array", "items": parameter_types.uuid}]},
        "query": {"type": ["string", "object", "array"]},
        "build_near_host_ip": parameter_types.ip_address,
        "cidr": {"type": "string", "pattern": "^/[0-9a-fA-F.:]+$"},
    },
    "additionalProperties": True,
}


def _create(server):
    return {
        "type": "object",
        "properties": {
            "server": server,
            "os:scheduler_hints": _hints,
            "OS-SCH-HNT:scheduler_hints": _hints,
        },
        "required": ["server"],
        "additionalProperties": False,
    }


#: 2.1 - 2.18
create = _create(_server_base)

_server_v219 = copy.deepcopy(_server_base)
_server_v219["properties"]["description"] = parameter_types.description
#: 2.19 - 2.36: a description of up to 255 characters.
create_v219 = _create(_server_v219)

_server_v237 = copy.deepcopy(_server_v219)
_server_v237["properties"]["networks"] = {
    "oneOf": [
        {"type": "array", "items": _network},
        {"type": "string", "enum": ["none", "auto"]},
    ]
}
_server_v237["required"] = ["name", "flavorRef", "networks"]
#: 2.37: networks is required: a list, "auto" or "none".
create_v237 = _create(_server_v237)

#: A device tag (2.42): no comma or slash, as upstream.
_device_tag = {"type": "string", "minLength": 1, "maxLength": 60, "pattern": "^[^,/]*$"}

_server_v242 = copy.deepcopy(_server_v237)
_server_v242["properties"]["networks"]["oneOf"][0]["items"]["properties"]["tag"] = \
    _device_tag
_server_v242["properties"]["block_device_mapping_v2"]["items"]["properties"]["tag"] = \
    _device_tag
#: 2.42 - 2.51: networks and block devices may carry a ``tag`` again.
create_v242 = _create(_server_v242)

_server_v252 = copy.deepcopy(_server_v242)
_server_v252["properties"]["tags"] = copy.deepcopy(server_tags.update_all["properties"]["tags"])
#: 2.52 - 2.56: ``tags`` (as PUT .../tags takes them) at create.
create_v252 = _create(_server_v252)

_server_v257 = copy.deepcopy(_server_v252)
del _server_v257["properties"]["personality"]
#: 2.57 - 2.62: ``personality`` is gone (400 when sent).
create_v257 = _create(_server_v257)

_server_v263 = copy.deepcopy(_server_v257)
_server_v263["properties"]["trusted_image_certificates"] = {
    "type": ["array", "null"], "minItems": 1, "maxItems": 50, "uniqueItems": True,
    "items": {"type": "string", "minLength": 1}}
#: 2.63 - 2.73: ``trusted_image_certificates`` (1-50 certificate ids or null).
create_v263 = _create(_server_v263)

_server_v274 = copy.deepcopy(_server_v263)
_server_v274["properties"].update({"host": parameter_types.hostname,
                                   "hypervisor_hostname": parameter_types.hostname})
#: 2.74 - 2.89: ``host`` / ``hypervisor_hostname`` (administrators) ask for a
#: destination the scheduler still filters.
create_v274 = _create(_server_v274)

#: A hostname of 2.90 - 2.93: one DNS label.
hostname_v290 = {"type": "string", "minLength": 1, "maxLength": 63,
                 "pattern": "^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$"}
#: A hostname from 2.94: a FQDN of up to 255 characters.
hostname_v294 = parameter_types.hostname

_server_v290 = copy.deepcopy(_server_v274)
_server_v290["properties"]["hostname"] = hostname_v290
#: 2.90 - 2.93: ``hostname`` (one DNS label).
create_v290 = _create(_server_v290)

_server_v294 = copy.deepcopy(_server_v274)
_server_v294["properties"]["hostname"] = hostname_v294
#: 2.94+: ``hostname`` may be a FQDN.
create_v294 = _create(_server_v294)

_filter = parameter_types.multi_params({"type": "string"})

#: Query parameters of GET /servers and /servers/detail; unknown ones are
#: allowed (upstream ignores them).
query_params = {
    "type": "object",
    "properties": {
        "name": _filter,
        "status": _filter,
        "image": _filter,
        "flavor": _filter,
        "host": _filter,
        "node": _filter,
        "reservation_id": _filter,
        "changes-since": parameter_types.multi_params({"type": "string", "format": "date-time"}),
        "all_tenants": _filter,
        "project_id": _filter,
        "tenant_id": _filter,
        "user_id": _filter,
        "deleted": parameter_types.multi_params(parameter_types.boolean),
        "availability_zone": _filter,
        "limit": parameter_types.multi_params(parameter_types.non_negative_integer),
        "marker": _filter,
        "sort_key": _filter,
        "sort_dir": parameter_types.multi_params({"type": "string", "enum": ["asc", "desc"]}),
    },
    "additionalProperties": True,
}

#: From 2.26: the tag filters, each a comma-separated list of tags (a
#: server matches tags when it has all, tags-any when it has one, not-tags
#: when it lacks one, not-tags-any when it has none). Before 2.26 they are
#: ignored like any unknown parameter.
query_params_v226 = copy.deepcopy(query_params)
query_params_v226["properties"].update({
    "tags": _filter,
    "tags-any": _filter,
    "not-tags": _filter,
    "not-tags-any": _filter,
})

#: From 2.38: an unknown ``status`` is refused (400) rather than matching
#: nothing; statuses are compared without regard to case, as upstream.
query_params_v238 = copy.deepcopy(query_params_v226)
query_params_v238["properties"]["status"] = parameter_types.multi_params({
    "type": "string",
    "pattern": "^(?i:" + "|".join(server_views.API_STATUSES) + ")$"})

#: From 2.66: ``changes-before`` (before 2.66 an unknown parameter, ignored).
query_params_v266 = copy.deepcopy(query_params_v238)
query_params_v266["properties"]["changes-before"] = parameter_types.multi_params(
    {"type": "string", "format": "date-time"})

#: From 2.73: ``locked`` (a boolean) filters by lock state.
query_params_v273 = copy.deepcopy(query_params_v266)
query_params_v273["properties"]["locked"] = parameter_types.multi_params(
    parameter_types.boolean)

#: From 2.83: ``vm_state`` and ``task_state``, which users may pass from then
#: on (the other 2.83 user filters are not filters of this tree yet).
query_params_v283 = copy.deepcopy(query_params_v273)
query_params_v283["properties"].update({"vm_state": _filter, "task_state": _filter})

_length = {"oneOf": [{"type": "integer", "minimum": -1},
                     {"type": "string", "pattern": "^-?[0-9]+$"},
                     {"type": "null"}]}

#: os-getConsoleOutput action body.
get_console_output = {
    "type": "object",
    "properties": {
        "os-getConsoleOutput": {
            "type": "object",
            "properties": {"length": _length},
            "additionalProperties": False,
        },
    },
    "required": ["os-getConsoleOutput"],
    "additionalProperties": False,
}

#: PUT /servers/{id} (2.1-2.18): name, IPs, disk config.
update = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "accessIPv4": parameter_types.ipv4,
                "accessIPv6": parameter_types.ipv6,
                "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
            },
            "additionalProperties": False,
        },
    },
    "required": ["server"],
    "additionalProperties": False,
}

#: PUT /servers/{id} from 2.19: and a description (null clears it).
update_v219 = copy.deepcopy(update)
update_v219["properties"]["server"]["properties"]["description"] = \
    parameter_types.description

_update_v290 = copy.deepcopy(update_v219)
_update_v290["properties"]["server"]["properties"]["hostname"] = hostname_v290
#: PUT /servers/{id} 2.90 - 2.93: and a hostname (one DNS label).
update_v290 = _update_v290

update_v294 = copy.deepcopy(update_v219)
update_v294["properties"]["server"]["properties"]["hostname"] = hostname_v294
#: PUT /servers/{id} 2.94 - 2.103: the hostname may be a FQDN.

update_v2104 = copy.deepcopy(update_v294)
update_v2104["properties"]["server"]["properties"]["pinned_availability_zone"] = {
    "type": ["string", "null"], "minLength": 1, "maxLength": 255}
#: PUT /servers/{id} from 2.104: set (a zone name) or clear (null) the
#: server's pinned_availability_zone.
