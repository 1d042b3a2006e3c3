"""JSON Schema validation with nova's formats and error messages.

Schemas use JSON Schema draft 4, the dialect upstream's API schemas are
written in (``exclusiveMinimum`` is a boolean, ``type`` may be a list).
"""

import re
import unicodedata

import jsonschema
from jsonschema import exceptions as jsonschema_exc
from oslo_utils import netutils, timeutils, uuidutils

from nova import exception

FORMAT_CHECKER = jsonschema.FormatChecker()


@FORMAT_CHECKER.checks("uuid")
def _is_uuid(value):
    # Upstream accepts the canonical form and the 32-hex-digit form.
    return not isinstance(value, str) or uuidutils.is_uuid_like(value)


@FORMAT_CHECKER.checks("date-time")
def _is_date_time(value):
    if not isinstance(value, str):
        return True
    try:
        timeutils.parse_isotime(value)
    except ValueError:
        return False
    return True


@FORMAT_CHECKER.checks("cidr")
def _is_cidr(value):
    if not isinstance(value, str):
        return True
    return "/" in value and netutils.is_valid_cidr(value)


def _printable(value):
    # Unicode categories C* are control, format, private use, unassigned.
    return all(not unicodedata.category(char).startswith("C") for char in value)


@FORMAT_CHECKER.checks("name")
def _is_name(value):
    """A resource name: printable, no leading or trailing whitespace."""
    if not isinstance(value, str):
        return True
    return _printable(value) and value == value.strip()


@FORMAT_CHECKER.checks("name_with_leading_trailing_spaces")
def _is_name_with_spaces(value):
    """Names of resources upstream never stripped (for example key pairs)."""
    if not isinstance(value, str):
        return True
    return _printable(value) and bool(value.strip())


def _field_path(error):
    parts = [str(part) for part in error.absolute_path]
    return ".".join(parts)


def _short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def describe_error(error, label="field/attribute"):
    """Return a message for a jsonschema ValidationError naming the field.

    For example ``Invalid input for field/attribute flavor.ram. Value: 'x'.
    'x' is not of type 'integer'``; errors about the top level (a missing
    required key, an unexpected one) are given as jsonschema words them.
    """
    path = _field_path(error)
    if not path:
        return error.message
    if error.validator == "format":
        message = f"{_short(error.instance)} is not a valid {error.validator_value}"
    elif error.validator == "pattern":
        message = f"{_short(error.instance)} does not match {error.validator_value!r}"
    else:
        message = error.message
    return f"Invalid input for {label} {path}. Value: {_short(error.instance)}. {message}"


_QUERY_LABEL = "query parameter"


class SchemaValidator:
    """Validate documents against one schema.

    :param schema: JSON Schema (draft 4) dict.
    :param is_body: True for request bodies, False for query strings (only
        changes the wording of messages).
    """

    def __init__(self, schema, is_body=True):
        jsonschema.Draft4Validator.check_schema(schema)
        self.schema = schema
        self._label = "field/attribute" if is_body else _QUERY_LABEL
        self._validator = jsonschema.Draft4Validator(schema, format_checker=FORMAT_CHECKER)

    def validate(self, document):
        """Validate ``document``.

        :raises nova.exception.ValidationError: (400) with the most relevant
            error, naming the field.
        """
        error = jsonschema_exc.best_match(self._validator.iter_errors(document))
        if error is not None:
            raise exception.ValidationError(detail=describe_error(error, self._label))


def allowed_names(schema):
    """Return a predicate telling whether a property name is declared in ``schema``.

    Used to drop undeclared query parameters when a query schema allows
    them (``additionalProperties: true``), as upstream does, so handlers
    never see filters they do not know.
    """
    names = set(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return lambda name: name in names or any(p.search(name) for p in patterns)
