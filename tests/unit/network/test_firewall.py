"""Security groups as nftables rules per guest port (table bridge nova_filter)."""

import json

import pytest

from nova.network import firewall, linux_net
from tests.unit.network.vifs import make_vif

SSH_FROM_ANYWHERE = {"id": 1, "parent_group_id": 7, "ip_protocol": "tcp", "from_port": 22,
                     "to_port": 22, "ip_range": {"cidr": "0.0.0.0/0"}, "group": {}}


@pytest.fixture
def applied(conf_fixture, tmp_path, monkeypatch):
    """The nft scripts the firewall applies, newest last."""
    conf_fixture.config(networks_path=str(tmp_path))
    scripts = []
    monkeypatch.setattr(linux_net, "execute",
                        lambda *cmd, process_input=None: scripts.append(process_input))
    return scripts


def _chain(script, name):
    body = script.split(f"chain {name} {{\n", 1)[1].split("  }", 1)[0]
    return [line.strip() for line in body.splitlines()]


def test_port_without_rules_takes_ingress_only_from_its_group(applied):
    one, two = make_vif(3), make_vif(4)
    firewall.setup_port(one)
    firewall.setup_port(two)
    script = applied[-1]
    assert script.startswith("table bridge nova_filter\ndelete table bridge nova_filter\n")
    ingress = _chain(script, f"to-{one['devname']}")
    assert "ip saddr { 10.0.0.4 } accept" in ingress
    assert ingress[-1] == "drop"
    assert "udp sport 67 udp dport 68 accept" in ingress  # DHCP answers
    forward = _chain(script, "forward")
    assert f'oifname "{one["devname"]}" jump to-{one["devname"]}' in forward
    assert f'oifname "{two["devname"]}" jump to-{two["devname"]}' in _chain(script, "output")


def test_egress_allowed_only_with_own_mac_and_ip(applied):
    vif = make_vif(3)
    firewall.setup_port(vif)
    egress = _chain(applied[-1], f"from-{vif['devname']}")
    assert egress[0] == "ether saddr != fa:16:3e:00:00:03 drop"
    assert "ip saddr != { 10.0.0.3 } drop" in egress
    assert egress[-1] == "accept"


def test_other_group_is_not_let_in(applied):
    firewall.setup_port(make_vif(3, groups=["web"]))
    firewall.setup_port(make_vif(4, groups=["db"]))
    ingress = _chain(applied[-1], f"to-{make_vif(3)['devname']}")
    assert not any("10.0.0.4" in rule for rule in ingress)


def test_rule_added_later_reaches_the_running_port(applied):
    vif = make_vif(3)
    firewall.setup_port(vif)
    assert "tcp dport 22" not in applied[-1]
    firewall.refresh_security_groups([{"name": "default", "rules": [SSH_FROM_ANYWHERE]}])
    ingress = _chain(applied[-1], f"to-{vif['devname']}")
    assert "ip saddr 0.0.0.0/0 tcp dport 22 accept" in ingress
    assert ingress.index("ip saddr 0.0.0.0/0 tcp dport 22 accept") < ingress.index("drop")


@pytest.mark.parametrize("rule, match", [
    ({"ip_protocol": "tcp", "from_port": 80, "to_port": 90, "ip_range": {"cidr": "10.1.0.0/16"}},
     "ip saddr 10.1.0.0/16 tcp dport 80-90"),
    ({"ip_protocol": "udp", "from_port": 53, "to_port": 53, "ip_range": {"cidr": "0.0.0.0/0"}},
     "ip saddr 0.0.0.0/0 udp dport 53"),
    ({"ip_protocol": "icmp", "from_port": -1, "to_port": -1, "ip_range": {"cidr": "0.0.0.0/0"}},
     "ip saddr 0.0.0.0/0 meta l4proto icmp"),
    ({"ip_protocol": "icmp", "from_port": 8, "to_port": 0, "ip_range": {"cidr": "0.0.0.0/0"}},
     "ip saddr 0.0.0.0/0 meta l4proto icmp icmp type 8 icmp code 0"),
    ({"ip_protocol": None, "from_port": None, "to_port": None, "group": {"name": "web"}},
     "ip saddr { 10.0.0.9, 192.168.7.7 }"),
])
def test_rule_shapes(rule, match):
    state = {"ports": {"tapX": {"mac": "m", "ips": ["10.0.0.9"], "groups": ["web"]}},
             "groups": {"web": {"rules": [], "members": ["192.168.7.7"]}}}
    assert firewall.rule_match(rule, state) == match


def test_group_rule_with_no_members_matches_nothing():
    state = {"ports": {}, "groups": {}}
    assert firewall.rule_match({"ip_protocol": "tcp", "from_port": 1, "to_port": 2,
                                "group": {"name": "empty"}}, state) is None


def test_unplugged_port_loses_its_chains(applied, tmp_path):
    vif = make_vif(3)
    firewall.setup_port(vif)
    firewall.remove_port(vif)
    assert vif["devname"] not in applied[-1]
    assert json.loads((tmp_path / "firewall.json").read_text())["ports"] == {}
    firewall.remove_port(vif)  # idempotent: nothing applied
    assert len(applied) == 2
