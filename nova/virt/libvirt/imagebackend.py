"""Per-instance disks: qcow2 overlays on a cached base image, made with qemu-img."""

import json

from oslo_concurrency import processutils

GiB = 1024 ** 3


def image_info(path):
    """Return ``qemu-img info`` of ``path`` as a dict (format, virtual-size in bytes).

    :raises: processutils.ProcessExecutionError when qemu-img cannot read it.
    """
    out, _err = processutils.execute(
        "qemu-img", "info", "--output=json", "--force-share", path)
    return json.loads(out)


def create_overlay(base_path, overlay_path, size_gb=0, base_format=None):
    """Create a qcow2 overlay backed by ``base_path``.

    :param size_gb: the flavor's root disk in GiB; the overlay grows to it when
        larger than the base image's virtual size (0 keeps the image's size).
    :param base_format: "raw" or "qcow2"; probed with qemu-img when None.
    :returns: the overlay's path.
    """
    if base_format is None:
        base_format = image_info(base_path)["format"]
    processutils.execute(
        "qemu-img", "create", "-f", "qcow2", "-F", base_format, "-b", base_path,
        overlay_path)
    if size_gb:
        virtual_size = image_info(overlay_path)["virtual-size"]
        if size_gb * GiB > virtual_size:
            processutils.execute("qemu-img", "resize", overlay_path, f"{size_gb}G")
    return overlay_path
