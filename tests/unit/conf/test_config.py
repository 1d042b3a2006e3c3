"""nova.config: locating the paste file and nova's library defaults."""

import oslo_messaging
import pytest
from oslo_config import cfg
from oslo_middleware import cors

from nova import config, exception


@pytest.fixture
def conf():
    conf = cfg.ConfigOpts()
    yield conf
    conf.reset()


def _parse(conf, *argv):
    config.parse_args(["nova-api", *argv], [], configure_logging=False, conf=conf)


def test_paste_config_found_next_to_the_config_file(conf, tmp_path):
    paste = tmp_path / "api-paste.ini"
    paste.write_text("[app:x]\n")
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text("")
    _parse(conf, "--config-file", str(conf_file))
    assert config.find_paste_config(conf) == str(paste)


def test_paste_config_absolute_path(conf, tmp_path):
    paste = tmp_path / "my-paste.ini"
    paste.write_text("[app:x]\n")
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text(f"[wsgi]\napi_paste_config = {paste}\n")
    _parse(conf, "--config-file", str(conf_file))
    assert config.find_paste_config(conf) == str(paste)


def test_paste_config_missing_absolute_path(conf, tmp_path):
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text(f"[wsgi]\napi_paste_config = {tmp_path / 'absent.ini'}\n")
    _parse(conf, "--config-file", str(conf_file))
    with pytest.raises(exception.ConfigNotFound, match="absent.ini"):
        config.find_paste_config(conf)


def test_paste_config_falls_back_to_the_source_tree(conf, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "SOURCE_ETC_DIR", tmp_path)
    (tmp_path / "only-in-tree.ini").write_text("[app:x]\n")
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text("[wsgi]\napi_paste_config = only-in-tree.ini\n")
    # The file sits next to nova.conf too; point --config-file elsewhere so
    # that only the source-tree fallback can find it.
    other = tmp_path / "other"
    other.mkdir()
    (other / "nova.conf").write_text(conf_file.read_text())
    _parse(conf, "--config-file", str(other / "nova.conf"))
    assert config.find_paste_config(conf) == str(tmp_path / "only-in-tree.ini")


def test_paste_config_falls_back_to_the_installation_prefix(conf, tmp_path, monkeypatch):
    # A wheel installs etc/nova/api-paste.ini below sys.prefix, not next to
    # the package; nova-api started with a config that only names the file
    # must find it there.
    monkeypatch.setattr(config, "SOURCE_ETC_DIR", tmp_path / "no-checkout")
    prefix_etc = tmp_path / "venv" / "etc" / "nova"
    prefix_etc.mkdir(parents=True)
    (prefix_etc / "api-paste.ini").write_text("[app:x]\n")
    monkeypatch.setattr(config, "PREFIX_ETC_DIR", prefix_etc)
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    (conf_dir / "nova.conf").write_text("")
    _parse(conf, "--config-file", str(conf_dir / "nova.conf"))
    assert config.find_paste_config(conf) == str(prefix_etc / "api-paste.ini")


def test_paste_config_not_found_anywhere(conf, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "SOURCE_ETC_DIR", tmp_path)
    monkeypatch.setattr(config, "PREFIX_ETC_DIR", tmp_path)
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text("[wsgi]\napi_paste_config = no-such-paste-file.ini\n")
    _parse(conf, "--config-file", str(conf_file))
    with pytest.raises(exception.ConfigNotFound):
        config.find_paste_config(conf)


def test_rpc_exchange_defaults_to_nova(conf):
    _parse(conf)
    oslo_messaging.get_rpc_transport(conf, url="fake:/")
    assert conf.control_exchange == "nova"


def test_cors_lets_browsers_use_microversions(conf):
    _parse(conf)
    conf.register_opts(cors.CORS_OPTS, "cors")
    assert "OpenStack-API-Version" in conf.cors.allow_headers
    assert "OpenStack-API-Version" in conf.cors.expose_headers
    assert "X-OpenStack-Nova-API-Version" in conf.cors.expose_headers
