"""Request schemas of /servers/{server_id}/tags (api-ref "Server tags", 2.26)."""

from nova.objects import tag as tag_obj

#: One tag: 1-60 characters, neither "/" nor "," (upstream's rule).
tag = {
    "type": "string",
    "minLength": 1,
    "maxLength": tag_obj.MAX_TAG_LENGTH,
    "pattern": "^[^,/]*$",
}

#: PUT .../tags: {"tags": [tag, ...]}, at most 50 tags.
update_all = {
    "type": "object",
    "properties": {
        "tags": {"type": "array", "items": tag, "maxItems": tag_obj.MAX_TAG_COUNT},
    },
    "required": ["tags"],
    "additionalProperties": False,
}

#: PUT .../tags/{tag} takes no body.
update = {"type": "null"}
