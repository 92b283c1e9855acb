"""The request on screen as code a person can run elsewhere: boto3 Python, or an AWS CLI command.

Pure functions of the request and the connection. Never a credential: the code takes them where boto3 and the
CLI always do (environment, profile, ``AWS_BEARER_TOKEN_BEDROCK``); only the region, the profile name and an
endpoint URL the connection sets are written out.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import pprint
import shlex
from dataclasses import dataclass

from bedrock_chat.bedrock.connection import ConnectionSettings, hide_password
from bedrock_chat.bedrock.families import native_schema
from bedrock_chat.bedrock.requests import TurnRequest


@dataclass(frozen=True)
class CodeTarget:
    """Where the code sends the request: the connection's region, profile and endpoint URL, nothing secret."""

    region: str
    profile: str | None = None
    endpoint_url: str | None = None

    @classmethod
    def of(cls, connection: ConnectionSettings) -> CodeTarget:
        # A URL with a password in it is shown masked; the offline endpoint has no profile to name.
        url = hide_password(connection.endpoint_url) if connection.endpoint_url else None
        profile = None if connection.offline or connection.uses_api_key else connection.profile
        return cls(connection.region, profile, url)


# Per native schema: the reply's text in a whole answer (``result``) and in one stream chunk (``data``).
_WHOLE_TEXT = {
    "nova": 'result["output"]["message"]["content"][0]["text"]',
    "anthropic": '"".join(block["text"] for block in result["content"] if block["type"] == "text")',
    "llama": 'result["generation"]',
    "llama4": 'result["generation"]',
    "mistral": 'result["outputs"][0]["text"]',
    "mistral-chat": 'result["choices"][0]["message"]["content"]',
    "deepseek": 'result["choices"][0]["text"]',
    "titan": 'result["results"][0]["outputText"]',
    "cohere": 'result["text"]',
    "jamba": 'result["choices"][0]["message"]["content"]',
    "qwen": 'result["choices"][0]["message"]["content"]',
    # gpt-oss puts its reasoning, in <reasoning> tags, before the answer.
    "openai": 're.sub(r"\\A\\s*<reasoning>.*?</reasoning>\\s*", "", result["choices"][0]["message"]["content"], '
              'flags=re.DOTALL)',
}
_CHUNK_TEXT = {
    "nova": 'data.get("contentBlockDelta", {}).get("delta", {}).get("text", "")',
    "anthropic": 'data["delta"].get("text", "") if data["type"] == "content_block_delta" else ""',
    "llama": 'data.get("generation") or ""',
    "llama4": 'data.get("generation") or ""',
    "mistral": 'data["outputs"][0]["text"]',
    "mistral-chat": 'data["choices"][0]["message"].get("content") or ""',
    "deepseek": 'data["choices"][0]["text"]',
    "titan": 'data.get("outputText") or ""',
    "cohere": 'data["text"] if data.get("event_type") == "text-generation" else ""',
    "jamba": 'data["choices"][0]["delta"].get("content") or "" if data.get("choices") else ""',
    "qwen": 'data["choices"][0]["delta"].get("content") or "" if data.get("choices") else ""',
    "openai": 'data["choices"][0]["delta"].get("content") or "" if data.get("choices") else ""',
}


def _literal(value: object, indent: int = 0) -> str:
    """A Python literal of a JSON value, wrapped to read well (json's true/false/null become Python's)."""
    text = pprint.pformat(value, width=100, sort_dicts=False)
    return text.replace("\n", "\n" + " " * indent)


def _client_lines(target: CodeTarget) -> list[str]:
    session_args = [f"region_name={target.region!r}"]
    if target.profile:
        session_args.insert(0, f"profile_name={target.profile!r}")
    client_args = '"bedrock-runtime"' + (f", endpoint_url={target.endpoint_url!r}" if target.endpoint_url else "")
    return [
        "# Credentials come from where boto3 always finds them (environment, profile, SSO, or a Bedrock API key",
        "# in AWS_BEARER_TOKEN_BEDROCK); none is written here.",
        f"session = boto3.Session({', '.join(session_args)})",
        f"bedrock_runtime = session.client({client_args})",
    ]


