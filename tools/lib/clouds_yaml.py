"""Write one cloud into a clouds.yaml, keeping every other cloud in the file.

Used by tools/quickstart.sh; runs with nova's python (PyYAML)::

    python tools/lib/clouds_yaml.py FILE CLOUD --compute URL --image URL \\
        --placement URL [--token admin:admin]
    python tools/lib/clouds_yaml.py FILE CLOUD --auth-url URL --username NAME \\
        --project NAME   # password from $OS_PASSWORD
    python tools/lib/clouds_yaml.py FILE CLOUD --remove

With --auth-url the cloud is a Keystone one (quickstart --keystone): the
``password`` plugin, the Default domain, endpoints from the catalog.

Without it the cloud needs no Keystone: keystoneauth1's ``admin_token`` plugin sends the
fixed token as ``X-Auth-Token`` and answers every endpoint look-up with its
own ``endpoint`` (the compute URL); the per-service ``*_endpoint_override``
keys make openstacksdk (and so the ``openstack`` CLI) send image and
placement requests to their own services. nova-api's ``noauth2`` reads the
token as ``user:project``; ``admin:admin`` is the admin user.

The file is rewritten atomically (temporary file + rename) with mode 0600
when new; an existing file keeps its mode.
"""

import argparse
import os
import sys
import tempfile

import yaml


def cloud_entry(compute, image, placement, token):
    """Return the clouds.yaml mapping (dict) of one Keystone-less cloud.

    :param compute: Compute API URL including /v2.1
    :param image: Glance URL (no version)
    :param placement: Placement URL
    :param token: the X-Auth-Token to send, ``user:project``
    """
    return {
        "auth_type": "admin_token",
        "auth": {"endpoint": compute, "token": token},
        "compute_endpoint_override": compute,
        "image_endpoint_override": image,
        "placement_endpoint_override": placement,
        "identity_api_version": "3",
        "identity_endpoint_override": compute,
        "region_name": "RegionOne",
        "interface": "public",
    }


def keystone_cloud_entry(auth_url, username, password, project):
    """Return the clouds.yaml mapping (dict) of a cloud behind Keystone.

    :param auth_url: Keystone's URL (with or without /v3)
    :param username: a user of the Default domain
    :param password: the user's password (written in clear: the file is 0600)
    :param project: the project (Default domain) the token is scoped to
    """
    return {
        "auth": {
            "auth_url": auth_url,
            "username": username,
            "password": password,
            "project_name": project,
            "user_domain_name": "Default",
            "project_domain_name": "Default",
        },
        "identity_api_version": "3",
        "region_name": "RegionOne",
        "interface": "public",
    }


def update(path, cloud, entry):
    """Set clouds[cloud] to ``entry`` in the YAML file ``path`` (None removes it).

    :raises ValueError: the file exists but is not a mapping.
    """
    data = {}
    mode = 0o600
    if os.path.exists(path):
        with open(path) as f:
            data = yaml.safe_load(f) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path} does not hold a YAML mapping")
        mode = os.stat(path).st_mode & 0o777
    clouds = data.setdefault("clouds", {}) or {}
    data["clouds"] = clouds
    if entry is None:
        clouds.pop(cloud, None)
    else:
        clouds[cloud] = entry
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".clouds.yaml.")
    try:
        with os.fdopen(fd, "w") as f:
            yaml.safe_dump(data, f, default_flow_style=False, sort_keys=False)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("cloud")
    parser.add_argument("--compute")
    parser.add_argument("--image")
    parser.add_argument("--placement")
    parser.add_argument("--token", default="admin:admin")
    parser.add_argument("--auth-url")
    parser.add_argument("--username")
    parser.add_argument("--project")
    parser.add_argument("--remove", action="store_true")
    args = parser.parse_args(argv)
    if args.remove:
        entry = None
    elif args.auth_url:
        password = os.environ.get("OS_PASSWORD")
        if not (args.username and args.project and password):
            parser.error("--auth-url needs --username, --project and $OS_PASSWORD")
        entry = keystone_cloud_entry(args.auth_url, args.username, password, args.project)
    else:
        if not (args.compute and args.image and args.placement):
            parser.error("--compute, --image and --placement are required")
        entry = cloud_entry(args.compute, args.image, args.placement, args.token)
    try:
        update(args.file, args.cloud, entry)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"clouds_yaml: cannot update {args.file}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
