"""The metadata of images made from a server: snapshots, backups, shelved snapshots.

nova-api creates the image record (queued, so the API can answer its id
at once) with what upstream puts there; nova-compute later sets the disk
and container formats with the data. A snapshot boots like the server it
came from: it inherits the properties of the server's image (kept in its
system metadata as ``image_<name>``), including kernel_id, ramdisk_id and
os_command_line of a direct-kernel-boot image, and records where it came
from (upstream's properties):

* ``image_type``: "snapshot" (createImage, shelve) or "backup";
* ``instance_uuid``, ``user_id`` (who made it), ``base_image_ref`` (the
  server's image);
* ``backup_type`` for backups;
* ``owner``: the server's project; visibility private.

A shelve records its snapshot in the server's system metadata
(``SHELVED_KEYS``); ``delete_shelved_image`` deletes it when the server is
unshelved or deleted, in nova-api and nova-compute alike.
"""

import logging

from nova import exception
from nova.compute import vm_states

LOG = logging.getLogger(__name__)

#: System metadata prefix of the server's image properties.
_PREFIX = "image_"

#: Image attributes kept in system metadata that are not properties.
_ATTRIBUTES = ("min_ram", "min_disk", "disk_format", "container_format")

#: Properties a snapshot never inherits (upstream's list): they describe the
#: base image's data (signatures, caching), not the snapshot's.
NON_INHERITABLE = (
    "cache_in_nova", "bittorrent", "img_signature_hash_method", "img_signature",
    "img_signature_key_type", "img_signature_certificate_uuid",
    "base_image_ref", "image_type", "instance_uuid", "user_id", "backup_type",
)

SNAPSHOT = "snapshot"
BACKUP = "backup"

#: System metadata a shelve records (upstream's keys): when, which
#: snapshot, and on which host the server was shelved.
SHELVED_KEYS = ("shelved_at", "shelved_image_id", "shelved_host")


def image_meta(context, instance, name, image_type=SNAPSHOT, extra_properties=None):
    """Return the metadata of a new image of ``instance`` (for image_api.create).

    :param context: the request's context (its user is ``user_id``).
    :param instance: the Instance, with system_metadata.
    :param name: the image's name.
    :param image_type: SNAPSHOT or BACKUP.
    :param extra_properties: properties from the request (createImage's
        and createBackup's ``metadata``, backup_type); they win over
        inherited ones.
    :returns: {"name", "visibility", "owner", "min_ram", "min_disk",
        "properties": {...}} without disk_format/container_format (the
        data may be in another format than the base image).
    """
    sysmeta = instance.system_metadata or {}
    properties = {}
    attributes = {}
    for key, value in sysmeta.items():
        if not key.startswith(_PREFIX) or value is None:
            continue
        field = key[len(_PREFIX):]
        if field in _ATTRIBUTES:
            attributes[field] = value
        elif field not in NON_INHERITABLE:
            properties[field] = value
    # The kernel and ramdisk the server boots now (a rebuild may have changed them).
    for field in ("kernel_id", "ramdisk_id"):
        if getattr(instance, field, None):
            properties[field] = getattr(instance, field)
    properties.update({
        "image_type": image_type,
        "instance_uuid": instance.uuid,
        "user_id": context.user_id,
        "base_image_ref": instance.image_ref,
    })
    properties.update(extra_properties or {})
    meta = {
        "name": name,
        "visibility": "private",
        "owner": instance.project_id,
        "properties": properties,
    }
    for field in ("min_ram", "min_disk"):
        if attributes.get(field) not in (None, ""):
            meta[field] = int(attributes[field])
    return meta


def shelved_image_name(instance):
    """The name upstream gives a shelved server's snapshot: "<name>-shelved"."""
    return f"{instance.display_name}-shelved"


def without_shelved_keys(sysmeta):
    """Return a copy of system metadata without the shelve's entries."""
    return {key: value for key, value in sysmeta.items() if key not in SHELVED_KEYS}


def delete_shelved_image(image_api, context, instance, image_id=None):
    """Delete the snapshot a shelve left in Glance for ``instance``, if any.

    Called when the server is unshelved or deleted, so the snapshot does
    not outlive it (upstream's rule). Never raises: an image that is gone
    already is fine, one that cannot be deleted is logged.

    :param image_id: the snapshot's id; read from the instance's
        ``shelved_image_id`` system metadata when None.
    :returns: the deleted image's id, or None.
    """
    if image_id is None:
        if instance.vm_state not in (vm_states.SHELVED, vm_states.SHELVED_OFFLOADED):
            return None  # only a shelved server has one (and no load is needed)
        image_id = (instance.system_metadata or {}).get("shelved_image_id")
    if not image_id:
        return None
    try:
        image_api.delete(context, image_id)
    except exception.ImageNotFound:
        pass
    except Exception:
        LOG.exception("Could not delete the shelved snapshot %s of instance %s",
                      image_id, instance.uuid)
        return None
    return image_id
