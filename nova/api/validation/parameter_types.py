"""Schema fragments shared by the resource schemas (JSON Schema draft 4).

Names and accepted values follow upstream's API: for example ``boolean``
takes the strings old clients send ("true", "1", "yes"...) besides JSON
booleans. Copy a fragment with ``dict(...)``/``copy.deepcopy`` before
changing it in a schema module.
"""

import copy

_TRUE = ["True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t"]
_FALSE = ["False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f"]

boolean = {
    "type": ["boolean", "string"],
    "enum": [True, *_TRUE, False, *_FALSE],
}

none = {"enum": ["None", None, {}]}

positive_integer = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": 1,
    "minLength": 1,
}

non_negative_integer = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": 0,
    "minLength": 1,
}

uuid = {"type": "string", "format": "uuid"}

#: A resource name: 1-255 printable characters, no leading/trailing spaces.
name = {"type": "string", "minLength": 1, "maxLength": 255, "format": "name"}

#: Names upstream accepted with surrounding spaces (key pairs, for example).
name_with_leading_trailing_spaces = {
    "type": "string",
    "minLength": 1,
    "maxLength": 255,
    "format": "name_with_leading_trailing_spaces",
}

description = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}

hostname = {
    "type": "string",
    "minLength": 1,
    "maxLength": 255,
    "pattern": "^[a-zA-Z0-9-._]*$",
}

tcp_udp_port = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": 0,
    "maximum": 65535,
    "minLength": 1,
}

ipv4 = {"type": "string", "format": "ipv4"}
ipv6 = {"type": "string", "format": "ipv6"}
ip_address = {"oneOf": [ipv4, ipv6]}
cidr = {"type": "string", "format": "cidr"}

#: Server/flavor metadata: string keys of 1-255 characters, string values.
metadata = {
    "type": "object",
    "patternProperties": {
        "^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255},
    },
    "additionalProperties": False,
}

flavor_ref = {"type": ["string", "integer"], "minLength": 1}

image_ref = {"type": "string"}

admin_password = {"type": "string"}

#: ISO 8601 timestamp (query filters such as changes-since).
date_time = {"type": "string", "format": "date-time"}


def single_param(schema):
    """Return a query-parameter schema taking ``schema`` exactly once.

    Query strings are validated as lists (``?limit=5`` is ``["5"]``).
    """
    return {"type": "array", "minItems": 1, "maxItems": 1, "items": copy.deepcopy(schema)}


def multi_params(schema):
    """Return a query-parameter schema taking ``schema`` one or more times."""
    return {"type": "array", "minItems": 1, "items": copy.deepcopy(schema)}


#: ``limit`` and ``marker`` of paginated collections.
pagination_parameters = {
    "limit": multi_params(non_negative_integer),
    "marker": multi_params({"type": "string"}),
}
