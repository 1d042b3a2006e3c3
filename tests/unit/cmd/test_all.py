"""nova-all's own defaults and options, on a ConfigOpts of the test's own."""

import pytest
from oslo_config import cfg

from nova import config
from nova.cmd import all as nova_all


@pytest.fixture
def make_conf(tmp_path):
    """Return ``make(text=None)``: a fresh ConfigOpts as nova-all parses it."""

    def make(text=None):
        conf = cfg.ConfigOpts()
        nova_all.register_opts(conf)
        config.set_defaults(conf)
        nova_all.set_nova_all_defaults(conf)
        files = []
        if text is not None:
            path = tmp_path / "nova.conf"
            path.write_text(text)
            files = [str(path)]
        conf([], project="nova", default_config_files=files, default_config_dirs=[])
        return conf

    return make


def test_defaults_make_a_self_contained_laptop_cloud(make_conf):
    conf = make_conf("[DEFAULT]\nstate_path = /srv/nova\n")
    assert conf.transport_url == "fake:/"
    assert conf.compute_driver == "fake.FakeDriver"
    assert conf.api.auth_strategy == "noauth2"
    assert conf.api_database.connection == "sqlite:////srv/nova/nova_api.sqlite"
    assert conf.database.connection == "sqlite:////srv/nova/nova.sqlite"
    assert conf.nova_all.embedded_placement is True
    assert (conf.nova_all.placement_listen, conf.nova_all.placement_listen_port) == (
        "127.0.0.1", 8778)
    assert conf.nova_all.placement_database_connection == (
        "sqlite:////srv/nova/placement.sqlite")


def test_a_configuration_file_wins_over_the_nova_all_defaults(make_conf):
    conf = make_conf("""\
[DEFAULT]
transport_url = rabbit://guest:guest@127.0.0.1:5672/nova
compute_driver = libvirt.LibvirtDriver
[api]
auth_strategy = keystone
[database]
connection = mysql+pymysql://root@127.0.0.1/nova_cell1
[nova_all]
embedded_placement = false
placement_listen_port = 0
""")
    assert conf.transport_url == "rabbit://guest:guest@127.0.0.1:5672/nova"
    assert conf.compute_driver == "libvirt.LibvirtDriver"
    assert conf.api.auth_strategy == "keystone"
    assert conf.database.connection == "mysql+pymysql://root@127.0.0.1/nova_cell1"
    assert conf.nova_all.embedded_placement is False
    assert conf.nova_all.placement_listen_port == 0


def test_the_nova_all_options_have_help(make_conf):
    for opt in nova_all.nova_all_opts:
        assert opt.help.strip(), opt.name
