"""Server group documents of /os-server-groups, by microversion.

Before 2.64 a group shows ``policies`` (a list of its one policy) and an
always empty ``metadata``; 2.13 adds ``project_id`` and ``user_id``; 2.64
replaces ``policies`` and ``metadata`` with ``policy`` and ``rules``.
``members`` lists only the members that are not deleted. The fields are
the table ``FIELDS`` of (field, since, until, getter).
"""


def _rules(group):
    # Stored as strings; the API shows max_server_per_host as an integer.
    return {key: int(value) if key == "max_server_per_host" else value
            for key, value in (group.rules or {}).items()}


FIELDS = (
    ("id", "2.1", None, lambda g: g.uuid),
    ("name", "2.1", None, lambda g: g.name),
    ("policies", "2.1", "2.63", lambda g: list(g.policies or [])),
    ("members", "2.1", None, lambda g: list(g.live_member_hosts())),
    ("metadata", "2.1", "2.63", lambda g: {}),
    ("project_id", "2.13", None, lambda g: g.project_id),
    ("user_id", "2.13", None, lambda g: g.user_id),
    ("policy", "2.64", None, lambda g: g.policy),
    ("rules", "2.64", None, _rules),
)


def server_group(group, version):
    """Return the "server_group" document of ``group`` (objects.InstanceGroup).

    :param version: the request's APIVersionRequest.
    """
    return {name: getter(group) for name, since, until, getter in FIELDS
            if version.matches(since, until)}
