"""The compute host's FlatDHCP pieces: the dnsmasq hosts file and command,
and the NAT table (metadata redirect, floating IPs, outbound NAT)."""

import types

import pytest

from nova.network import linux_net
from tests.unit.network.vifs import make_vif


@pytest.fixture
def host(conf_fixture, tmp_path, monkeypatch):
    """linux_net with its files in tmp_path and every host command recorded."""
    conf_fixture.config(networks_path=str(tmp_path), metadata_host="192.168.250.11",
                        metadata_port=8775, public_interface="")
    calls = []

    def execute(*cmd, **kwargs):
        calls.append((cmd, kwargs.get("process_input")))
        return "", ""

    signals = []
    monkeypatch.setattr(linux_net, "execute", execute)
    monkeypatch.setattr(linux_net, "_sysctl", lambda key, value: None)
    monkeypatch.setattr(linux_net.os, "kill", lambda pid, sig: signals.append((pid, sig)))
    return types.SimpleNamespace(calls=calls, signals=signals, path=tmp_path)


def _commands(host, first):
    return [cmd for cmd, _input in host.calls if cmd[0] == first]


def test_host_line_has_mac_hostname_and_ip():
    assert linux_net.host_line("fa:16:3e:00:00:03", "web-1", "10.0.0.3") == \
        "fa:16:3e:00:00:03,web-1,10.0.0.3"
    # dnsmasq rejects such names: the lease is written without one.
    assert linux_net.host_line("fa:16:3e:00:00:03", "bad name", "10.0.0.3") == \
        "fa:16:3e:00:00:03,10.0.0.3"


def test_first_lease_starts_dnsmasq_with_the_hosts_file(host):
    linux_net.add_leases(make_vif(3), "web-1")
    assert (host.path / "nova-br100.conf").read_text() == "fa:16:3e:00:00:03,web-1,10.0.0.3\n"
    [cmd] = _commands(host, "dnsmasq")
    assert f"--dhcp-hostsfile={host.path}/nova-br100.conf" in cmd
    assert "--dhcp-range=set:br100,10.0.0.0,static,255.255.255.0,86400s" in cmd
    assert "--interface=br100" in cmd and "--listen-address=10.0.0.1" in cmd
    assert "--port=0" in cmd  # DHCP only, never a DNS server
    assert "--dhcp-option=tag:br100,option:router,10.0.0.1" in cmd
    assert "--dhcp-option=tag:br100,option:mtu,1400" in cmd


def test_more_leases_reload_the_running_dnsmasq_and_last_one_stops_it(host, monkeypatch):
    linux_net.add_leases(make_vif(3), "web-1")
    monkeypatch.setattr(linux_net, "dnsmasq_pid", lambda bridge: 4242)
    linux_net.add_leases(make_vif(4), "web-2")
    assert (host.path / "nova-br100.conf").read_text().splitlines() == [
        "fa:16:3e:00:00:03,web-1,10.0.0.3", "fa:16:3e:00:00:04,web-2,10.0.0.4"]
    assert len(_commands(host, "dnsmasq")) == 1
    assert host.signals == [(4242, linux_net.signal.SIGHUP)]

    linux_net.remove_leases(make_vif(3))
    assert (host.path / "nova-br100.conf").read_text() == "fa:16:3e:00:00:04,web-2,10.0.0.4\n"
    assert host.signals[-1] == (4242, linux_net.signal.SIGHUP)
    linux_net.remove_leases(make_vif(4))
    assert host.signals[-1] == (4242, linux_net.signal.SIGTERM)
    # Removing again is a no-op.
    linux_net.remove_leases(make_vif(4))
    assert len(host.signals) == 3


def test_bridge_gets_the_gateway_address(host, monkeypatch):
    monkeypatch.setattr(linux_net, "_link_exists", lambda name: False)
    linux_net.ensure_bridge("br100", "10.0.0.1", "10.0.0.0/24", 1400)
    ip = [c[1:] for c in _commands(host, "ip")]
    assert ("link", "add", "name", "br100", "type", "bridge", "stp_state", "0",
            "forward_delay", "0") in ip
    assert ("address", "replace", "10.0.0.1/24", "dev", "br100") in ip
    assert ("link", "set", "dev", "br100", "up") in ip


def test_metadata_redirect_of_a_bridge(host):
    linux_net.ensure_network_nat(make_vif(3))
    [(cmd, script)] = [(c, i) for c, i in host.calls if c[0] == "nft"]
    assert cmd == ("nft", "-f", "-")
    assert ('iifname "br100" ip daddr 169.254.169.254 tcp dport 80 '
            "dnat to 192.168.250.11:8775") in script
    # Replaced atomically: declared, deleted and declared again in one file.
    assert script.startswith("table ip nova_nat\ndelete table ip nova_nat\n")
    assert "masquerade" not in script  # no outbound NAT unless configured
    # The same network again changes nothing.
    linux_net.ensure_network_nat(make_vif(4))
    assert len(_commands(host, "nft")) == 1


def test_outbound_nat_only_towards_force_snat_range(host, conf_fixture):
    conf_fixture.config(force_snat_range=["0.0.0.0/0"])
    linux_net.ensure_network_nat(make_vif(3))
    script = host.calls[-1][1]
    assert 'ip saddr 10.0.0.0/24 ip daddr 0.0.0.0/0 oifname != "br100" masquerade' in script


def test_floating_ip_is_nat_one_to_one_and_removed(host):
    linux_net.set_floating_ips(make_vif(3, floating=["172.24.4.10"]))
    script = host.calls[-1][1]
    assert script.count("ip daddr 172.24.4.10 dnat to 10.0.0.3") == 2  # prerouting, output
    assert "ip saddr 10.0.0.3 ct direction original ip daddr != 10.0.0.3 snat to " \
        "172.24.4.10" in script
    linux_net.set_floating_ips(make_vif(3))  # disassociated
    assert "172.24.4.10" not in host.calls[-1][1]


def test_floating_ip_address_on_the_public_interface(host, conf_fixture, monkeypatch):
    conf_fixture.config(public_interface="eth0")
    monkeypatch.setattr(linux_net, "_link_exists", lambda name: name == "eth0")
    linux_net.set_floating_ips(make_vif(3, floating=["172.24.4.10"]))
    assert ("ip", "address", "replace", "172.24.4.10/32", "dev", "eth0") in \
        _commands(host, "ip")
    linux_net.remove_floating_ips(make_vif(3, floating=["172.24.4.10"]))
    assert ("ip", "address", "del", "172.24.4.10/32", "dev", "eth0") in _commands(host, "ip")
