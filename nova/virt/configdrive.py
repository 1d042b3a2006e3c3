"""Config drive: the metadata service's OpenStack layout on an ISO 9660 volume.

The volume is labelled ``config-2`` (what cloud-init and the test guest
look for) and holds, for every OpenStack metadata version and for
``latest``, the documents the metadata service serves for that version
(nova.api.metadata.instance_data.InstanceMetadata): ``meta_data.json``,
``user_data`` (when the instance has any), ``vendor_data.json``,
``network_data.json`` and ``vendor_data2.json``, under
``openstack/<version>/``. The password document is left out: it is written
by the guest, which a read-only drive cannot take.

Names are stored with Rock Ridge and Joliet extensions (what guests read);
the plain ISO 9660 names are upper-case stand-ins.
"""

import io
import re

import pycdlib

import nova.conf
from nova.api.metadata import instance_data, versions

CONF = nova.conf.CONF

VOLUME_LABEL = "config-2"

#: Documents the drive carries (the metadata service's password is not one).
_DOCUMENTS = (instance_data.MD_JSON_NAME, instance_data.UD_NAME,
              instance_data.VD_JSON_NAME, instance_data.NW_JSON_NAME,
              instance_data.VD2_JSON_NAME)


def required_by(instance):
    """True when ``instance`` gets a config drive: its config_drive field is
    set (POST /servers ``config_drive``) or [DEFAULT] force_config_drive."""
    if CONF.force_config_drive:
        return True
    # The API stores "True" (or "" for none), as upstream.
    value = getattr(instance, "config_drive", None)
    return str(value or "").lower() in ("true", "1", "yes", "t", "y")


def drive_files(metadata):
    """{path on the drive: bytes} for one instance.

    :param metadata: an InstanceMetadata (with the instance's network_info).
    """
    files = {}
    for version in (*versions.OPENSTACK_VERSIONS, versions.LATEST):
        concrete = versions.resolve(version, versions.OPENSTACK_VERSIONS)
        for name in metadata.openstack_listing(concrete):
            if name not in _DOCUMENTS:
                continue
            data, _content_type = metadata.lookup(f"openstack/{version}/{name}")
            files[f"openstack/{version}/{name}"] = (
                data if isinstance(data, bytes) else str(data).encode("utf-8"))
    return files


def _iso_name(name, is_file):
    """An ISO 9660 (level 4) stand-in for a Rock Ridge name."""
    base = re.sub(r"[^A-Z0-9_.]", "_", name.upper())
    if not is_file:
        return base.replace(".", "_")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    return f"{stem.replace('.', '_')}.{ext};1"


def write_iso(path, files):
    """Write ``files`` ({relative path: bytes}) as a config-2 ISO 9660 volume at ``path``."""
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=4, joliet=3, rock_ridge="1.09", vol_ident=VOLUME_LABEL)
    made = set()
    try:
        for rel in sorted(files):
            parts = rel.split("/")
            for depth in range(1, len(parts)):
                directory = "/".join(parts[:depth])
                if directory in made:
                    continue
                made.add(directory)
                iso.add_directory(
                    iso_path="/" + "/".join(_iso_name(p, False) for p in parts[:depth]),
                    rr_name=parts[depth - 1], joliet_path="/" + directory)
            data = files[rel]
            iso_path = "/" + "/".join([*(_iso_name(p, False) for p in parts[:-1]),
                                       _iso_name(parts[-1], True)])
            iso.add_fp(io.BytesIO(data), len(data), iso_path,
                       rr_name=parts[-1], joliet_path="/" + rel)
        iso.write(path)
    finally:
        iso.close()


def make_drive(path, instance, network_info=None):
    """Build the config drive of ``instance`` at ``path``.

    :param instance: an Instance with metadata, system_metadata, keypairs
        and flavor loadable (what the metadata service reads).
    :param network_info: list of VIF dicts for network_data.json.
    """
    metadata = instance_data.InstanceMetadata(instance, network_info=network_info)
    write_iso(path, drive_files(metadata))
