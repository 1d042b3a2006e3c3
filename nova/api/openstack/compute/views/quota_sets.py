"""Bodies of os-quota-sets and os-quota-class-sets, by microversion.

Field names are upstream's; they differ from nova.quota's resource names
in one place (``injected_file_path_bytes`` is the resource
``injected_file_path_length``). The nova-network fields are shown as
unlimited and unused, because nothing here counts or enforces them
(upstream does the same since nova-network's quotas went): in quota sets
until 2.35, in quota class sets until 2.49. Quota class sets show
``server_groups``/``server_group_members`` only from 2.50. From 2.57
neither shows the injected file fields.
"""

#: Field in the body -> nova.quota resource.
FIELDS = {
    "instances": "instances",
    "cores": "cores",
    "ram": "ram",
    "metadata_items": "metadata_items",
    "injected_files": "injected_files",
    "injected_file_content_bytes": "injected_file_content_bytes",
    "injected_file_path_bytes": "injected_file_path_length",
    "key_pairs": "key_pairs",
    "server_groups": "server_groups",
    "server_group_members": "server_group_members",
}

#: nova-network fields (always -1, never enforced).
NETWORK_FIELDS = ("fixed_ips", "floating_ips", "security_groups", "security_group_rules")

#: Fields quota class sets leave out before 2.50.
SERVER_GROUP_FIELDS = ("server_groups", "server_group_members")

#: Fields both bodies leave out from 2.57 (personality is gone).
INJECTED_FILE_FIELDS = ("injected_files", "injected_file_content_bytes",
                        "injected_file_path_bytes")


def fields(req, kind):
    """Return the fields of a ``kind`` ("quota_set" or "quota_class_set") body.

    :returns: tuple of (field names with a resource, network field names).
    """
    with_network = req.api_version_request.matches(
        max_version="2.35" if kind == "quota_set" else "2.49")
    names = tuple(FIELDS)
    if kind == "quota_class_set" and not req.api_version_request.matches("2.50"):
        names = tuple(name for name in names if name not in SERVER_GROUP_FIELDS)
    if req.api_version_request.matches("2.57"):
        names = tuple(name for name in names if name not in INJECTED_FILE_FIELDS)
    return names, NETWORK_FIELDS if with_network else ()


def limits(req, kind, values, body_id=None):
    """Return {kind: {field: limit, ..., "id"?}}.

    :param values: {resource: limit} (-1 unlimited) from nova.quota.
    :param body_id: the project or class name; None leaves ``id`` out
        (the answers of PUT have none, as upstream).
    """
    names, network = fields(req, kind)
    body = {name: values[FIELDS[name]] for name in names}
    body.update({name: -1 for name in network})
    if body_id is not None:
        body["id"] = body_id
    return {kind: body}


def detail(req, body_id, values, usage):
    """Return {"quota_set": {field: {"limit", "in_use", "reserved"}, "id"}}.

    :param usage: {resource: amount used}; missing resources are unused.
        Nothing is reserved since usage is counted (``reserved`` is 0).
    """
    names, network = fields(req, "quota_set")
    body = {name: {"limit": values[FIELDS[name]], "in_use": usage.get(FIELDS[name], 0),
                   "reserved": 0} for name in names}
    body.update({name: {"limit": -1, "in_use": 0, "reserved": 0} for name in network})
    body["id"] = body_id
    return {"quota_set": body}
