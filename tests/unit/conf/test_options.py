"""Nova's option modules: registration, help text and upstream defaults."""

import pytest
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

import nova.conf
from nova import config
from nova.conf import ksa, opts


@pytest.fixture
def conf():
    """A fresh ConfigOpts holding every nova option, parsed with no files."""
    conf = cfg.ConfigOpts()
    for module in nova.conf.option_modules():
        module.register_opts(conf)
    conf([], project="nova", default_config_files=[])
    yield conf
    conf.reset()


def _all_options():
    for group, options in opts.list_opts():
        name = group.name if isinstance(group, cfg.OptGroup) else group
        for opt in options:
            yield name, opt


def test_every_option_has_help_text():
    missing = [
        f"[{group}] {opt.name}" for group, opt in _all_options() if not (opt.help or "").strip()
    ]
    assert missing == []


def test_every_group_of_ours_has_help_text():
    missing = [
        group.name
        for group, _ in opts.list_opts()
        if isinstance(group, cfg.OptGroup) and not (group.help or "").strip()
    ]
    assert missing == []


def test_no_option_is_listed_twice_in_a_group():
    seen = set()
    duplicates = []
    for group, opt in _all_options():
        if (group, opt.dest) in seen:
            duplicates.append(f"[{group}] {opt.dest}")
        seen.add((group, opt.dest))
    assert duplicates == []


def test_every_module_provides_register_and_list():
    for module in nova.conf.option_modules():
        assert callable(module.register_opts), module.__name__
        assert isinstance(module.list_opts(), dict), module.__name__


def test_registering_all_modules_twice_is_harmless(conf):
    for module in nova.conf.option_modules():
        module.register_opts(conf)
    assert conf.osapi_compute_listen_port == 8774
    assert conf.placement.service_type == "placement"
    assert conf.glance.service_type == "image"


def test_listed_options_are_the_registered_ones(conf):
    # The auth plugin's options are registered when the plugin is loaded.
    plugin_opts = {o.dest for o in ks_loading.get_auth_plugin_conf_options(ksa.SAMPLE_AUTH_PLUGIN)}
    for group, opt in _all_options():
        if group == "DEFAULT":
            assert opt.dest in conf, opt.dest
        elif not (group in ("placement", "glance", "service_user") and opt.dest in plugin_opts):
            assert opt.dest in conf[group], f"[{group}] {opt.dest}"


