"""Snapshots and backups of an instance on this host (compute RPC 6.4).

nova-api created the image record (queued, see nova.compute.snapshot_meta)
and set task_state image_snapshot or image_backup. Here the driver writes
a standalone copy of the root disk (the guest paused or off while it is
read), and the Glance client uploads it with its disk format:

    image_snapshot | image_backup -> image_pending_upload
        -> image_uploading -> (none)

The server keeps its vm_state. A failed snapshot reverts the task_state,
records a fault and deletes the image it was making (upstream's rule). A
backup then deletes the oldest backups of the server with the same
backup_type beyond ``rotation``.

Copies are written under ``<[DEFAULT] instances_path>/snapshots`` (upstream's
default snapshots directory) and removed once uploaded.
"""

import contextlib
import logging
import os
import tempfile

from nova import conf as nova_conf
from nova import exception
from nova.compute import operation, snapshot_meta, task_states
from nova.notifications import payloads

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Where the copies are written, under [DEFAULT] instances_path.
SNAPSHOTS_DIRECTORY = "snapshots"

#: Images a Glance image with no data yet can be in; only those are deleted
#: when the snapshot that was to fill them fails.
_UNFINISHED = ("queued", "saving", "uploading", "importing")


def snapshot_instance(svc, context, instance, image_id):
    """createImage: upload a copy of the root disk as image ``image_id``.

    :param svc: the host's HostServices.
    :param image_id: the queued Glance image the API created.
    :raises: the driver's or Glance's error, after the revert, the fault
        and the image's deletion.
    """
    with operation.instance_operation(
            svc, context, instance, "createImage",
            payload_cls=payloads.InstanceActionSnapshotPayload,
            snapshot_image_id=image_id) as op:
        upload(svc, context, instance, image_id, op, task_states.IMAGE_PENDING_UPLOAD,
               task_states.IMAGE_UPLOADING)
        op.finish()
    LOG.info("Instance %s snapshotted to image %s", instance.uuid, image_id)


def backup_instance(svc, context, instance, image_id, backup_type, rotation):
    """createBackup: upload the root disk as ``image_id``, then rotate.

    :param backup_type: the backup's type ("daily", "weekly", ...); it
        groups the backups that rotate together.
    :param rotation: how many backups of this server and type to keep,
        newest first (0 keeps none, not even this one, as upstream).
    """
    with operation.instance_operation(
            svc, context, instance, "createBackup",
            payload_cls=payloads.InstanceActionSnapshotPayload,
            snapshot_image_id=image_id) as op:
        upload(svc, context, instance, image_id, op, task_states.IMAGE_PENDING_UPLOAD,
               task_states.IMAGE_UPLOADING)
        # Rotate before the task_state clears: a client that waits for it
        # then sees the backups that remain.
        rotate_backups(svc, context, instance, backup_type, rotation)
        op.finish()
    LOG.info("Instance %s backed up to image %s (%s)", instance.uuid, image_id,
             backup_type)


def upload(svc, context, instance, image_id, op, pending, uploading):
    """Have the driver copy the root disk, then upload it as ``image_id``.

    :param op: the running Operation; its task_state moves to ``pending``
        while the disk is copied and to ``uploading`` during the upload.
    :raises: after deleting the image from Glance when it got no data.
    """
    root = os.path.join(CONF.instances_path, SNAPSHOTS_DIRECTORY)
    os.makedirs(root, exist_ok=True)
    with _deleting_image_on_error(svc, context, image_id), \
            tempfile.TemporaryDirectory(prefix=f"{instance.uuid}-", dir=root) as work:
        op.save(task_state=pending)
        path, disk_format = svc.driver.snapshot(context, instance, work)
        op.save(task_state=uploading)
        svc.image_api.update(context, image_id,
                             {"disk_format": disk_format, "container_format": "bare"},
                             data=path)


@contextlib.contextmanager
def _deleting_image_on_error(svc, context, image_id):
    try:
        yield
    except Exception:
        try:
            if svc.image_api.show(context, image_id)["status"] in _UNFINISHED:
                svc.image_api.delete(context, image_id)
        except exception.ImageNotFound:
            pass
        except Exception:
            LOG.exception("Could not delete image %s of a failed snapshot", image_id)
        raise


def rotate_backups(svc, context, instance, backup_type, rotation):
    """Delete the server's backups of ``backup_type`` beyond the newest ``rotation``.

    :returns: the ids of the deleted images.
    """
    backups = svc.image_api.detail(
        context, sort_key="created_at", sort_dir="desc", instance_uuid=instance.uuid,
        image_type=snapshot_meta.BACKUP, backup_type=backup_type)
    deleted = []
    for image in backups[rotation:]:
        LOG.info("Rotating out backup %s of instance %s", image["id"], instance.uuid)
        try:
            svc.image_api.delete(context, image["id"])
        except exception.ImageNotFound:
            continue
        deleted.append(image["id"])
    return deleted
