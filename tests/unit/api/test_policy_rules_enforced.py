"""Every policy rule nova registers is enforced (or referenced) by some code.

A rule nothing checks misleads operators: they tighten it in policy.yaml and
nothing changes. Rules arrive with the routes that enforce them.

A rule counts as used when code in nova/ outside nova/policies names it in
one of the ways the code builds rule names (comments and docstrings do not
count):

* a string literal or module-level constant equal to it
  (``authorize(ctx, "os_compute_api:servers:index")``, ``OTHER_PROJECT =
  BASE + ":other_project"``, or a row of the server action table,
  nova/compute/server_actions.py, whose rule the action router authorizes
  for every action row);
* an f-string whose placeholders are filled by string literals of the same
  file (``f"os_compute_api:servers:{action}"`` with ``action =
  "index:get_all_tenants"``; the table's ``_servers("stop")``);
* a module-level string constant of a rule-defining module (nova/policies/*,
  nova/compute/server_actions.py) used from another module as
  ``module.NAME`` or ``from module import NAME``, either as it is
  (``ia_policies.EVENTS``) or completed with a string literal of the using
  file (``KEYPAIRS % action`` with ``"create"``, ``BASE + ":add_tenant_access"``).

Persona rules (``rule:...`` targets in base.py) count as used when another
rule's check string refers to them, or code names them, or base.py exports
them as a persona constant (``PROJECT_MANAGER_OR_ADMIN``): personas are the
vocabulary of operators' policy files too, upstream defines all of them
(the manager persona before any route here uses it).
"""

import ast
import functools
import pathlib
import re

from nova import policies
from nova.policies import base as policy_base

NOVA = pathlib.Path(__file__).resolve().parents[3] / "nova"

#: Modules whose module-level string constants are rule names or prefixes.
RULE_MODULES = ("nova/policies/", "nova/compute/server_actions.py")


def _module_name(path):
    return ".".join(path.relative_to(NOVA.parent).with_suffix("").parts)


def _is_rule_module(path):
    rel = path.relative_to(NOVA.parent).as_posix()
    return any(rel.startswith(prefix) for prefix in RULE_MODULES)


def _fold(node, known):
    """The string an expression of literals and known constants evaluates to
    (``"a"``, ``NAME``, ``A + ":b"``, ``A % "b"``), or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return known.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left, right = _fold(node.left, known), _fold(node.right, known)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else left % right
    return None


def _constants(tree):
    """{NAME: value} of the module-level string constants, folded in order."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            value = _fold(node.value, found)
            if value is not None:
                found[node.targets[0].id] = value
    return found


class _FileUses:
    """String literals, f-strings and names of one source file."""

    def __init__(self, tree):
        self.strings = set()
        self.fstrings = []
        self.attributes = set()
        #: {(module, NAME)} imported with ``from module import NAME``.
        self.imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                self.strings.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                self.fstrings.append(node)
            elif isinstance(node, ast.Attribute):
                self.attributes.add(node.attr)
            elif isinstance(node, ast.ImportFrom) and node.module:
                self.imported.update((node.module, alias.name) for alias in node.names)

    def fstring_names(self):
        """Every value an f-string of the file takes when each placeholder is
        one of the file's string literals (one placeholder at most)."""
        for node in self.fstrings:
            holes = [part for part in node.values if not isinstance(part, ast.Constant)]
            if len(holes) != 1:
                continue
            for value in self.strings:
                yield "".join(
                    part.value if isinstance(part, ast.Constant) else value
                    for part in node.values)

    def completions(self, prefix):
        """Names built from a constant: ``prefix % literal`` or ``prefix + literal``."""
        yield prefix
        for value in self.strings:
            if "%s" in prefix:
                yield prefix.replace("%s", value, 1)
            else:
                yield prefix + value


@functools.cache
def _used_names():
    trees = {path: ast.parse(path.read_text(), filename=str(path))
             for path in NOVA.rglob("*.py")}
    constants = {_module_name(path): _constants(tree)
                 for path, tree in trees.items() if _is_rule_module(path)}
    used = set()
    policies_dir = NOVA / "policies"
    for path, tree in trees.items():
        if policies_dir in path.parents:
            continue
        uses = _FileUses(tree)
        used |= uses.strings
        used.update(_constants(tree).values())
        used.update(uses.fstring_names())
        this_module = _module_name(path)
        for module, names in constants.items():
            if module == this_module:
                continue
            for name, value in names.items():
                if name in uses.attributes or (module, name) in uses.imported:
                    used.update(uses.completions(value))
    return used


def _persona_references():
    """Rule names that other rules' check strings refer to (``rule:name``),
    and the personas base.py exports as constants."""
    referenced = {match for rule in policies.list_rules()
                  for match in re.findall(r"rule:([\w:-]+)", rule.check_str)}
    exported = {value.removeprefix("rule:") for name, value in vars(policy_base).items()
                if name.isupper() and isinstance(value, str) and value.startswith("rule:")}
    return referenced | exported


def test_every_registered_rule_is_enforced_by_some_code():
    used = _used_names() | _persona_references()
    unused = sorted(rule.name for rule in policies.list_rules() if rule.name not in used)
    assert unused == [], (
        "policy rules registered in nova/policies that no code enforces "
        "(remove them, or add the route that checks them): " + ", ".join(unused))


def test_the_check_sees_how_code_builds_rule_names():
    used = _used_names()
    # A literal, a table row, a constant completed with % and with +, an
    # f-string over the file's literals, a constant used as it is.
    for name in ("os_compute_api:servers:index",
                 "os_compute_api:os-pause-server:pause",
                 "os_compute_api:os-keypairs:create",
                 "os_compute_api:os-flavor-access:add_tenant_access",
                 "os_compute_api:servers:index:get_all_tenants",
                 "os_compute_api:os-lock-server:unlock:unlock_override"):
        assert name in used, name
    assert "os_compute_api:os-keypairs:no-such-call" not in used
