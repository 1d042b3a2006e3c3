"""ImageMeta: the Glance image properties the scheduler and virt drivers read.

A lighter cousin of upstream's ImageMeta: the top-level image attributes
are typed fields and ``properties`` (hw_*, os_*, img_* ...) is a dict of
strings instead of a typed object.
"""

from oslo_utils import timeutils

from nova.objects import base, fields

#: Top-level Glance attributes kept (the rest of an image dict is dropped).
_SIMPLE_FIELDS = ("id", "name", "status", "visibility", "checksum", "owner",
                  "container_format", "disk_format")
_INT_FIELDS = ("size", "virtual_size", "min_ram", "min_disk")

#: system_metadata key prefix under which an instance keeps its image's data.
SYSTEM_METADATA_PREFIX = "image_"


@base.NovaObjectRegistry.register
class ImageMeta(base.NovaObject):
    """An image's metadata: sizes in bytes (size, virtual_size), MiB (min_ram), GiB (min_disk)."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.UUIDField(),
        "name": fields.StringField(),
        "status": fields.StringField(),
        "visibility": fields.StringField(),
        "checksum": fields.StringField(),
        "owner": fields.StringField(),
        "size": fields.IntegerField(),
        "virtual_size": fields.IntegerField(),
        "container_format": fields.StringField(),
        "disk_format": fields.StringField(),
        "created_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
        "tags": fields.ListOfStringsField(),
        "min_ram": fields.IntegerField(),
        "min_disk": fields.IntegerField(),
        "properties": fields.DictOfNullableStringsField(),
    }

    @classmethod
    def from_dict(cls, image_meta):
        """Build from a Glance v2 image dict (or a dict with a ``properties`` key).

        Unknown top-level keys of a v2 image are custom properties; they go
        to ``properties`` as strings. None values are skipped.

        :param image_meta: dict, possibly empty (booting from a volume).
        """
        image_meta = dict(image_meta or {})
        meta = cls()
        properties = {}
        for key, value in (image_meta.pop("properties", None) or {}).items():
            properties[key] = None if value is None else str(value)
        for key, value in image_meta.items():
            if value is None:
                continue
            if key in _SIMPLE_FIELDS:
                setattr(meta, key, str(value))
            elif key in _INT_FIELDS:
                setattr(meta, key, int(value))
            elif key in ("created_at", "updated_at"):
                if isinstance(value, str):
                    value = timeutils.parse_isotime(value)
                setattr(meta, key, value)
            elif key == "tags":
                meta.tags = [str(t) for t in value]
            elif key in ("file", "schema", "self", "locations", "direct_url", "protected",
                         "os_hidden", "os_hash_algo", "os_hash_value", "stores"):
                continue
            else:
                properties[key] = str(value)
        meta.properties = properties
        meta.obj_reset_changes()
        return meta

    @classmethod
    def from_image_ref(cls, context, image_api, image_ref):
        """Fetch ``image_ref`` with ``image_api.get(context, ref)`` and build from it."""
        return cls.from_dict(image_api.get(context, image_ref))

    @classmethod
    def from_instance(cls, instance):
        """Rebuild the image metadata an instance booted with from its system_metadata.

        :param instance: an Instance with ``image_ref`` and ``system_metadata``
            (keys ``image_<name>``, as compute stores them at build).
        """
        data = {}
        properties = {}
        for key, value in (instance.system_metadata or {}).items():
            if not key.startswith(SYSTEM_METADATA_PREFIX):
                continue
            name = key[len(SYSTEM_METADATA_PREFIX):]
            if name in _SIMPLE_FIELDS or name in _INT_FIELDS:
                data[name] = value
            else:
                properties[name] = value
        if instance.image_ref:
            data.setdefault("id", instance.image_ref)
        data["properties"] = properties
        return cls.from_dict(data)

    def to_dict(self):
        """Return the metadata as a Glance-like image dict (what drivers receive)."""
        image = {name: getattr(self, name) for name in self.fields
                 if self.obj_attr_is_set(name) and name != "properties"}
        image["properties"] = dict(self.get("properties") or {})
        return image

    def get(self, name, default=None):
        """Return field ``name`` if set, else ``default`` (dict-like access)."""
        return getattr(self, name) if self.obj_attr_is_set(name) else default

    def get_property(self, name, default=None):
        """Return image property ``name`` (str), or ``default`` if absent."""
        if not self.obj_attr_is_set("properties"):
            return default
        return self.properties.get(name, default)
