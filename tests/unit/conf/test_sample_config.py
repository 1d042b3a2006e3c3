"""The committed sample configuration matches the options in the code."""

import difflib
import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[3]
GENERATOR_CONF = REPO / "etc" / "nova" / "nova-config-generator.conf"
SAMPLE = REPO / "etc" / "nova" / "nova.conf.sample"


def _generate(output):
    # A separate interpreter, as tox -e genconfig runs it: the generator loads
    # every namespace's entry points, which must not leak into this process.
    # oslo.concurrency takes lock_path's default from the environment; tox
    # does not pass it on, so neither do we.
    env = {k: v for k, v in os.environ.items() if k != "OSLO_LOCK_PATH"}
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from oslo_config.generator import main; sys.exit(main())",
            "--config-file",
            str(GENERATOR_CONF),
            "--output-file",
            str(output),
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return output.read_text()


def test_sample_config_is_up_to_date(tmp_path):
    generated = _generate(tmp_path / "nova.conf.sample")
    committed = SAMPLE.read_text()
    if generated != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    generated.splitlines(keepends=True),
                    "etc/nova/nova.conf.sample (committed)",
                    "generated from the code",
                )
            )[:60]
        )
        raise AssertionError(
            "etc/nova/nova.conf.sample is stale; run `tox -e genconfig` "
            "(or /work/venv/bin/oslo-config-generator --config-file "
            f"etc/nova/nova-config-generator.conf) and commit it.\n{diff}"
        )


def test_sample_config_has_the_library_options_nova_uses():
    committed = SAMPLE.read_text()
    for line in (
        "#transport_url = rabbit://",  # oslo.messaging
        "#graceful_shutdown_timeout = ",  # oslo.service, used by nova.service
        "#lock_path = ",  # oslo.concurrency
        "#control_exchange = nova",  # nova's default for oslo.messaging
    ):
        assert line in committed, line


def test_sample_config_shows_placeholders_not_this_machine():
    committed = SAMPLE.read_text()
    assert "#host = <current_hostname>" in committed
    assert "#my_ip = <host_ipv4>" in committed


def test_sample_config_has_every_group_of_the_generator_namespaces():
    sections = {
        line.strip("[]\n") for line in SAMPLE.read_text().splitlines() if line.startswith("[")
    }
    for group in (
        "DEFAULT",
        "api",
        "api_database",
        "conductor",
        "database",
        "filter_scheduler",
        "glance",
        "keystone_authtoken",
        "libvirt",
        "notifications",
        "oslo_concurrency",
        "oslo_messaging_rabbit",
        "oslo_middleware",
        "oslo_policy",
        "placement",
        "quota",
        "scheduler",
        "upgrade_levels",
        "vnc",
        "wsgi",
    ):
        assert group in sections, group
