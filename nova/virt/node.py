"""A compute node's identity: one UUID kept on local disk across restarts.

The UUID names the compute_nodes row and the Placement resource provider. It
lives in ``<state_path>/compute_id`` (a file holding only the UUID, as
upstream), so renaming the host or rebuilding the database does not turn one
hypervisor into two providers.
"""

import os
import tempfile

from oslo_utils import uuidutils

COMPUTE_ID_FILE = "compute_id"


def read_or_create_node_uuid(state_path):
    """Return this host's node UUID, creating ``<state_path>/compute_id`` once.

    :param state_path: directory for nova's local state ([DEFAULT] state_path).
    :returns: the UUID string.
    :raises: OSError when the directory cannot be created or written.
    """
    path = os.path.join(state_path, COMPUTE_ID_FILE)
    try:
        with open(path, encoding="ascii") as handle:
            node_uuid = handle.read().strip()
        if uuidutils.is_uuid_like(node_uuid):
            return node_uuid
    except FileNotFoundError:
        pass
    os.makedirs(state_path, exist_ok=True)
    node_uuid = uuidutils.generate_uuid()
    # Write then rename, so a crash never leaves a half-written identity.
    fd, tmp = tempfile.mkstemp(dir=state_path, prefix=".compute_id.")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(node_uuid + "\n")
    os.replace(tmp, path)
    return node_uuid
