"""Request schemas of /servers/{server_id}/metadata (api-ref "Server metadata").

Keys are 1-255 characters of letters, digits and ``-_:. ``; values are
strings of at most 255 characters (``parameter_types.metadata``).
"""

import copy

from nova.api.validation import parameter_types

#: POST (merge) and PUT (replace all) .../metadata: {"metadata": {key: value}}.
metadata_all = {
    "type": "object",
    "properties": {"metadata": parameter_types.metadata},
    "required": ["metadata"],
    "additionalProperties": False,
}

_one_item = copy.deepcopy(parameter_types.metadata)
_one_item["minProperties"] = 1
_one_item["maxProperties"] = 1

#: PUT .../metadata/{key}: {"meta": {key: value}}, exactly one item.
metadata_item = {
    "type": "object",
    "properties": {"meta": _one_item},
    "required": ["meta"],
    "additionalProperties": False,
}
