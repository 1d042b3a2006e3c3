"""[placement] and [glance] load as keystoneauth1 sessions and adapters."""

import pytest
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from nova.conf import glance, placement


@pytest.fixture
def conf(tmp_path):
    conf = cfg.ConfigOpts()
    placement.register_opts(conf)
    glance.register_opts(conf)
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text(
        "[placement]\n"
        "auth_type = password\n"
        "auth_url = http://keystone.example:5000/v3\n"
        "username = nova\n"
        "password = secret\n"
        "project_name = service\n"
        "user_domain_name = Default\n"
        "project_domain_name = Default\n"
        "region_name = RegionTwo\n"
        "timeout = 30\n"
        "[glance]\n"
        "endpoint_override = http://image.example:9292\n"
    )
    conf([], project="nova", default_config_files=[str(conf_file)])
    yield conf
    conf.reset()


def test_placement_loads_password_auth_session_and_adapter(conf):
    auth = ks_loading.load_auth_from_conf_options(conf, "placement")
    session = ks_loading.load_session_from_conf_options(conf, "placement", auth=auth)
    adapter = ks_loading.load_adapter_from_conf_options(conf, "placement", session=session)
    assert auth.auth_url == "http://keystone.example:5000/v3"
    assert session.timeout == 30.0
    assert adapter.service_type == "placement"
    assert adapter.interface == ["internal", "public"]
    assert adapter.region_name == "RegionTwo"


def test_glance_adapter_without_auth_plugin(conf):
    assert ks_loading.load_auth_from_conf_options(conf, "glance") is None
    session = ks_loading.load_session_from_conf_options(conf, "glance")
    adapter = ks_loading.load_adapter_from_conf_options(conf, "glance", session=session)
    assert adapter.service_type == "image"
    assert adapter.endpoint_override == "http://image.example:9292"


def test_auth_plugin_options_stay_in_their_own_configuration(conf):
    # Loading the password plugin registers required options (auth_url, ...)
    # on this configuration; another configuration built from the same
    # modules must still parse without them.
    ks_loading.load_auth_from_conf_options(conf, "placement")
    other = cfg.ConfigOpts()
    placement.register_opts(other)
    other([], project="nova", default_config_files=[])
    try:
        assert "auth_url" not in other.placement
        assert other.placement.service_type == "placement"
    finally:
        other.reset()
