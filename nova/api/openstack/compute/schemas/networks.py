"""Body schemas of /os-networks (api-ref "Networks (os-networks) (DEPRECATED)")."""

from nova.api.validation import parameter_types

create = {
    "type": "object",
    "properties": {
        "network": {
            "type": "object",
            "properties": {
                "label": {"type": "string", "minLength": 1, "maxLength": 255},
                "cidr": {"type": "string", "minLength": 1, "maxLength": 43},
                "bridge": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,15}$"},
                "bridge_interface": {"type": "string", "maxLength": 15},
                "gateway": parameter_types.ipv4,
                "dhcp_start": parameter_types.ipv4,
                "dhcp_server": parameter_types.ipv4,
                "dns1": parameter_types.ip_address,
                "dns2": parameter_types.ip_address,
                "mtu": {"type": "integer", "minimum": 68, "maximum": 65535},
                "vlan": {"type": ["integer", "null"], "minimum": 1, "maximum": 4094},
                "project_id": {"type": ["string", "null"], "maxLength": 255},
                "enable_dhcp": parameter_types.boolean,
                "share_address": parameter_types.boolean,
                "multi_host": parameter_types.boolean,
                # Accepted as upstream and ignored: no IPv6, no VPN here.
                "cidr_v6": {"type": ["string", "null"]},
                "gateway_v6": {"type": ["string", "null"]},
                "allowed_start": {"type": "string"},
                "allowed_end": {"type": "string"},
                "fixed_cidr": {"type": "string"},
                "priority": {"type": ["integer", "string", "null"]},
                "vpn_start": {"type": ["integer", "string", "null"]},
            },
            "required": ["label", "cidr"],
            "additionalProperties": False,
        },
    },
    "required": ["network"],
    "additionalProperties": False,
}

add = {
    "type": "object",
    "properties": {
        "id": {"type": ["string", "null"]},
    },
    "additionalProperties": False,
}

disassociate = {
    "type": "object",
    "properties": {
        "disassociate": {"type": "null"},
    },
    "required": ["disassociate"],
    "additionalProperties": False,
}
