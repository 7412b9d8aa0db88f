"""The REST trigger, checked against a local HTTP server on the loopback interface."""

from __future__ import annotations

import contextlib
import json
import threading
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.operations.run import run_request
from {{ cookiecutter.package_name }}.operations.trigger import TOKEN_SCOPE, rest_call, send

FAKE_TOKEN = "fake-token-for-tests"
AccessToken = namedtuple("AccessToken", "token expires_on")


class FakeCredential:
    """Stands in for azure.identity's DefaultAzureCredential: records the scopes asked for."""

    def __init__(self):
        self.scopes = []

    def get_token(self, *scopes):
        self.scopes.extend(scopes)
        return AccessToken(FAKE_TOKEN, 4102444800)


@contextlib.contextmanager
def endpoint_server(status=200, answer=None):
    """An HTTP server on 127.0.0.1 that records POSTs; stops when the block ends."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length", 0))
            received.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": json.loads(self.rfile.read(length) or b"null"),
                }
            )
            payload = json.dumps(answer if answer is not None else {"Id": "run-42"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 5
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_posts_experiment_and_parameters_with_a_bearer_token(settings):
    request = run_request(settings, "scoring", model_version="3", assignments=["note=nightly"])
    credential = FakeCredential()
    with endpoint_server() as (base, received):
        call = rest_call(
            f"{base}/pipelines/v1.0/PipelineRuns/PipelineEndpointSubmit/Id/abc", request
        )
        run_id = send(call, credential=credential, timeout=5)
    assert run_id == "run-42"
    assert credential.scopes == [TOKEN_SCOPE] == ["https://management.azure.com/.default"]
    (posted,) = received
    assert posted["path"] == "/pipelines/v1.0/PipelineRuns/PipelineEndpointSubmit/Id/abc"
    assert posted["headers"]["Authorization"] == f"Bearer {FAKE_TOKEN}"
    assert posted["body"] == {
        "ExperimentName": settings.azure.scoring_pipeline,
        "ParameterAssignments": {"model_version": "3", "note": "nightly"},
    }


def test_dataset_version_goes_in_as_a_saved_dataset_reference(settings):
    request = run_request(settings, "scoring", dataset_version="2")
    call = rest_call("https://example.invalid/endpoint", request, dataset_id="dataset-id")
    assert call.body["DataSetDefinitionValueAssignments"] == {
        "scoring_dataset": {"SavedDataSetReference": {"Id": "dataset-id"}}
    }


def test_curl_line_has_a_placeholder_not_the_token(settings):
    call = rest_call(
        "https://example.invalid/endpoint", run_request(settings, "scoring", model_version="1")
    )
    line = call.curl()
    assert '"Authorization: Bearer $TOKEN"' in line and FAKE_TOKEN not in line
    assert line.startswith("curl -X POST https://example.invalid/endpoint ")
    assert json.loads(line.split(" -d ", 1)[1].strip("'")) == call.body


def test_error_answer_becomes_a_clear_error_without_the_token(settings):
    with endpoint_server(status=403, answer={"error": "forbidden"}) as (base, _):
        call = rest_call(f"{base}/endpoint", run_request(settings, "scoring"))
        with pytest.raises(ProjectError, match="answered 403") as raised:
            send(call, credential=FakeCredential(), timeout=5)
    assert FAKE_TOKEN not in str(raised.value)


def test_url_is_the_endpoints_stable_rest_url(offline_service, settings):
    from {{ cookiecutter.package_name }}.operations.publish import publish, require_endpoint

    published = publish(offline_service, settings, "scoring")
    endpoint = require_endpoint(
        offline_service.workspace, settings, "scoring", offline_service.workflow_provider
    )
    call = rest_call(endpoint.endpoint, run_request(settings, "scoring"))
    assert call.url == published.endpoint_url and call.url.startswith("https://")
