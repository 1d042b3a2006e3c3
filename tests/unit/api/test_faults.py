"""Fault bodies and the fault wrapper filter."""

import json
import logging

import oslo_messaging as messaging
import psycopg2
import pytest
import sqlalchemy.exc
import webob
import webob.exc
from kombu import exceptions as kombu_exceptions
from oslo_db import exception as db_exc

from nova import exception
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import faults, wsgi


@pytest.mark.parametrize("code, name", [
    (400, "badRequest"), (401, "unauthorized"), (403, "forbidden"), (404, "itemNotFound"),
    (405, "badMethod"), (409, "conflictingRequest"), (413, "overLimit"),
    (415, "badMediaType"), (429, "overLimit"), (501, "notImplemented"),
    (503, "serviceUnavailable"), (406, "computeFault"), (500, "computeFault"),
])
def test_fault_names_follow_upstream(code, name):
    assert faults.fault_name(code) == name


def test_fault_response_body_and_headers():
    resp = faults.fault_response(404, "Flavor 7 could not be found.",
                                 version=avr.APIVersionRequest("2.3"))
    assert resp.status_int == 404
    assert resp.content_type == "application/json"
    assert json.loads(resp.body) == {
        "itemNotFound": {"code": 404, "message": "Flavor 7 could not be found."}}
    assert resp.headers["OpenStack-API-Version"] == "compute 2.3"


def test_nova_exception_keeps_its_message_and_code():
    code, message, _ = faults.describe_exception(exception.InstanceNotFound(instance_id="i-1"))
    assert (code, message) == (404, "Instance i-1 could not be found.")


def test_unsafe_server_error_hides_its_message():
    code, message, _ = faults.describe_exception(
        exception.NovaException("password=secret in a connection string"))
    assert code == 500
    assert "secret" not in message
    assert message.startswith("Unexpected API Error.")


def test_webob_exception_keeps_explanation_and_allow_header():
    exc = webob.exc.HTTPMethodNotAllowed(explanation="nope", headers=[("Allow", "GET")])
    code, message, headers = faults.describe_exception(exc)
    assert (code, message) == (405, "nope")
    assert ("Allow", "GET") in headers
    assert all(name.lower() != "content-type" for name, _ in headers)


@pytest.mark.parametrize("exc, key", [
    (db_exc.DBConnectionError("(pymysql.err.OperationalError) (2003, 'refused')"),
     "database"),
    (sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("gone"),
                                     connection_invalidated=True), "database"),
    # libpq 14+'s refusal, which oslo.db does not recognise (no SQLSTATE).
    (sqlalchemy.exc.OperationalError(
        "SELECT 1", {}, psycopg2.OperationalError(
            'connection to server at "127.0.0.1", port 5432 failed: Connection refused')),
     "database"),
    (messaging.MessageDeliveryFailure("Unable to connect to AMQP server"),
     "message queue"),
    (kombu_exceptions.OperationalError("[Errno 111] Connection refused"),
     "message queue"),
])
def test_an_unreachable_dependency_is_503_with_retry_after(exc, key):
    code, message, headers = faults.describe_exception(exc)
    assert code == 503
    assert key in message and "refused" not in message
    assert ("Retry-After", str(exception.ServiceUnavailable.RETRY_AFTER)) in headers


def test_other_database_errors_stay_500():
    exc = sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("syntax"))
    assert faults.describe_exception(exc)[0] == 500


def _wrapped(exc, environ_version=None):
    def app(environ, start_response):
        if environ_version is not None:
            environ[wsgi.ENV_API_VERSION] = environ_version
        raise exc
    return webob.Request.blank("/v2.1/servers").get_response(faults.FaultWrapper(app))


def test_wrapper_turns_an_unexpected_error_into_500_and_logs_the_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="nova.api.openstack.faults"):
        resp = _wrapped(RuntimeError("db exploded"))
    assert resp.status_int == 500
    body = json.loads(resp.body)["computeFault"]
    assert body["code"] == 500
    assert "db exploded" not in body["message"]
    assert "RuntimeError" in body["message"]
    assert any(record.exc_info for record in caplog.records)


def test_wrapper_formats_policy_denials_as_forbidden():
    resp = _wrapped(exception.PolicyNotAuthorized(action="os_compute_api:servers:create"),
                    avr.APIVersionRequest("2.1"))
    assert resp.status_int == 403
    assert json.loads(resp.body) == {"forbidden": {
        "code": 403,
        "message": "Policy doesn't allow os_compute_api:servers:create to be performed."}}
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.1"


def test_wrapper_passes_successful_responses_through():
    app = faults.FaultWrapper(webob.Response(json_body={"ok": True}))
    resp = webob.Request.blank("/").get_response(app)
    assert resp.status_int == 200
    assert resp.json == {"ok": True}
