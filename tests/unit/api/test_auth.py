"""Context filters: noauth2 and the keystone context."""

import json

import pytest
import webob

from nova.api.openstack import auth, wsgi


def _capture():
    seen = {}

    def app(environ, start_response):
        seen["context"] = environ[wsgi.ENV_CONTEXT]
        return webob.Response(status=200)(environ, start_response)
    return seen, app


def _call(filter_cls, headers, environ=None):
    seen, app = _capture()
    req = webob.Request.blank("/v2.1/servers", headers=headers, environ=environ or {})
    resp = req.get_response(filter_cls(app))
    return resp, seen.get("context")


def test_noauth_token_names_user_and_project(api_conf):
    resp, ctx = _call(auth.NoAuthMiddleware, {"X-Auth-Token": "alice:p1"},
                      {"openstack.request_id": "req-1"})
    assert resp.status_int == 200
    assert (ctx.user_id, ctx.project_id) == ("alice", "p1")
    assert sorted(ctx.roles) == ["member", "reader"]
    assert ctx.is_admin is False
    assert ctx.request_id == "req-1"


def test_noauth_admin_user_is_admin(api_conf):
    _, ctx = _call(auth.NoAuthMiddleware, {"X-Auth-Token": "admin:p1"})
    assert ctx.is_admin is True
    assert "admin" in ctx.roles and "member" in ctx.roles


@pytest.mark.parametrize("header, roles, is_admin", [
    ("reader", ["reader"], False),
    ("Manager, member,reader", ["manager", "member", "reader"], False),
    ("admin,member,reader", ["admin", "member", "reader"], True),
    ("", [], False),
])
def test_noauth_x_roles_replace_the_default_roles(api_conf, header, roles, is_admin):
    # Even the "admin" user holds only the roles X-Roles names.
    _, ctx = _call(auth.NoAuthMiddleware, {"X-Auth-Token": "admin:p1", "X-Roles": header})
    assert ctx.roles == roles
    assert ctx.is_admin is is_admin


def test_noauth_token_without_colon_is_user_and_project(api_conf):
    _, ctx = _call(auth.NoAuthMiddleware, {"X-Auth-Token": "bob"})
    assert (ctx.user_id, ctx.project_id) == ("bob", "bob")


def test_noauth_without_token_answers_the_handshake(api_conf):
    resp, ctx = _call(auth.NoAuthMiddleware, {"X-Auth-User": "carol", "X-Auth-Project-Id": "p9"})
    assert ctx is None
    assert resp.status_int == 204
    assert resp.headers["X-Auth-Token"] == "carol:p9"
    assert resp.headers["X-Server-Management-Url"].endswith("/")


def test_remote_address_from_forwarded_for_only_when_enabled(api_conf):
    headers = {"X-Auth-Token": "a:b", "X-Forwarded-For": "203.0.113.9"}
    _, ctx = _call(auth.NoAuthMiddleware, headers, {"REMOTE_ADDR": "10.0.0.1"})
    assert ctx.remote_address == "10.0.0.1"
    api_conf.config(use_forwarded_for=True, group="api")
    _, ctx = _call(auth.NoAuthMiddleware, headers, {"REMOTE_ADDR": "10.0.0.1"})
    assert ctx.remote_address == "203.0.113.9"


def test_keystone_context_reads_auth_token_headers(api_conf):
    catalog = [{"type": "image", "endpoints": []}, {"type": "identity", "endpoints": []}]
    headers = {
        "X-User-Id": "u-1", "X-User-Name": "alice", "X-Project-Id": "p-1",
        "X-Project-Name": "demo", "X-Roles": "member, reader",
        "X-Service-Catalog": json.dumps(catalog),
    }
    resp, ctx = _call(auth.NovaKeystoneContext, headers,
                      {"openstack.request_id": "req-2", "keystone.token_auth": "plugin"})
    assert resp.status_int == 200
    assert (ctx.user_id, ctx.project_id) == ("u-1", "p-1")
    assert ctx.user_name == "alice" and ctx.project_name == "demo"
    assert ctx.roles == ["member", "reader"]
    assert ctx.is_admin is False
    assert ctx.service_catalog == [{"type": "image", "endpoints": []}]
    assert ctx.user_auth_plugin == "plugin"
    assert ctx.request_id == "req-2"


def test_keystone_context_accepts_the_old_header_names(api_conf):
    _, ctx = _call(auth.NovaKeystoneContext,
                   {"X-User": "u-2", "X-Tenant-Id": "p-2", "X-Roles": "admin"})
    assert (ctx.user_id, ctx.project_id, ctx.is_admin) == ("u-2", "p-2", True)


def test_keystone_context_without_user_is_unauthorized(api_conf):
    seen, app = _capture()
    req = webob.Request.blank("/v2.1/servers", headers={"X-Project-Id": "p"})
    with pytest.raises(webob.exc.HTTPUnauthorized):
        req.get_response(auth.NovaKeystoneContext(app))
    assert "context" not in seen


def test_is_admin_follows_the_context_is_admin_rule(api_conf, tmp_path):
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text('"context_is_admin": "role:cloud_admin"\n')
    api_conf.config(policy_file=str(policy_file), group="oslo_policy")
    _, ctx = _call(auth.NoAuthMiddleware, {"X-Auth-Token": "admin:p1"})
    assert ctx.is_admin is False
    _, ctx = _call(auth.NoAuthMiddleware, {"X-Auth-Token": "u:p1", "X-Roles": "cloud_admin"})
    assert ctx.is_admin is True
    _, ctx = _call(auth.NovaKeystoneContext,
                   {"X-User-Id": "u-2", "X-Project-Id": "p-2", "X-Roles": "admin"})
    assert ctx.is_admin is False
