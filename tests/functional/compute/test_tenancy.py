"""Another project's servers: 404 on every route that names one, nothing changes.

The routes come from the API's own route table, so a route added later
is swept too (a write whose body this module does not know fails the
sweep until one is added to ``BODIES``). Each request is also sent by a
reader of the owning project: a read its rule lets readers make answers
200, a write or an administrator's read (diagnostics, migrations) 403, which
shows the route is served at that microversion and that the other
project's 404 is the server being hidden, as upstream does (the look-up
of a non-admin is limited to its project before any policy check).
"""

import re

import pytest

from nova import policies
from nova.api.openstack.compute import removed, routes
from nova.compute import server_actions
from tests.functional.compute import personas
from tests.functional.compute.test_policy_personas import Walk

#: Microversion of the sweep's route requests (tags need 2.26).
VERSION = "2.26"

#: Bodies of the writes, by (method, route template).
BODIES = {
    ("PUT", "/servers/{id}"): {"server": {"name": "renamed"}},
    ("POST", "/servers/{server_id}/metadata"): {"metadata": {"new": "v"}},
    ("PUT", "/servers/{server_id}/metadata"): {"metadata": {"new": "v"}},
    ("PUT", "/servers/{server_id}/metadata/{key}"): {"meta": {"k": "changed"}},
    ("PUT", "/servers/{server_id}/tags"): {"tags": ["new"]},
    ("PUT", "/servers/{server_id}/tags/{tag}"): None,
    ("POST", "/servers/{server_id}/remote-consoles"): {
        "remote_console": {"protocol": "vnc", "type": "novnc"}},
    ("POST", "/servers/{server_id}/migrations/{id}/action"): {"force_complete": None},
}

#: Values of the route templates' other placeholders.
PLACEHOLDERS = {"key": "k", "tag": "t1"}
#: The {id} of sub-resource routes, a value the walk made (or a constant):
#: the reader's control request then names something that is there.
SUB_IDS = {
    "/servers/{server_id}/os-instance-actions/{id}": "{request_id}",
    "/servers/{server_id}/os-interface/{id}": "{port_id}",
    "/servers/{server_id}/ips/{id}": "private",
    "/servers/{server_id}/migrations/{id}": "{migration}",
    "/servers/{server_id}/migrations/{id}/action": "{migration}",
}


def _server_routes():
    """[(method, template)] of every route naming a server, actions apart."""
    table = routes.route_table(lambda: None)
    found = []
    for template, methods in table.items():
        if not template.startswith("/servers/{") or template == "/servers/{id}/action":
            continue
        # Removed APIs answer 410 whoever asks: they name no server of anyone's.
        found.extend((method, template) for method, handler in methods.items()
                     if handler is not removed.gone)
    return sorted(found)


def _template(path):
    return re.sub(r"\{[^}]*\}", "{}", path)


def _readers_reads():
    """{(method, template with bare {}s)} of the GETs whose rule lets a reader
    of the owning project through (upstream's defaults, as the probes say);
    the others are an administrator's (diagnostics, migrations)."""
    who = {probe.rule: probe.who for probe in personas.PROBES}
    reads = set()
    for rule in policies.list_rules():
        if who.get(rule.name) not in (personas.READER, personas.ANY):
            continue
        for operation in getattr(rule, "operations", None) or ():
            reads.add((operation["method"], _template(operation["path"])))
    return reads


def _action_bodies():
    """{action key: (body, microversion)} from the persona walk's probes."""
    bodies = {}
    for probe in personas.PROBES:
        if probe.path.startswith("/v2.1/servers/") and probe.path.endswith("/action"):
            key = next(iter(probe.body))
            bodies.setdefault(key, (probe.body, probe.version))
    for key in server_actions.action_keys():
        # Console protocols share one rule; their bodies differ only in type.
        if key == "os-getSPICEConsole":
            bodies[key] = ({key: {"type": "spice-html5"}}, None)
        elif key == "os-getSerialConsole":
            bodies[key] = ({key: {"type": "serial"}}, None)
    return bodies


def _requests(walk):
    """(label, method, path, body, version, readable) of every request naming
    the owner's server ``walk.values["server"]``; readable: a GET the
    owner's reader may make."""
    server = walk.values["server"]
    values = dict(PLACEHOLDERS, id=server, server_id=server)
    requests = []
    readers = _readers_reads()
    for method, template in _server_routes():
        sub_id = walk._fill(SUB_IDS.get(template, server), "other")
        path = template.format(**dict(values, id=sub_id))
        read = method == "GET"
        if not read and method != "DELETE" and (method, template) not in BODIES:
            pytest.fail(f"add the body of {method} {template} to BODIES")
        requests.append((f"{method} {template}", method, "/v2.1" + path,
                         BODIES.get((method, template)), VERSION,
                         read and (method, _template(template)) in readers))
    bodies = _action_bodies()
    for key in server_actions.action_keys():
        body, version = bodies[key]
        row_version = next(row.min_version for row in server_actions.ROWS if row.key == key)
        requests.append((f"action {key}", "POST", f"/v2.1/servers/{server}/action",
                         walk._fill(body, "other"), version or row_version, False))
    return requests


