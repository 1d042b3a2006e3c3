"""Configuration files of the uwsgi/mod_wsgi entry point."""

from nova.api.openstack import wsgi_app


def test_default_is_nova_conf_in_etc_nova_when_present(tmp_path):
    assert wsgi_app.config_files({"OS_NOVA_CONFIG_DIR": str(tmp_path)}) == []
    (tmp_path / "nova.conf").write_text("")
    assert wsgi_app.config_files({"OS_NOVA_CONFIG_DIR": str(tmp_path)}) == [
        str(tmp_path / "nova.conf")]


def test_files_are_semicolon_separated_and_keep_their_order(tmp_path):
    for name in ("nova.conf", "api.conf"):
        (tmp_path / name).write_text("")
    absolute = tmp_path / "elsewhere.conf"
    absolute.write_text("")
    environ = {"OS_NOVA_CONFIG_DIR": str(tmp_path),
               "OS_NOVA_CONFIG_FILES": f"api.conf; nova.conf;missing.conf;{absolute}"}
    assert wsgi_app.config_files(environ) == [
        str(tmp_path / "api.conf"), str(tmp_path / "nova.conf"), str(absolute)]
