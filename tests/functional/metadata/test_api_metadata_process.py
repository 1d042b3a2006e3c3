"""The installed nova-api-metadata script as a process, over SQLite files."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from nova.api.metadata import proxy
from tests.functional.metadata.conftest import SECRET


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _script(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        pytest.fail(f"console script {path} is not installed (pip install -e .)")
    return path


def test_nova_api_metadata_serves_meta_data_json(metadata_cloud, tmp_path):
    assert metadata_cloud.api_url.startswith("sqlite:")
    port = _free_port()
    conf = tmp_path / "nova-metadata.conf"
    conf.write_text(
        "[DEFAULT]\ntransport_url = fake:/\nmetadata_listen = 127.0.0.1\n"
        f"metadata_listen_port = {port}\nmetadata_workers = 1\n"
        f"[api_database]\nconnection = {metadata_cloud.api_url}\n"
        f"[database]\nconnection = {metadata_cloud.main_url}\n"
        f"[neutron]\nservice_metadata_proxy = true\nmetadata_proxy_shared_secret = {SECRET}\n")
    log = tmp_path / "nova-api-metadata.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([_script("nova-api-metadata"), "--config-file", str(conf)],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                requests.get(base + "/", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise AssertionError("nova-api-metadata did not listen: "
                                         + log.read_text()) from None
                time.sleep(0.1)
        uuid = metadata_cloud.instance.uuid
        headers = {"X-Instance-ID": uuid, "X-Tenant-ID": "project1",
                   "X-Instance-ID-Signature": proxy.sign(uuid, SECRET)}
        resp = requests.get(base + "/openstack/latest/meta_data.json", headers=headers,
                            timeout=10)
        assert resp.status_code == 200, resp.text
        assert resp.headers["Content-Type"].startswith("application/json")
        assert resp.json()["uuid"] == uuid
        assert resp.json()["name"] == "web-1"
        bad = dict(headers, **{"X-Instance-ID-Signature": "0" * 64})
        assert requests.get(base + "/openstack/latest/meta_data.json", headers=bad,
                            timeout=10).status_code == 403
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    assert code == 0, log.read_text()
