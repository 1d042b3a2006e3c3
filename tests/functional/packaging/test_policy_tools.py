"""oslo.policy's command-line tools through nova's entry points.

``oslopolicy-sample-generator --namespace nova`` reads the
``oslo.policy.policies`` entry point (nova.policies:list_rules);
``oslopolicy-policy-generator --namespace nova`` the ``oslo.policy.enforcer``
one (nova.policy:get_enforcer), which reads nova.conf as the services do;
``oslopolicy-checker`` then evaluates that effective policy for a token.

The tools run in processes of their own with this tree first on
PYTHONPATH. The entry points are the ones setup.cfg declares: when the
installed distribution's metadata predates one of them (an editable
install made before it was added), the test lays the declared ones in a
dist-info directory of its own so the tools find them, as an install
would.
"""

import configparser
import json
import os
import pathlib
import subprocess
import sys
from importlib import metadata

import yaml

from nova import policies

TREE = pathlib.Path(__file__).resolve().parents[3]
BIN = pathlib.Path(sys.executable).parent
GROUPS = ("oslo.policy.policies", "oslo.policy.enforcer")


def _declared_entry_points():
    """{group: {name: value}} of setup.cfg's oslo.policy entry points."""
    parser = configparser.ConfigParser()
    parser.read(TREE / "setup.cfg")
    declared = {}
    for group in GROUPS:
        lines = parser["options.entry_points"][group].strip().splitlines()
        declared[group] = dict(
            (part.strip() for part in line.split("=", 1)) for line in lines)
    return declared


def _environment(tmp_path):
    """The tools' environment: this tree, the entry points, a private HOME."""
    declared = _declared_entry_points()
    assert declared["oslo.policy.enforcer"]["nova"] == "nova.policy:get_enforcer"
    assert declared["oslo.policy.policies"]["nova"] == "nova.policies:list_rules"
    paths = [str(TREE)]
    missing = {group: entries for group, entries in declared.items()
               if not any(ep.name == "nova" for ep in metadata.entry_points(group=group))}
    if missing:
        site = tmp_path / "site"
        info = site / "nova_policy_entry_points-0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: nova-policy-entry-points\nVersion: 0\n")
        (info / "entry_points.txt").write_text("".join(
            f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in entries.items())
            for group, entries in missing.items()))
        paths.append(str(site))
    home = tmp_path / "home"
    (home / ".nova").mkdir(parents=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths), HOME=str(home))
    return env, home / ".nova" / "nova.conf"


def _run(env, tool, *args, cwd):
    result = subprocess.run([str(BIN / tool), *args], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sample_generator_lists_every_rule(tmp_path):
    env, _ = _environment(tmp_path)
    out = _run(env, "oslopolicy-sample-generator", "--namespace", "nova", cwd=tmp_path)
    for rule in policies.list_rules():
        assert f'#"{rule.name}": "{rule.check_str}"' in out, rule.name
    assert "# POST  /servers/{server_id}/action (os-stop)" in out
    assert "Intended scope(s): project" in out


def test_sample_generator_config_file(tmp_path):
    env, _ = _environment(tmp_path)
    conf = (TREE / "etc/nova/nova-policy-generator.conf").read_text()
    assert "namespace = nova" in conf
    (tmp_path / "etc/nova").mkdir(parents=True)
    _run(env, "oslopolicy-sample-generator", "--config-file",
         str(TREE / "etc/nova/nova-policy-generator.conf"), cwd=tmp_path)
    sample = (tmp_path / "etc/nova/policy.yaml.sample").read_text()
    assert '#"os_compute_api:servers:create": "rule:project_member_or_admin"' in sample


def test_effective_policy_and_checker_follow_the_operators_file(tmp_path):
    env, nova_conf = _environment(tmp_path)
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text('"os_compute_api:servers:delete": "rule:context_is_admin"\n')
    nova_conf.write_text(f"[oslo_policy]\npolicy_file = {policy_file}\n")
    effective = tmp_path / "effective.yaml"
    _run(env, "oslopolicy-policy-generator", "--namespace", "nova",
         "--output-file", str(effective), cwd=tmp_path)
    rules = yaml.safe_load(effective.read_text())
    assert rules["os_compute_api:servers:delete"] == "rule:context_is_admin"
    assert rules["os_compute_api:servers:create"] == "rule:project_member_or_admin"
    assert rules["project_manager_api"] == "role:manager and project_id:%(project_id)s"

    def check(roles, rule, project="p1"):
        access = tmp_path / "access.json"
        access.write_text(json.dumps({"token": {
            "user": {"id": "u1", "domain": {"id": "default"}},
            "project": {"id": project, "domain": {"id": "default"}},
            "roles": [{"name": role} for role in roles]}}))
        target = tmp_path / "target.json"
        target.write_text(json.dumps({"project_id": "p1", "user_id": "u1"}))
        out = _run(env, "oslopolicy-checker", "--policy", str(effective),
                   "--access", str(access), "--target", str(target), "--rule", rule,
                   cwd=tmp_path)
        return out.strip()

    assert check(["member", "reader"], "os_compute_api:servers:create") == \
        "passed: os_compute_api:servers:create"
    # The operator's file made delete an administrator's call.
    assert check(["member", "reader"], "os_compute_api:servers:delete") == \
        "failed: os_compute_api:servers:delete"
    assert check(["reader"], "os_compute_api:servers:show") == \
        "passed: os_compute_api:servers:show"
    assert check(["reader"], "os_compute_api:servers:create") == \
        "failed: os_compute_api:servers:create"
    assert check(["member", "reader"], "os_compute_api:servers:show", project="p2") == \
        "failed: os_compute_api:servers:show"
