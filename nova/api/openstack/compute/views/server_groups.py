"""Server group documents of /os-server-groups, by microversion (up to 2.37).

Before 2.64 a group shows ``policies`` (a list of its one policy) and an
always empty ``metadata``; 2.13 adds ``project_id`` and ``user_id``.
``members`` lists only the members that are not deleted.
"""


def server_group(group, with_owner):
    """Return the "server_group" document of ``group`` (objects.InstanceGroup).

    :param with_owner: True from 2.13: add ``project_id`` and ``user_id``.
    """
    body = {
        "id": group.uuid,
        "name": group.name,
        "policies": list(group.policies or []),
        "members": list(group.live_member_hosts()),
        "metadata": {},
    }
    if with_owner:
        body["project_id"] = group.project_id
        body["user_id"] = group.user_id
    return body
