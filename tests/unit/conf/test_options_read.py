"""Every option nova registers is read by some code outside nova/conf.

An option nothing reads misleads operators: they set it and nothing
changes. Options arrive with the feature that reads them.

An option counts as read when code in nova/ (nova/conf excluded) names it
in one of these ways; comments and docstrings do not count:

* an option of a group G: the attribute chain ``<anything>.G.name``
  (``CONF.libvirt.virt_type``, ``conf.wsgi.api_paste_config``);
* a [DEFAULT] option: an attribute of something whose name ends in
  "conf" (``CONF.host``, ``self.conf.debug``);
* either: a string literal equal to its name (``getattr(CONF.quota, name)``
  over a tuple of names, ``set_override("name", ...)``), or an f-string
  whose literal parts it fits (``getattr(CONF, f"initial_{key}")``).

Options of a library's option set (oslo.db, keystoneauth1) that nova
registers in its own groups are read by that library and are left out.
"""

import ast
import functools
import pathlib
import re

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg
from oslo_db import options as oslo_db_options

from nova.conf import ksa, opts

NOVA = pathlib.Path(__file__).resolve().parents[3] / "nova"


def _names(options):
    return {opt.dest for opt in options}


def _library_option_sets():
    """[(core names, all names)]: a group holding every core name carries that
    library's option set, and the library reads those options itself."""
    ksa_session = _names(ks_loading.get_session_conf_options())
    ksa_all = (
        ksa_session
        | _names(ks_loading.get_auth_common_conf_options())
        | _names(ks_loading.get_auth_plugin_conf_options(ksa.SAMPLE_AUTH_PLUGIN))
        | _names(ks_loading.get_adapter_conf_options(include_deprecated=False))
    )
    oslo_db = _names(oslo_db_options.database_opts)
    return [(ksa_session, ksa_all), (oslo_db, oslo_db)]


def _nova_options():
    """Return sorted [(group, option)] of every option nova's modules define."""
    library_sets = _library_option_sets()
    found = []
    for group, options in opts.list_opts():
        group_name = group.name if isinstance(group, cfg.OptGroup) else group
        names = _names(options)
        library = set()
        for core, everything in library_sets:
            if core <= names:
                library |= everything
        found.extend((group_name, name) for name in names - library)
    return sorted(found)


def _receiver(node):
    """The last name of an attribute's object: CONF for CONF.x, wsgi for a.wsgi.x."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class _Uses:
    """What nova/ outside nova/conf names: attributes, strings, f-strings."""

    def __init__(self, root):
        #: {(receiver, attribute)}: CONF.host gives ("CONF", "host").
        self.attributes = set()
        self.strings = set()
        self.patterns = set()
        conf_dir = root / "conf"
        for path in root.rglob("*.py"):
            if conf_dir not in path.parents:
                self._scan(ast.parse(path.read_text(), filename=str(path)))

    def _scan(self, tree):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                self.attributes.add((_receiver(node.value), node.attr))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                self.strings.add(node.value)
            elif isinstance(node, ast.JoinedStr) and any(
                isinstance(part, ast.Constant) for part in node.values
            ):
                self.patterns.add(
                    re.compile(
                        "".join(
                            re.escape(part.value) if isinstance(part, ast.Constant) else r"\w+"
                            for part in node.values
                        )
                    )
                )

    def reads(self, group, name):
        """Whether code names option ``name`` of ``group`` ("DEFAULT" or a group)."""
        if name in self.strings or any(p.fullmatch(name) for p in self.patterns):
            return True
        if group == "DEFAULT":
            return any(
                attr == name and (receiver or "").lower().endswith("conf")
                for receiver, attr in self.attributes
            )
        return (group, name) in self.attributes


@functools.cache
def _uses():
    return _Uses(NOVA)


def _unread():
    return [f"{group}.{name}" for group, name in _nova_options() if not _uses().reads(group, name)]


def test_every_registered_option_is_read_outside_nova_conf():
    unexpected = _unread()
    assert unexpected == [], (
        "options registered in nova/conf that no code outside nova/conf reads "
        "(remove them, or add the code that honours them): " + ", ".join(unexpected)
    )


def test_the_check_tells_read_from_unread(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        '"""Mentions [libvirt] cpu_mode and CONF.unread_in_docstring."""\n'
        "# CONF.libvirt.unread_in_comment\n"
        "port = CONF.osapi_compute_listen_port\n"
        "mode = CONF.libvirt.cpu_mode\n"
        "guest.images_type = 1\n"
        'ratio = getattr(CONF, f"initial_{key}")\n'
        'limit = getattr(CONF.quota, "cores")\n'
    )
    uses = _Uses(tmp_path)
    assert uses.reads("DEFAULT", "osapi_compute_listen_port")
    assert uses.reads("libvirt", "cpu_mode")
    assert uses.reads("DEFAULT", "initial_cpu_allocation_ratio")
    assert uses.reads("quota", "cores")
    assert not uses.reads("libvirt", "images_type")  # not under [libvirt]
    assert not uses.reads("DEFAULT", "unread_in_docstring")
    assert not uses.reads("libvirt", "unread_in_comment")
