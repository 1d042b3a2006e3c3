"""The instance password a guest agent may post once (openstack/<version>/password).

Upstream's format: the guest (e.g. cloud-init or cloudbase-init) POSTs its
administrator password, encrypted with the instance's SSH key, as the
request body; it is kept in system metadata as up to four 255-character
chunks ``password_0`` .. ``password_3``, and ``nova get-password`` reads it.
"""

CHUNKS = 4
CHUNK_LENGTH = 255
#: Largest password body accepted, in characters (bytes of ASCII text).
MAX_SIZE = CHUNKS * CHUNK_LENGTH


def _key(index):
    return f"password_{index}"


def extract_password(system_metadata):
    """Return the stored password text ("" when none) from a system metadata dict."""
    return "".join(system_metadata.get(_key(i)) or "" for i in range(CHUNKS))


def password_chunks(password):
    """Return the system metadata items that store ``password`` (str, <= MAX_SIZE).

    Every chunk key is present, the unused ones empty, so that a new
    password replaces an old longer one completely.

    :raises ValueError: longer than MAX_SIZE.
    """
    if len(password) > MAX_SIZE:
        raise ValueError(f"password longer than {MAX_SIZE} characters")
    return {_key(i): password[i * CHUNK_LENGTH:(i + 1) * CHUNK_LENGTH]
            for i in range(CHUNKS)}
