"""IsolatedHostsFilter: some images build only on some hosts.

[filter_scheduler] isolated_images build only on isolated_hosts. With
restrict_isolated_hosts_to_isolated_images (the default) the isolated hosts
take nothing else; without it they take any image. Requests without an
image (boot from volume) count as not isolated.
"""

from nova import conf as nova_conf
from nova.scheduler import utils
from nova.scheduler.filters import base

CONF = nova_conf.CONF


class IsolatedHostsFilter(base.BaseHostFilter):
    """Keep isolated images on isolated hosts (and, by default, only them there)."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        restrict = CONF.filter_scheduler.restrict_isolated_hosts_to_isolated_images
        isolated_images = CONF.filter_scheduler.isolated_images
        host_isolated = host_state.host in CONF.filter_scheduler.isolated_hosts
        if not isolated_images:
            # Nothing to place on the isolated hosts: keep them free only
            # when they are reserved for (no) isolated images.
            return not (restrict and host_isolated)
        image = utils.get_field(spec_obj, "image")
        image_id = utils.get_field(image, "id") if image else None
        image_isolated = image_id is not None and image_id in isolated_images
        if restrict:
            return image_isolated == host_isolated
        return host_isolated or not image_isolated
