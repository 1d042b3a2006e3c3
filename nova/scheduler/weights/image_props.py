"""ImagePropertiesWeigher: gather (or spread) instances of like images.

Each instance already on a host adds, for every property of the requested
image it shares (same value, compared as strings), that property's ratio
from [filter_scheduler] image_props_weight_setting (1 for every property
when the setting is empty). A positive multiplier puts instances of like
images together (e.g. the same os_distro, for licensing or page sharing),
a negative one spreads them. An instance's image properties are those
nova recorded in its system metadata at build (image_<name>).
"""

from nova import conf as nova_conf
from nova.objects import image_meta
from nova.scheduler import utils
from nova.scheduler.weights import base, host_instances

CONF = nova_conf.CONF


def _requested_properties(spec_obj):
    image = utils.get_field(spec_obj, "image") or {}
    props = utils.get_field(image, "properties") or {}
    return {name: str(value) for name, value in dict(props).items() if value is not None}


class ImagePropertiesWeigher(base.BaseHostWeigher):
    """Score = sum over the host's instances of the ratios of the requested
    image properties they share ([filter_scheduler] image_props_weight_multiplier)."""

    multiplier_option = "image_props_weight_multiplier"

    def __init__(self):
        self._scores = {}

    def prepare(self, context, host_states, spec_obj):
        wanted = _requested_properties(spec_obj)
        setting = base.parse_weight_setting(
            CONF.filter_scheduler.image_props_weight_setting, "image_props_weight_setting")
        ratios = dict(setting) if setting else dict.fromkeys(wanted, 1.0)
        ratios = {name: ratio for name, ratio in ratios.items() if name in wanted}
        self._scores = {}
        if not ratios:
            return
        found = host_instances.instances_by_host(
            context, host_states, expected_attrs=["system_metadata"])
        for key, instances in found.items():
            score = 0.0
            for instance in instances:
                props = image_meta.ImageMeta.from_instance(instance).properties or {}
                score += sum(ratio for name, ratio in ratios.items()
                             if props.get(name) is not None
                             and str(props[name]) == wanted[name])
            self._scores[key] = score

    def weigh(self, host_state, spec_obj):
        return self._scores.get((host_state.cell_uuid, host_state.host), 0.0)
