"""The Glance client against a real Glance started by tools/services/glance.sh.

Glance runs as its own process from its own virtualenv (installed once,
then reused: /var/lib/nova-quickstart/glance-venv unless GLANCE_VENV says
otherwise), with a state directory of this test session and a free port.
"""

import hashlib
import os
import pathlib
import socket
import subprocess
import sys
import uuid

import pytest
from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import session as ks_session
from oslo_config import cfg

from nova import context as nova_context
from nova import exception
from nova.conf import glance as glance_conf
from nova.image import glance

REPO = pathlib.Path(__file__).resolve().parents[2]
GLANCE_SH = REPO / "tools" / "services" / "glance.sh"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def glance_service(tmp_path_factory):
    """Start Glance on a free port; yield (endpoint URL, env of glance.sh)."""
    state = tmp_path_factory.mktemp("glance-state")
    port = _free_port()
    env = dict(os.environ, GLANCE_STATE_DIR=str(state), GLANCE_PORT=str(port))
    subprocess.run(["bash", str(GLANCE_SH), "start"], env=env, check=True, timeout=900)
    try:
        yield f"http://127.0.0.1:{port}", env
    finally:
        subprocess.run(["bash", str(GLANCE_SH), "stop"], env=env, timeout=60)


@pytest.fixture
def images(glance_service):
    url, _env = glance_service
    session = ks_session.Session()
    return glance.GlanceImageService(ks_adapter.Adapter(
        session, service_type="image", endpoint_override=url, raise_exc=False))


@pytest.fixture
def ctx():
    return nova_context.RequestContext(user_id="u1", project_id="p1", auth_token="any-token")


@pytest.fixture
def image_file(tmp_path):
    path = tmp_path / "disk.raw"
    path.write_bytes(os.urandom(300 * 1024 + 17))
    return path


def _upload(images, ctx, path, **extra):
    meta = {
        "name": extra.pop("name", f"test-{uuid.uuid4()}"),
        "disk_format": "raw",
        "container_format": "bare",
        "visibility": "public",
        "min_disk": 1,
        "min_ram": 64,
        "properties": {"kernel_id": str(uuid.uuid4()), "hw_disk_bus": "virtio"},
    }
    meta.update(extra)
    return images.create(ctx, meta, str(path))


def test_service_script_is_idempotent(glance_service):
    _url, env = glance_service
    again = subprocess.run(["bash", str(GLANCE_SH), "start"], env=env, timeout=120,
                           capture_output=True, text=True, check=True)
    assert "already running" in again.stdout
    status = subprocess.run(["bash", str(GLANCE_SH), "status"], env=env, timeout=60)
    assert status.returncode == 0


def test_upload_show_and_properties(images, ctx, image_file):
    data = image_file.read_bytes()
    created = _upload(images, ctx, image_file, tags=["boot-path"])
    assert created["status"] == "active"
    assert created["size"] == len(data)
    assert created["os_hash_algo"] == "sha512"
    assert created["os_hash_value"] == hashlib.sha512(data).hexdigest()
    assert created["checksum"] == hashlib.md5(data, usedforsecurity=False).hexdigest()

    shown = images.show(ctx, created["id"])
    assert shown["name"] == created["name"]
    assert (shown["disk_format"], shown["container_format"]) == ("raw", "bare")
    assert (shown["min_disk"], shown["min_ram"]) == (1, 64)
    assert shown["is_public"] is True
    assert shown["tags"] == ["boot-path"]
    assert shown["properties"]["hw_disk_bus"] == "virtio"
    assert shown["properties"]["kernel_id"] == created["properties"]["kernel_id"]
    assert "self" not in shown["properties"] and "file" not in shown["properties"]
    assert shown["created_at"].year >= 2024


def test_detail_filters_and_pages(images, ctx, image_file):
    tag = f"page-{uuid.uuid4()}"
    ids = {_upload(images, ctx, image_file, tags=[tag])["id"] for _ in range(3)}

    listed = images.detail(ctx, tag=tag)
    assert {i["id"] for i in listed} == ids
    # One image per request: the client follows Glance's next links.
    assert [i["id"] for i in images.detail(ctx, tag=tag, page_size=1)] == \
        [i["id"] for i in listed]
    first_two = images.detail(ctx, tag=tag, limit=2, page_size=1)
    assert [i["id"] for i in first_two] == [i["id"] for i in listed[:2]]
    rest = images.detail(ctx, tag=tag, marker=listed[1]["id"])
    assert [i["id"] for i in rest] == [listed[2]["id"]]
    assert images.detail(ctx, name=f"nothing-{uuid.uuid4()}") == []


def test_download_verifies_and_writes_atomically(images, ctx, image_file, tmp_path):
    created = _upload(images, ctx, image_file)
    dst = tmp_path / "cache" / "image"
    dst.parent.mkdir()
    meta = images.download(ctx, created["id"], str(dst))
    assert meta["id"] == created["id"]
    assert dst.read_bytes() == image_file.read_bytes()
    assert os.listdir(dst.parent) == ["image"]