def python_code(request: TurnRequest, target: CodeTarget) -> str:
    """boto3 code that sends exactly this request and prints the reply (as it streams, when it streams)."""
    invoke = request.options.api == "invoke"
    schema = native_schema(request.model.model_id) or ""
    if invoke and schema not in _WHOLE_TEXT:
        raise ValueError(f"No native schema is known for {request.model.model_id}; use the Converse API.")
    imports = ["import json", *(["import re"] if invoke and not request.streaming and schema == "openai" else [])]
    lines = [*imports, "", "import boto3", "", *_client_lines(target), f"model_id = {request.model.invoke_id!r}", ""]
    if invoke:
        body = request.body()
        lines.append(f"body = {_literal(body, 7)}")
        # The guardrail, latency and service tier travel beside InvokeModel's body (as headers).
        options = "".join(f", {key}={value!r}" for key, value in _invoke_options(request).items())
        lines.append("")
        if request.streaming:
            lines += [
                "response = bedrock_runtime.invoke_model_with_response_stream(modelId=model_id, "
                f"body=json.dumps(body){options})",
                'full_text = ""',
                'for event in response["body"]:',
                '    if "chunk" in event:',
                '        data = json.loads(event["chunk"]["bytes"])',
                f"        text = {_CHUNK_TEXT[schema]}",
                "        if text:",
                '            print(text, end="", flush=True)',
                "            full_text += text",
                "print()",
            ]
        else:
            lines += [
                f"response = bedrock_runtime.invoke_model(modelId=model_id, body=json.dumps(body){options})",
                'result = json.loads(response["body"].read())',
                f"print({_WHOLE_TEXT[schema]})",
            ]
    else:
        # What boto3 is handed, not the preview's JSON: attachments there are bytes, as boto3 wants them.
        sent = {key: value for key, value in request.call_arguments().items() if key != "modelId"}
        lines.append(f"request = {_literal(sent, 10)}")
        lines.append("")
        if request.streaming:
            lines += [
                "response = bedrock_runtime.converse_stream(modelId=model_id, **request)",
                'full_text = ""',
                'for event in response["stream"]:',
                '    if "contentBlockDelta" in event:',
                '        delta = event["contentBlockDelta"]["delta"]',
                '        if "text" in delta:',
                '            print(delta["text"], end="", flush=True)',
                '            full_text += delta["text"]',
                '    elif "metadata" in event:',
                '        usage = event["metadata"]["usage"]',
                "print()",
            ]
        else:
            lines += [
                "response = bedrock_runtime.converse(modelId=model_id, **request)",
                'content = response["output"]["message"]["content"]',
                'print("".join(block["text"] for block in content if "text" in block))',
            ]
    if lines[0] == "import json" and "json." not in "\n".join(lines[1:]):
        lines = lines[2:]  # Converse needs no json
    return "\n".join(lines) + "\n"


def _invoke_options(request: TurnRequest) -> dict[str, object]:
    return {key: value for key, value in request.call_arguments().items()
            if key not in ("modelId", "body", "contentType", "accept")}


_CLI_OPTIONS = {"guardrailIdentifier": "--guardrail-identifier", "guardrailVersion": "--guardrail-version",
                "trace": "--trace", "performanceConfigLatency": "--performance-config-latency",
                "serviceTier": "--service-tier"}


def _blob(value: object) -> str:
    """Bytes in a Converse body (an image or document) go to the CLI's JSON input base64-encoded, as it expects."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def cli_command(request: TurnRequest, target: CodeTarget) -> str:
    """An AWS CLI (v2) command for a POSIX shell that sends this request (without streaming: the CLI can't)."""
    model = request.model.invoke_id
    # The CLI sends the request unstreamed, so the body is the unstreamed one: ConverseStream's own fields (the
    # guardrail's streamProcessingMode) make the CLI's converse refuse the whole command.
    sent = dataclasses.replace(request, options=dataclasses.replace(request.options, streaming=False))
    body = json.dumps(sent.body(), ensure_ascii=False, default=_blob)
    if request.options.api == "invoke":
        parts = [["aws", "bedrock-runtime", "invoke-model"], ["--model-id", model],
                 ["--content-type", "application/json"], ["--accept", "application/json"],
                 ["--cli-binary-format", "raw-in-base64-out"], ["--body", body]]
        parts += [[_CLI_OPTIONS[key], str(value)] for key, value in _invoke_options(request).items()
                  if key in _CLI_OPTIONS]
    else:
        parts = [["aws", "bedrock-runtime", "converse"], ["--model-id", model], ["--cli-input-json", body]]
    parts.append(["--region", target.region])
    if target.profile:
        parts.append(["--profile", target.profile])
    if target.endpoint_url:
        parts.append(["--endpoint-url", target.endpoint_url])
    if request.options.api == "invoke":
        parts.append(["reply.json"])  # invoke-model writes the answer to this file
    lines = [" ".join(shlex.quote(word) for word in part) for part in parts]
    head = []
    if request.streaming:
        head.append("# The AWS CLI cannot stream replies: this sends the same request and waits for the whole reply.")
    return "\n".join([*head, " \\\n  ".join(lines)]) + "\n"