def _snapshot(walk):
    server = walk.values["server"]
    admin = walk.admin
    shown = admin.get(f"/v2.1/servers/{server}").json()["server"]
    return {
        "server": {key: shown[key] for key in ("name", "status", "OS-EXT-STS:task_state",
                                              "OS-EXT-STS:vm_state", "locked", "metadata",
                                              "updated", "addresses", "security_groups")
                   if key in shown},
        "tags": admin.get(f"/v2.1/servers/{server}/tags", version=VERSION).json(),
        "actions": [action["action"] for action in admin.get(
            f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]],
    }


def test_another_projects_server_is_not_found_on_every_route(nova_cloud):
    walk = Walk(nova_cloud)
    walk.tag("member")
    walk.migration("member")
    before = _snapshot(walk)
    wrong = []
    for label, method, path, body, version, readable in _requests(walk):
        hidden = walk.send("other", method, path, body, version)
        if hidden.status_code != 404 or "itemNotFound" not in hidden.text:
            wrong.append(f"other {label}: {hidden.status_code} {hidden.text[:200]}")
        control = walk.send("reader", method, path, body, version)
        expected = 200 if readable else 403
        if control.status_code != expected and not (readable and 200 <= control.status_code < 300):
            wrong.append(f"reader {label}: expected {expected}, got "
                         f"{control.status_code} {control.text[:200]}")
    assert wrong == [], "\n".join(wrong)
    assert _snapshot(walk) == before


def test_the_sweep_covers_the_server_routes():
    templates = {template for _, template in _server_routes()}
    assert {"/servers/{id}", "/servers/{server_id}/metadata/{key}",
            "/servers/{server_id}/tags/{tag}",
            "/servers/{server_id}/os-instance-actions/{id}",
            "/servers/{server_id}/remote-consoles", "/servers/{server_id}/ips/{id}",
            "/servers/{server_id}/os-interface/{id}",
            "/servers/{server_id}/migrations/{id}/action"} <= templates


def test_all_tenants_is_the_administrators(nova_cloud):
    """api-ref "List Servers": all_tenants needs the get_all_tenants rule
    (403); project_id and tenant_id alone do not widen a user's list."""
    walk = Walk(nova_cloud)
    for persona in ("member", "reader", "manager", "other"):
        _only_own_project_listed(walk, persona)


def _only_own_project_listed(walk, persona):
    for path in ("/v2.1/servers?all_tenants=1", "/v2.1/servers/detail?all_tenants",
                 "/v2.1/servers?all_tenants=true&project_id=other-project"):
        resp = walk.send(persona, "GET", path)
        assert resp.status_code == 403, resp.text
        assert "get_all_tenants to be performed" in resp.json()["forbidden"]["message"]
    own = personas.OTHER_PROJECT if persona == "other" else personas.PROJECT
    for query in ("all_tenants=0", "project_id=admin-project", "tenant_id=admin-project",
                  "project_id=" + (personas.PROJECT if persona == "other"
                                   else personas.OTHER_PROJECT)):
        resp = walk.send(persona, "GET", f"/v2.1/servers/detail?{query}")
        assert resp.status_code == 200, resp.text
        projects = {server["tenant_id"] for server in resp.json()["servers"]}
        assert projects == {own}, query


def test_the_admin_lists_every_project_with_all_tenants(nova_cloud):
    walk = Walk(nova_cloud)
    resp = walk.send("admin", "GET", "/v2.1/servers/detail?all_tenants=1")
    assert resp.status_code == 200, resp.text
    projects = {server["tenant_id"] for server in resp.json()["servers"]}
    assert projects == {personas.PROJECT, personas.ADMIN_PROJECT, personas.OTHER_PROJECT}
    for query in ("", "?project_id=demo-project", "?tenant_id=demo-project"):
        own = walk.send("admin", "GET", "/v2.1/servers/detail" + query).json()["servers"]
        assert {server["tenant_id"] for server in own} == {personas.ADMIN_PROJECT}, query
    for key in ("project_id", "tenant_id"):
        one = walk.send("admin", "GET", f"/v2.1/servers/detail?all_tenants=1&{key}="
                        + personas.OTHER_PROJECT).json()["servers"]
        assert {server["tenant_id"] for server in one} == {personas.OTHER_PROJECT}, key


def test_a_reader_reads_and_cannot_act(nova_cloud):
    walk = Walk(nova_cloud)
    server = walk.values["server"]
    for path, version in ((f"/v2.1/servers/{server}", None),
                          ("/v2.1/servers/detail", None),
                          (f"/v2.1/servers/{server}/metadata", None),
                          (f"/v2.1/servers/{server}/tags", VERSION),
                          (f"/v2.1/servers/{server}/os-instance-actions", None),
                          ("/v2.1/os-server-groups", None),
                          (f"/v2.1/os-quota-sets/{personas.PROJECT}", None)):
        resp = walk.send("reader", "GET", path, version=version)
        assert resp.status_code == 200, (path, resp.text)
    resp = walk.send("reader", "POST", "/v2.1/servers", {"server": {
        "name": "r", "imageRef": personas.images.IMAGE_ID, "flavorRef": "1"}})
    assert resp.status_code == 403, resp.text
    resp = walk.send("reader", "DELETE", f"/v2.1/servers/{server}")
    assert resp.status_code == 403, resp.text
    assert walk.admin.get(f"/v2.1/servers/{server}").status_code == 200