def test_missing_image_raises_not_found(images, ctx, tmp_path):
    missing = str(uuid.uuid4())
    with pytest.raises(exception.ImageNotFound):
        images.show(ctx, missing)
    with pytest.raises(exception.ImageNotFound):
        images.download(ctx, missing, str(tmp_path / "x"))
    with pytest.raises(exception.ImageNotFound):
        images.delete(ctx, missing)
    assert not (tmp_path / "x").exists()


def test_corrupted_image_fails_checksum(images, ctx, image_file, tmp_path, glance_service):
    created = _upload(images, ctx, image_file)
    _url, env = glance_service
    # Flip one byte of the stored copy, as a failing disk would.
    stored = pathlib.Path(env["GLANCE_STATE_DIR"]) / "images" / created["id"]
    blob = bytearray(stored.read_bytes())
    blob[1000] ^= 0xFF
    stored.write_bytes(bytes(blob))

    cache = tmp_path / "cache"
    cache.mkdir()
    with pytest.raises(exception.ImageChecksumMismatch) as err:
        images.download(ctx, created["id"], str(cache / "image"))
    assert err.value.kwargs["algorithm"] == "sha512"
    assert err.value.kwargs["expected"] == created["os_hash_value"]
    # Neither the image nor the partial download is left behind.
    assert list(cache.iterdir()) == []


def test_queued_image_cannot_be_downloaded_then_upload(images, ctx, image_file, tmp_path):
    queued = images.create(ctx, {"name": "queued", "disk_format": "raw",
                                 "container_format": "bare"})
    assert queued["status"] == "queued"
    assert queued["size"] is None
    with pytest.raises(exception.ImageNotActive):
        images.download(ctx, queued["id"], str(tmp_path / "q"))
    with open(image_file, "rb") as f:
        active = images.upload(ctx, queued["id"], f)
    assert active["status"] == "active"
    images.delete(ctx, queued["id"])
    with pytest.raises(exception.ImageNotFound):
        images.show(ctx, queued["id"])


def test_snapshot_image_gets_its_formats_with_its_data(images, ctx, image_file):
    # nova-api creates a snapshot's image without formats, owned by the
    # server's project; nova-compute sets them with the data (PATCH + PUT).
    queued = images.create(ctx, {"name": "snap", "visibility": "private", "owner": "p1",
                                 "properties": {"image_type": "snapshot"}})
    assert (queued["status"], queued["disk_format"], queued["owner"]) == (
        "queued", None, "p1")
    active = images.update(ctx, queued["id"], {
        "disk_format": "raw", "container_format": "bare",
        "properties": {"instance_uuid": "i-1"}}, data=str(image_file))
    assert (active["status"], active["disk_format"], active["container_format"]) == (
        "active", "raw", "bare")
    assert active["properties"]["image_type"] == "snapshot"
    assert active["properties"]["instance_uuid"] == "i-1"
    assert active["size"] == image_file.stat().st_size
    found = images.detail(ctx, sort_key="created_at", sort_dir="desc",
                          instance_uuid="i-1", image_type="snapshot")
    assert [image["id"] for image in found] == [queued["id"]]
    images.delete(ctx, queued["id"])


def test_bad_request_is_reported(images, ctx):
    with pytest.raises(exception.ImageBadRequest):
        images.create(ctx, {"name": "bad", "disk_format": "no-such-format",
                            "container_format": "bare"})


def test_unreachable_glance_raises_connection_failed(ctx):
    dead = glance.GlanceImageService(ks_adapter.Adapter(
        ks_session.Session(), service_type="image",
        endpoint_override="http://127.0.0.1:9", raise_exc=False))
    with pytest.raises(exception.GlanceConnectionFailed):
        dead.show(ctx, str(uuid.uuid4()))


def test_upload_image_tool(glance_service, images, ctx, image_file):
    url, _env = glance_service
    name = f"tool-{uuid.uuid4()}"
    command = [sys.executable, str(REPO / "tools" / "services" / "upload_image.py"),
               "--url", url, "--name", name, "--disk-format", "raw",
               "--property", "hw_disk_bus=scsi", "--if-missing", str(image_file)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    image_id = first.stdout.strip()
    shown = images.show(ctx, image_id)
    assert shown["name"] == name
    assert shown["status"] == "active"
    assert shown["properties"]["hw_disk_bus"] == "scsi"
    again = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    assert again.stdout.strip() == image_id
    assert len(images.detail(ctx, name=name)) == 1


def test_client_from_glance_config(glance_service, tmp_path, ctx, image_file):
    url, _env = glance_service
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text(f"[glance]\nendpoint_override = {url}\n")
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    conf(["--config-file", str(conf_file)], project="nova", default_config_files=[])
    images = glance.GlanceImageService(glance.get_glance_adapter(conf))
    created = _upload(images, ctx, image_file)
    assert images.show(ctx, created["id"])["status"] == "active"
