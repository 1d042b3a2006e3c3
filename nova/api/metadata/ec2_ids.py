"""EC2-style identifiers of instances and images for the EC2 metadata layout.

Upstream keeps integer ids for images and instances in mapping tables
(s3_images, instance_id_mappings) that this deployment does not have. An
instance's id is its row id in the cell database (unique within a cell, as
upstream's is); an image's id is taken from the first 32 bits of its UUID,
stable for the life of the image though not collision-free across images.
"""

import uuid as uuid_lib


def instance_ec2_id(instance_id):
    """Return "i-" and 8 hex digits of the instance's integer id (42 -> "i-0000002a")."""
    return "i-%08x" % instance_id


def image_ec2_id(image_ref, prefix="ami"):
    """Return ``prefix`` "-" and 8 hex digits for an image reference, or None.

    :param image_ref: a Glance image UUID (other strings are hashed the same
        way through their UUID5) or None/"" for a volume-backed instance.
    :param prefix: "ami" (machine), "aki" (kernel) or "ari" (ramdisk).
    """
    if not image_ref:
        return None
    try:
        value = uuid_lib.UUID(image_ref)
    except ValueError:
        value = uuid_lib.uuid5(uuid_lib.NAMESPACE_URL, image_ref)
    return "%s-%08x" % (prefix, value.int >> 96)
