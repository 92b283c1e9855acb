"""``bedrock-chat-local`` starts, prints its URL, serves boto3, and stops on SIGTERM."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_client


def _command() -> list[str]:
    script = shutil.which("bedrock-chat-local", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "bedrock_chat.local_endpoint"]


def test_cli_prints_url_serves_and_stops():
    process = subprocess.Popen([*_command(), "--host", "127.0.0.1", "--port", "0", "--tokens-per-second", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, line
        client = make_client("bedrock-runtime", match.group(1))
        response = client.converse(modelId="amazon.nova-micro-v1:0",
                                   messages=[{"role": "user", "content": [{"text": "hi"}]}])
        assert response["stopReason"] == "end_turn"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]


def test_cli_reports_a_busy_port():
    with subprocess.Popen([*_command(), "--port", "0"], stdout=subprocess.PIPE, text=True) as first:
        assert first.stdout is not None
        port = first.stdout.readline().rsplit(":", 1)[1].strip()
        second = subprocess.run([*_command(), "--port", port], capture_output=True, text=True, timeout=10,
                                check=False)
        first.terminate()
    assert second.returncode == 2
    assert "cannot listen" in second.stderr and "Traceback" not in second.stderr


def test_cli_denies_operations_and_serves_application_profiles():
    import pytest
    from botocore.exceptions import ClientError

    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-a"
    process = subprocess.Popen([*_command(), "--port", "0", "--tokens-per-second", "0", "--deny",
                                "ListFoundationModels", "--application-profile", "team-a=amazon.nova-micro-v1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", process.stdout.readline()).group(1)  # type: ignore[union-attr]
        with pytest.raises(ClientError) as raised:
            make_client("bedrock", url).list_foundation_models()
        assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
        profile = make_client("bedrock", url).get_inference_profile(inferenceProfileIdentifier=arn)
        assert profile["models"][0]["modelArn"].endswith("/amazon.nova-micro-v1:0")
        answer = make_client("bedrock-runtime", url).converse(
            modelId=arn, messages=[{"role": "user", "content": [{"text": "hi"}]}])
        assert answer["stopReason"] == "end_turn"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
