"""qcow2 overlays made with the real qemu-img (installed by tools/install-system-packages.sh)."""

from nova.virt.libvirt import imagebackend


def test_overlay_is_backed_by_base_and_grows(tmp_path):
    base = tmp_path / "base"
    base.write_bytes(b"\0" * 1024 * 1024)
    overlay = imagebackend.create_overlay(str(base), str(tmp_path / "disk"), size_gb=1)
    info = imagebackend.image_info(overlay)
    assert info["format"] == "qcow2"
    assert info["backing-filename"] == str(base)
    assert info["virtual-size"] == 1024 ** 3


def test_overlay_keeps_image_size_when_flavor_has_none(tmp_path):
    base = tmp_path / "base"
    base.write_bytes(b"\0" * 2 * 1024 * 1024)
    overlay = imagebackend.create_overlay(str(base), str(tmp_path / "disk"), size_gb=0)
    assert imagebackend.image_info(overlay)["virtual-size"] == 2 * 1024 * 1024
