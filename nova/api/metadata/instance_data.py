"""What the metadata service tells one instance, in both layouts.

``InstanceMetadata`` wraps an Instance (loaded with metadata,
system_metadata, keypairs and flavor) and answers ``lookup(path)`` for the
paths below the service root, following upstream's tree:

* ``/openstack``: the OpenStack versions; ``/openstack/<v>``: the
  documents of that version; ``/openstack/<v>/meta_data.json``,
  ``user_data``, ``password``, ``vendor_data.json``,
  ``network_data.json``, ``vendor_data2.json``.
* ``/<ec2 version>/``: ``meta-data`` (a tree of text leaves) and
  ``user-data``.

What is not stored here (networks, block device tags, CPU pinning) is served
empty, in the shapes upstream uses for an instance without them.
"""

import base64
import binascii
import json
import os
import posixpath

from oslo_log import log as logging

import nova.conf
from nova.api.metadata import ec2_ids, password, vendordata, versions
from nova.virt import netutils

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

TEXT_PLAIN = "text/plain"
APPLICATION_JSON = "application/json"

MD_JSON_NAME = "meta_data.json"
UD_NAME = "user_data"
PASS_NAME = "password"
VD_JSON_NAME = "vendor_data.json"
NW_JSON_NAME = "network_data.json"
VD2_JSON_NAME = "vendor_data2.json"

#: Marker returned by ``lookup`` for the password document, which the
#: handler serves itself because a guest may also POST to it.
PASSWORD = object()

#: Size of meta_data.json's random_seed before base64, in bytes (upstream's).
RANDOM_SEED_BYTES = 512


class InvalidMetadataPath(LookupError):
    """The path names no document for this instance (HTTP 404)."""


def decode_user_data(user_data):
    """Return the raw bytes of an instance's user_data (base64 text), or None.

    :param user_data: the Instance field: base64 text or None.
    """
    if user_data is None:
        return None
    try:
        return base64.b64decode(user_data)
    except (binascii.Error, ValueError):
        LOG.warning("Instance user_data is not base64; serving none")
        return None


def render(data):
    """Turn a lookup result into the text a guest sees (upstream's EC2 printing).

    A dict lists its keys sorted, one per line, sub-trees with a trailing
    "/" (or their ``_name`` when they carry one, as public-keys entries do);
    a list is one item per line; bytes and str are returned unchanged;
    anything else is str().
    """
    if isinstance(data, dict):
        lines = []
        for key in sorted(data):
            if key == "_name":
                continue
            value = data[key]
            if isinstance(value, dict):
                lines.append(str(value["_name"]) if "_name" in value else key + "/")
            else:
                lines.append(key)
        return "\n".join(lines)
    if isinstance(data, list):
        return "\n".join(data)
    if isinstance(data, (bytes, str)):
        return data
    return str(data)


def find_path_in_tree(data, path_tokens):
    """Walk ``data`` (nested dicts) along ``path_tokens``; return what is there.

    :raises KeyError: a token names nothing.
    """
    for token in path_tokens:
        if not isinstance(data, dict) or token not in data:
            raise KeyError("/".join(path_tokens))
        data = data[token]
    return data


