"""Glance images downloaded once per compute host, then shared by every guest.

Base files live in ``<instances_path>/_base/<sha1 of image id>``. A download
goes to a temporary name first (the image client renames it into place once
the checksum matches), and concurrent spawns of the same image wait on one
lock, so each image crosses the network once per host.
"""

import hashlib
import os
import threading

from oslo_concurrency import lockutils


class ImageCache:
    """Fetches images into the base directory.

    :param base_dir: directory for base images (created on demand).
    :param image_api: an object with ``download(context, image_id, dst_path)``
        that streams the image to ``dst_path`` and verifies its checksum
        (nova.image.glance.API).
    """

    def __init__(self, base_dir, image_api):
        self.base_dir = base_dir
        self._image_api = image_api
        self._locks = lockutils.Semaphores()
        self._guard = threading.Lock()

    def path_for(self, image_id):
        """Return where the base file of ``image_id`` lives (it may not exist yet)."""
        digest = hashlib.sha1(image_id.encode(), usedforsecurity=False).hexdigest()
        return os.path.join(self.base_dir, digest)

    def fetch(self, context, image_id):
        """Return the path of the cached image, downloading it the first time.

        :raises: whatever the image API raises (ImageNotFound, checksum errors);
            nothing is left in the cache then.
        """
        path = self.path_for(image_id)
        if os.path.exists(path):
            return path
        os.makedirs(self.base_dir, exist_ok=True)
        with lockutils.internal_lock(path, semaphores=self._locks):
            if not os.path.exists(path):
                self._image_api.download(context, image_id, path)
                # qemu runs as an unprivileged user on most hosts.
                os.chmod(path, 0o644)
        return path
