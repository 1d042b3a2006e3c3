"""Create an image in Glance and upload a file as its data; print its id.

For the quickstart and manual tests against tools/services/glance.sh. Without
Keystone no credentials are needed; with Keystone (quickstart --keystone)
pass a token with --token or OS_AUTH_TOKEN. Runs with nova's python:

    python tools/services/upload_image.py --name cirros \\
        --disk-format qcow2 --property hw_disk_bus=virtio disk.qcow2

With --if-missing an image of the same name that is already active is
reused, so the quickstart can run it on every start.
"""

import argparse
import os
import sys

from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import session as ks_session

from nova import context as nova_context
from nova.image import glance


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="the image data (a disk image, kernel, ramdisk...)")
    parser.add_argument("--url", default="http://127.0.0.1:9292", help="Glance endpoint")
    parser.add_argument("--name", required=True)
    parser.add_argument("--disk-format", default="qcow2",
                        help="raw, qcow2, aki, ari, ami, ... (default qcow2)")
    parser.add_argument("--container-format", default="bare",
                        help="bare, aki, ari, ami, ... (default bare)")
    parser.add_argument("--visibility", default="public")
    parser.add_argument("--min-disk", type=int, default=0, help="GiB")
    parser.add_argument("--min-ram", type=int, default=0, help="MiB")
    parser.add_argument("--property", action="append", default=[], metavar="KEY=VALUE",
                        help="an image property, e.g. kernel_id=<uuid>; repeatable")
    parser.add_argument("--token", default=os.environ.get("OS_AUTH_TOKEN"),
                        help="X-Auth-Token to send (default $OS_AUTH_TOKEN; none without it)")
    parser.add_argument("--if-missing", action="store_true",
                        help="print the id of an active image with this name if one exists")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    properties = {}
    for item in args.property:
        key, sep, value = item.partition("=")
        if not sep:
            sys.exit(f"--property wants KEY=VALUE, not {item!r}")
        properties[key] = value

    images = glance.GlanceImageService(ks_adapter.Adapter(
        ks_session.Session(), service_type="image", endpoint_override=args.url,
        raise_exc=False))
    context = nova_context.get_admin_context()
    context.auth_token = args.token
    if args.if_missing:
        existing = images.detail(context, name=args.name, status="active", limit=1)
        if existing:
            print(existing[0]["id"])
            return 0
    image = images.create(context, {
        "name": args.name,
        "disk_format": args.disk_format,
        "container_format": args.container_format,
        "visibility": args.visibility,
        "min_disk": args.min_disk,
        "min_ram": args.min_ram,
        "properties": properties,
    }, args.file)
    print(image["id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