class InstanceMetadata:
    """The metadata of one instance.

    :param instance: an Instance with metadata, system_metadata, keypairs
        and flavor loaded (lazy loading works too, at one query each).
    :param address: the guest's address as the proxy reported it
        (X-Forwarded-For), or None; served as EC2's local-ipv4.
    :param conf: ConfigOpts with [api] and [DEFAULT] availability zone options.
    :param network_info: the instance's network_info (list of VIF dicts)
        for network_data.json, or None for an instance without networks.
    """

    def __init__(self, instance, address=None, conf=CONF, network_info=None):
        self.instance = instance
        self.network_info = network_info or []
        self.uuid = instance.uuid
        self.address = address
        self._conf = conf
        self.user_data = decode_user_data(instance.user_data)
        self.password = password.extract_password(instance.system_metadata or {})

    # -- facts ---------------------------------------------------------------

    @property
    def hostname(self):
        """The instance's hostname with "." [api] dhcp_domain appended when set."""
        hostname = self.instance.hostname or ""
        domain = self._conf.api.dhcp_domain
        return f"{hostname}.{domain}" if domain else hostname

    @property
    def availability_zone(self):
        """The instance's zone; a scheduled instance with none is in the default zone."""
        if self.instance.availability_zone:
            return self.instance.availability_zone
        if self.instance.host:
            return self._conf.default_availability_zone
        return None

    def _keypair(self):
        """The instance's first key pair, or None (upstream serves only one)."""
        if not self.instance.key_name:
            return None
        keypairs = self.instance.keypairs
        return keypairs[0] if keypairs else None

    # -- OpenStack layout ------------------------------------------------------

    def meta_data_json(self, version):
        """The meta_data.json dict for a concrete OpenStack ``version``."""
        instance = self.instance
        metadata = {"uuid": self.uuid}
        if instance.metadata:
            metadata["meta"] = dict(instance.metadata)
        keypair = self._keypair()
        if keypair is not None:
            metadata["public_keys"] = {keypair.name: keypair.public_key}
            metadata["keys"] = [{"name": keypair.name, "type": keypair.type,
                                 "data": keypair.public_key}]
        metadata["hostname"] = self.hostname
        metadata["name"] = instance.display_name
        metadata["launch_index"] = instance.launch_index
        metadata["availability_zone"] = self.availability_zone
        if versions.at_least(version, versions.GRIZZLY):
            metadata["random_seed"] = base64.b64encode(
                os.urandom(RANDOM_SEED_BYTES)).decode("ascii")
        if versions.at_least(version, versions.LIBERTY):
            metadata["project_id"] = instance.project_id
        if versions.at_least(version, versions.NEWTON_ONE):
            # Tagged devices need block device and port tags we do not keep.
            metadata["devices"] = []
        if versions.at_least(version, versions.VICTORIA):
            # No CPU pinning here, so no dedicated CPUs.
            metadata["dedicated_cpus"] = []
        return metadata

    def network_data_json(self):
        """network_data.json of the instance's network_info (empty lists without one)."""
        return netutils.get_network_metadata(self.network_info)

    def openstack_listing(self, version):
        """The documents of ``version`` a guest may fetch, in upstream's order."""
        names = [MD_JSON_NAME]
        if self.user_data is not None:
            names.append(UD_NAME)
        if versions.at_least(version, versions.GRIZZLY):
            names.append(PASS_NAME)
        if versions.at_least(version, versions.HAVANA):
            names.append(VD_JSON_NAME)
        if versions.at_least(version, versions.LIBERTY):
            names.append(NW_JSON_NAME)
        if versions.at_least(version, versions.NEWTON_TWO):
            names.append(VD2_JSON_NAME)
        return names

    def _openstack_item(self, tokens):
        """Return (data, content type) for /openstack/<tokens...>.

        :raises KeyError: unknown version or document.
        """
        version = versions.resolve(tokens[0], versions.OPENSTACK_VERSIONS)
        if version is None:
            raise KeyError(tokens[0])
        if len(tokens) == 1:
            return self.openstack_listing(version), TEXT_PLAIN
        name = "/".join(tokens[1:])
        if name not in self.openstack_listing(version):
            raise KeyError(name)
        if name == MD_JSON_NAME:
            return _json(self.meta_data_json(version))
        if name == UD_NAME:
            return self.user_data, TEXT_PLAIN
        if name == PASS_NAME:
            return PASSWORD, TEXT_PLAIN
        if name == VD_JSON_NAME:
            return _json(vendordata.vendor_data(self._conf))
        if name == NW_JSON_NAME:
            return _json(self.network_data_json())
        return _json(vendordata.vendor_data2(self._conf))

    # -- EC2 layout ------------------------------------------------------------

    def ec2_metadata(self, version):
        """The EC2 tree ({"meta-data": {...}, "user-data": bytes}) of ``version``.

        Leaves are str (or int); a dict is a directory. Keys appear with the
        version that introduced them, as upstream.
        """
        instance = self.instance
        hostname = self.hostname
        meta_data = {
            "ami-id": ec2_ids.image_ec2_id(instance.image_ref) or "",
            "ami-launch-index": instance.launch_index,
            # Upstream's value for images that did not come from S3 manifests.
            "ami-manifest-path": "FIXME",
            "instance-id": ec2_ids.instance_ec2_id(instance.id),
            "hostname": hostname,
            "local-ipv4": self.address or "",
            "reservation-id": instance.reservation_id or "",
            # Security groups belong to Neutron, which this deployment lacks.
            "security-groups": "",
        }
        if instance.key_name:
            meta_data["public-keys"] = {
                "0": {"_name": "0=" + instance.key_name,
                      "openssh-key": instance.key_data or ""}}
        if versions.at_least(version, "2007-01-19"):
            meta_data["local-hostname"] = hostname
            meta_data["public-hostname"] = hostname
            meta_data["public-ipv4"] = ""
        if versions.at_least(version, "2007-08-29"):
            meta_data["instance-type"] = instance.flavor.name
        if versions.at_least(version, "2007-12-15"):
            root = instance.root_device_name or "/dev/vda"
            meta_data["block-device-mapping"] = {
                "ami": root[len("/dev/"):] if root.startswith("/dev/") else root,
                "root": root}
            if instance.kernel_id:
                meta_data["kernel-id"] = ec2_ids.image_ec2_id(instance.kernel_id, "aki")
            if instance.ramdisk_id:
                meta_data["ramdisk-id"] = ec2_ids.image_ec2_id(instance.ramdisk_id, "ari")
        if versions.at_least(version, "2008-02-01"):
            meta_data["placement"] = {"availability-zone": self.availability_zone or ""}
        if versions.at_least(version, "2009-04-04"):
            meta_data["instance-action"] = "none"
        data = {"meta-data": meta_data}
        if self.user_data is not None:
            data["user-data"] = self.user_data
        return data

    def _ec2_item(self, tokens):
        version = versions.resolve(tokens[0], versions.EC2_VERSIONS)
        if version is None:
            raise KeyError(tokens[0])
        return find_path_in_tree(self.ec2_metadata(version), tokens[1:]), TEXT_PLAIN

    # -- dispatch --------------------------------------------------------------

    def lookup(self, path):
        """Return (data, content type) for ``path`` below the service root.

        ``data`` is bytes, str, a list or dict (see ``render``), or the
        PASSWORD marker. "/" and a trailing "/" are tolerated; "/openstack"
        lists the OpenStack versions and an EC2 version "/<v>" lists its
        tree, as upstream.

        :raises InvalidMetadataPath: nothing at ``path``.
        """
        path = posixpath.normpath("/" + path.lstrip("/"))
        tokens = [t for t in path.split("/") if t]
        if not tokens:
            return versions.listing(versions.EC2_VERSIONS), TEXT_PLAIN
        if tokens == ["openstack"]:
            return versions.listing(versions.OPENSTACK_VERSIONS), TEXT_PLAIN
        try:
            if tokens[0] == "openstack":
                data, content_type = self._openstack_item(tokens[1:])
            else:
                if tokens[0] == "ec2":
                    tokens = tokens[1:]
                data, content_type = self._ec2_item(tokens) if tokens else (
                    versions.listing(versions.EC2_VERSIONS), TEXT_PLAIN)
        except KeyError as e:
            raise InvalidMetadataPath(path) from e
        if data is None:
            raise InvalidMetadataPath(path)
        return data, content_type


def _json(value):
    return json.dumps(value).encode("utf-8"), APPLICATION_JSON
