"""The seed notebook's code, unchanged except for ``endpoint_url``, runs against the local endpoint."""

from __future__ import annotations

import json

import boto3

from tests.conftest import DUMMY_CREDENTIALS


def test_notebook_invoke_and_stream(local_server, capsys):
    bedrock_runtime = boto3.client("bedrock-runtime", endpoint_url=local_server.url, region_name="us-east-1",
                                   **DUMMY_CREDENTIALS)
    model_id = "amazon.nova-micro-v1:0"
    payload = {
        "messages": [{"role": "user", "content": [{"text": "what is capital of Nepal"}]}],
        "inferenceConfig": {"maxTokens": 50, "temperature": 0.5, "topP": 0.9},
    }
    model_invoke = bedrock_runtime.invoke_model(modelId=model_id, body=json.dumps(payload))
    headers = model_invoke["ResponseMetadata"]["HTTPHeaders"]
    assert model_invoke["ResponseMetadata"]["RequestId"] == headers["x-amzn-requestid"]
    assert headers["x-amzn-bedrock-output-token-count"] == "50"
    assert headers["x-amzn-bedrock-input-token-count"] == "5"
    assert int(headers["x-amzn-bedrock-invocation-latency"]) >= 0
    assert headers["x-amzn-bedrock-cache-read-input-token-count"] == "0"
    response = json.loads(model_invoke["body"].read())
    answer = response["output"]["message"]["content"][0]["text"]
    assert answer.startswith("The capital of Nepal is Kathmandu.")
    assert response["stopReason"] == "max_tokens"
    assert response["usage"] == {"inputTokens": 5, "outputTokens": 50, "totalTokens": 55,
                                 "cacheReadInputTokenCount": 0, "cacheWriteInputTokenCount": 0}

    model_stream = bedrock_runtime.invoke_model_with_response_stream(modelId=model_id, body=json.dumps(payload))
    assert model_stream["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/vnd.amazon.eventstream"
    assert model_stream["contentType"] == "application/json"
    full_text = ""
    kinds = []
    for event in model_stream["body"]:
        if "chunk" in event:
            chunk = event["chunk"]["bytes"]
            data = json.loads(chunk.decode("utf-8"))
            kinds.append(next(iter(data)))
            if "contentBlockDelta" in data:
                delta = data["contentBlockDelta"]["delta"]
                if "text" in delta:
                    print(delta["text"], end="", flush=True)
                    full_text += delta["text"]
            if "metadata" in data:
                metrics = data["amazon-bedrock-invocationMetrics"]
                assert metrics["inputTokenCount"] == 5
                assert metrics["outputTokenCount"] == 50
                assert metrics["invocationLatency"] >= metrics["firstByteLatency"] >= 0
    assert full_text == answer
    assert capsys.readouterr().out == answer
    assert kinds[0] == "messageStart"
    assert kinds[-3:] == ["contentBlockStop", "messageStop", "metadata"]
