"""Fill a bootstrapped Keystone with what the quickstart's cloud needs.

Runs with nova's python (keystoneauth1), as the admin that ``keystone-manage
bootstrap`` made (tools/services/keystone.sh)::

    KEYSTONE_ADMIN_PASSWORD=... KEYSTONE_DEMO_PASSWORD=... \\
    KEYSTONE_SERVICE_PASSWORD=... python tools/services/keystone_setup.py \\
        --auth-url http://127.0.0.1:5000/v3 \\
        --endpoint compute=http://127.0.0.1:8774/v2.1 \\
        --endpoint image=http://127.0.0.1:9292 \\
        --endpoint placement=http://127.0.0.1:8778

Creates, each only when missing (so it runs on every start):

* the project ``service`` with the users ``nova``, ``placement`` and
  ``glance`` (password KEYSTONE_SERVICE_PASSWORD), each holding the roles
  ``admin`` (Placement's and nova's admin APIs) and ``service`` (what
  keystonemiddleware's service tokens and Keystone's validate-token rule
  ask for);
* the project ``demo`` with the user ``demo`` (KEYSTONE_DEMO_PASSWORD)
  holding ``member`` and ``reader``: an ordinary user;
* one catalog service per --endpoint (types compute, image, placement are
  named nova, glance, placement) with a public and an internal endpoint in
  --region; an endpoint whose URL changed is updated.

An existing user whose password does not work is given the one passed, so
the passwords file the quickstart keeps is always the truth. Exits 1 with Keystone's answer when a
request fails.
"""

import argparse
import os
import sys

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

SERVICE_NAMES = {"compute": "nova", "image": "glance", "placement": "placement"}
SERVICE_USERS = ("nova", "placement", "glance")
SERVICE_ROLES = ("admin", "service")
DEMO_ROLES = ("member", "reader")
INTERFACES = ("public", "internal")


class Identity:
    """The few Keystone v3 calls this script needs, as the admin."""

    def __init__(self, auth_url, admin_password):
        auth = v3.Password(auth_url=auth_url, username="admin", password=admin_password,
                           project_name="admin", user_domain_id="default",
                           project_domain_id="default")
        self.session = ks_session.Session(auth=auth)
        self.base = auth_url.rstrip("/")

    def call(self, method, path, body=None, ok=(200, 201, 204)):
        resp = self.session.request(self.base + path, method, json=body, raise_exc=False)
        if resp.status_code not in ok:
            raise RuntimeError(f"{method} {path}: {resp.status_code} {resp.text[:300]}")
        return resp.json() if resp.content else {}

    def find(self, collection, **filters):
        """Return the first entity of /v3/<collection> matching ``filters``, or None."""
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        found = self.call("GET", f"/{collection}?{query}")[collection]
        return found[0] if found else None

    def ensure(self, collection, singular, body, **filters):
        entity = self.find(collection, **filters)
        if entity is None:
            entity = self.call("POST", f"/{collection}", {singular: body})[singular]
        return entity

    def ensure_user(self, name, password, project):
        user = self.find("users", name=name, domain_id="default")
        if user is None:
            return self.call("POST", "/users", {"user": {
                "name": name, "password": password, "domain_id": "default",
                "default_project_id": project["id"]}})["user"]
        if not self.password_works(user, password):
            # Changing a password revokes the user's tokens: only when needed.
            self.call("PATCH", f"/users/{user['id']}", {"user": {"password": password}})
        return user

    def password_works(self, user, password):
        """True when ``password`` gets ``user`` an (unscoped) token."""
        body = {"auth": {"identity": {"methods": ["password"], "password": {
            "user": {"id": user["id"], "password": password}}}}}
        resp = self.session.post(self.base + "/auth/tokens", json=body,
                                 authenticated=False, raise_exc=False)
        return resp.status_code == 201

    def grant(self, project, user, role_name):
        role = self.find("roles", name=role_name)
        if role is None:
            raise RuntimeError(f"Keystone has no role {role_name!r}; was it bootstrapped?")
        self.call("PUT", f"/projects/{project['id']}/users/{user['id']}/roles/{role['id']}")

    def ensure_endpoints(self, service_type, url, region):
        service = self.ensure("services", "service",
                              {"type": service_type,
                               "name": SERVICE_NAMES.get(service_type, service_type)},
                              type=service_type)
        for interface in INTERFACES:
            endpoint = self.find("endpoints", service_id=service["id"], interface=interface)
            if endpoint is None:
                self.call("POST", "/endpoints", {"endpoint": {
                    "service_id": service["id"], "interface": interface, "url": url,
                    "region_id": region}})
            elif endpoint["url"] != url:
                self.call("PATCH", f"/endpoints/{endpoint['id']}",
                          {"endpoint": {"url": url}})


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auth-url", required=True, help="Keystone's /v3 URL")
    parser.add_argument("--region", default="RegionOne")
    parser.add_argument("--endpoint", action="append", default=[], metavar="TYPE=URL",
                        help="a catalog entry, e.g. compute=http://127.0.0.1:8774/v2.1")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        passwords = {name: os.environ[f"KEYSTONE_{name.upper()}_PASSWORD"]
                     for name in ("admin", "demo", "service")}
    except KeyError as exc:
        sys.exit(f"keystone_setup: set {exc.args[0]}")
    identity = Identity(args.auth_url, passwords["admin"])
    try:
        service_project = identity.ensure("projects", "project",
                                          {"name": "service", "domain_id": "default"},
                                          name="service", domain_id="default")
        for name in SERVICE_USERS:
            user = identity.ensure_user(name, passwords["service"], service_project)
            for role in SERVICE_ROLES:
                identity.grant(service_project, user, role)
        demo_project = identity.ensure("projects", "project",
                                       {"name": "demo", "domain_id": "default"},
                                       name="demo", domain_id="default")
        demo = identity.ensure_user("demo", passwords["demo"], demo_project)
        for role in DEMO_ROLES:
            identity.grant(demo_project, demo, role)
        for item in args.endpoint:
            service_type, sep, url = item.partition("=")
            if not sep:
                sys.exit(f"keystone_setup: --endpoint wants TYPE=URL, not {item!r}")
            identity.ensure_endpoints(service_type, url, args.region)
    except (RuntimeError, ks_exc.ClientException) as exc:
        print(f"keystone_setup: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
