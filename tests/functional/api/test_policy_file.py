"""[oslo_policy] through the real pipeline: the operator's file and the legacy defaults.

``GET /os-quota-sets/{project}`` is a reader's call (project_reader_or_admin);
noauth2's X-Roles sets the caller's roles.
"""

import os
import time

import pytest

from nova import policy
from tests.functional.api import client

PATH = "/v2.1/os-quota-sets/p1"


@pytest.fixture
def app(databases, conf_fixture):
    return client.load_api(conf_fixture)


def _get(app, token, roles):
    resp = client.APIClient(app, token=token).get(PATH, headers={"X-Roles": roles})
    return resp.status_int


def test_new_defaults(app):
    assert _get(app, "alice:p1", "reader") == 200
    assert _get(app, "alice:p1", "observer") == 403
    assert _get(app, "bob:p2", "member,reader") == 403
    assert _get(app, "root:p9", "admin") == 200


def test_enforce_new_defaults_false_lets_any_role_of_the_project_read(app, conf_fixture):
    conf_fixture.config(enforce_new_defaults=False, group="oslo_policy")
    policy.reset()
    assert _get(app, "alice:p1", "observer") == 200
    assert _get(app, "bob:p2", "observer") == 403


def test_the_operators_file_overrides_and_is_reread(app, conf_fixture, tmp_path):
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text('"os_compute_api:os-quota-sets:show": "rule:context_is_admin"\n')
    conf_fixture.config(policy_file=str(policy_file), group="oslo_policy")
    policy.reset()
    assert _get(app, "alice:p1", "member,reader") == 403
    assert _get(app, "root:p9", "admin") == 200
    # oslo.policy rereads a file whose modification time changed.
    policy_file.write_text('"project_reader_api": "role:observer and project_id:%(project_id)s"\n')
    later = time.time() + 5
    os.utime(policy_file, (later, later))
    assert _get(app, "alice:p1", "observer") == 200
    assert _get(app, "alice:p1", "member,reader") == 403
