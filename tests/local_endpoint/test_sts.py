"""STS GetCallerIdentity on the local endpoint, through a real boto3 sts client (query protocol, XML)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DUMMY_CREDENTIALS, make_client, send_header


def test_get_caller_identity_answers_with_the_signing_key(local_server):
    sts = make_client("sts", local_server.url)
    identity = sts.get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"].startswith("arn:aws:iam::123456789012:")
    assert identity["UserId"] == DUMMY_CREDENTIALS["aws_access_key_id"]
    request = local_server.requests[-1]
    assert (request.method, request.path, request.auth_scheme) == ("POST", "/", "AWS4-HMAC-SHA256")


@pytest.mark.parametrize(("fault", "code"), [("expired-token", "ExpiredToken"), ("access-denied", "AccessDenied")])
def test_identity_faults_arrive_as_sts_errors(local_server, fault, code):
    sts = make_client("sts", local_server.url, retries={"max_attempts": 1})
    send_header(sts, "x-bedrock-local-fault", fault)
    with pytest.raises(ClientError) as raised:
        sts.get_caller_identity()
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_an_unknown_sts_action_is_refused_by_name(local_server):
    sts = make_client("sts", local_server.url, retries={"max_attempts": 1})
    with pytest.raises(ClientError) as raised:
        sts.get_session_token()
    assert raised.value.response["Error"]["Code"] == "InvalidAction"
    assert "GetSessionToken" in raised.value.response["Error"]["Message"]