@pytest.mark.parametrize(
    ("group", "name", "expected"),
    [
        (None, "state_path", "/var/lib/nova"),
        (None, "instances_path", "/var/lib/nova/instances"),
        (None, "report_interval", 10),
        (None, "service_down_time", 60),
        (None, "periodic_enable", True),
        (None, "periodic_fuzzy_delay", 60),
        (None, "osapi_compute_listen", "0.0.0.0"),
        (None, "osapi_compute_listen_port", 8774),
        (None, "osapi_compute_workers", None),
        (None, "metadata_listen_port", 8775),
        (None, "compute_driver", None),
        (None, "cpu_allocation_ratio", None),
        (None, "initial_cpu_allocation_ratio", 4.0),
        (None, "initial_ram_allocation_ratio", 1.0),
        (None, "initial_disk_allocation_ratio", 1.0),
        (None, "reserved_host_memory_mb", 512),
        (None, "reserved_host_disk_mb", 0),
        (None, "reserved_host_cpus", 0),
        (None, "max_concurrent_builds", 10),
        (None, "sync_power_state_interval", 600),
        (None, "default_availability_zone", "nova"),
        (None, "default_schedule_zone", None),
        (None, "instance_name_template", "instance-%08x"),
        (None, "reclaim_instance_interval", 0),
        (None, "password_length", 12),
        (None, "ssl_only", False),
        ("console", "allowed_origins", []),
        ("consoleauth", "token_ttl", 600),
        ("image_cache", "subdirectory_name", "_base"),
        ("api", "auth_strategy", "keystone"),
        ("api", "max_limit", 1000),
        ("wsgi", "api_paste_config", "api-paste.ini"),
        ("libvirt", "virt_type", "kvm"),
        ("libvirt", "connection_uri", ""),
        ("vnc", "enabled", True),
        ("vnc", "server_listen", "127.0.0.1"),
        ("vnc", "novncproxy_port", 6080),
        ("vnc", "novncproxy_base_url", "http://127.0.0.1:6080/vnc_auto.html"),
        ("scheduler", "max_attempts", 3),
        ("scheduler", "discover_hosts_in_cells_interval", -1),
        ("scheduler", "max_placement_results", 1000),
        ("filter_scheduler", "host_subset_size", 1),
        ("filter_scheduler", "ram_weight_multiplier", 1.0),
        ("filter_scheduler", "cpu_weight_multiplier", 1.0),
        ("filter_scheduler", "disk_weight_multiplier", 1.0),
        (
            "filter_scheduler",
            "enabled_filters",
            [
                "ComputeFilter",
                "ComputeCapabilitiesFilter",
                "ImagePropertiesFilter",
                "ServerGroupAntiAffinityFilter",
                "ServerGroupAffinityFilter",
            ],
        ),
        ("upgrade_levels", "compute", None),
        ("conductor", "workers", None),
        ("quota", "instances", 10),
        ("quota", "cores", 20),
        ("quota", "ram", 51200),
        ("quota", "metadata_items", 128),
        ("quota", "key_pairs", 100),
        ("quota", "server_groups", 10),
        ("quota", "server_group_members", 10),
        ("quota", "driver", "nova.quota.DbQuotaDriver"),
        ("notifications", "notification_format", "unversioned"),
        ("notifications", "versioned_notifications_topics", ["versioned_notifications"]),
        ("placement", "service_type", "placement"),
        ("placement", "valid_interfaces", ["internal", "public"]),
        ("glance", "service_type", "image"),
        ("glance", "num_retries", 3),
    ],
)
def test_upstream_default(conf, group, name, expected):
    value = conf[group][name] if group else conf[name]
    assert value == expected


def test_choices_reject_unknown_values(conf, tmp_path):
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text("[libvirt]\nvirt_type = xen\n")
    conf([], project="nova", default_config_files=[str(conf_file)])
    with pytest.raises(cfg.ConfigFileValueError):
        conf.libvirt.virt_type  # noqa: B018


def test_ports_are_validated(conf, tmp_path):
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text("[DEFAULT]\nosapi_compute_listen_port = 70000\n")
    conf([], project="nova", default_config_files=[str(conf_file)])
    with pytest.raises(cfg.ConfigFileValueError):
        conf.osapi_compute_listen_port  # noqa: B018


def test_weight_multipliers_change_on_reload(conf, tmp_path):
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text("[filter_scheduler]\nram_weight_multiplier = 1.0\n")
    conf([], project="nova", default_config_files=[str(conf_file)])
    conf_file.write_text("[filter_scheduler]\nram_weight_multiplier = -2.5\n")
    conf.mutate_config_files()
    assert conf.filter_scheduler.ram_weight_multiplier == -2.5


def test_parse_args_reads_files_and_command_line(tmp_path):
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text(
        "[DEFAULT]\nhost = compute-7\nstate_path = /srv/nova\n[libvirt]\nvirt_type = qemu\n"
    )
    conf = cfg.ConfigOpts()
    try:
        config.parse_args(
            ["nova-compute", "--config-file", str(conf_file), "--debug"],
            configure_logging=False,
            conf=conf,
        )
        assert conf.host == "compute-7"
        assert conf.instances_path == "/srv/nova/instances"
        assert conf.libvirt.virt_type == "qemu"
        assert conf.debug is True
        assert conf.project == "nova"
    finally:
        conf.reset()


def test_parse_args_twice_on_the_same_conf(tmp_path):
    conf = cfg.ConfigOpts()
    try:
        config.parse_args(["nova-api", "--debug"], [], configure_logging=False, conf=conf)
        config.parse_args(["nova-api"], [], configure_logging=False, conf=conf)
        assert conf.debug is False
    finally:
        conf.reset()


def test_parse_args_rejects_an_unknown_argument():
    conf = cfg.ConfigOpts()
    with pytest.raises(SystemExit):
        config.parse_args(["nova-api", "--no-such-flag"], [], configure_logging=False, conf=conf)
