"""ListFoundationModels, GetFoundationModel and ListInferenceProfiles through the real ``bedrock`` client."""

from __future__ import annotations

from tests.conftest import make_client


def test_list_foundation_models(control):
    summaries = control.list_foundation_models()["modelSummaries"]
    by_id = {summary["modelId"]: summary for summary in summaries}
    nova = by_id["amazon.nova-micro-v1:0"]
    assert nova["providerName"] == "Amazon"
    assert nova["outputModalities"] == ["TEXT"]
    assert nova["responseStreamingSupported"] is True
    assert nova["modelArn"] == "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0"
    assert {"Anthropic", "Meta", "Mistral AI", "Amazon", "DeepSeek"} <= {s["providerName"] for s in summaries}
    assert by_id["amazon.titan-embed-text-v2:0"]["outputModalities"] == ["EMBEDDING"]


def test_filters(control):
    text = control.list_foundation_models(byOutputModality="TEXT")["modelSummaries"]
    assert text and all("TEXT" in s["outputModalities"] for s in text)
    anthropic = control.list_foundation_models(byProvider="anthropic")["modelSummaries"]
    assert anthropic and {s["providerName"] for s in anthropic} == {"Anthropic"}
    on_demand = control.list_foundation_models(byInferenceType="ON_DEMAND")["modelSummaries"]
    assert "anthropic.claude-3-7-sonnet-20250219-v1:0" not in {s["modelId"] for s in on_demand}


def test_get_foundation_model(control):
    details = control.get_foundation_model(modelIdentifier="meta.llama3-8b-instruct-v1:0")["modelDetails"]
    assert details["modelName"] == "Llama 3 8B Instruct"


def test_inference_profiles_follow_the_region(local_server):
    us = make_client("bedrock", local_server.url, region="us-west-2").list_inference_profiles()
    ids = {p["inferenceProfileId"] for p in us["inferenceProfileSummaries"]}
    assert "us.anthropic.claude-3-7-sonnet-20250219-v1:0" in ids
    assert "us.deepseek.r1-v1:0" in ids
    profile = next(p for p in us["inferenceProfileSummaries"] if p["inferenceProfileId"].endswith("nova-micro-v1:0"))
    assert profile["models"][0]["modelArn"].endswith("foundation-model/amazon.nova-micro-v1:0")
    assert profile["type"] == "SYSTEM_DEFINED" and profile["status"] == "ACTIVE"
    eu = make_client("bedrock", local_server.url, region="eu-central-1").list_inference_profiles()
    eu_ids = {p["inferenceProfileId"] for p in eu["inferenceProfileSummaries"]}
    assert all(i.startswith("eu.") for i in eu_ids) and "eu.deepseek.r1-v1:0" not in eu_ids


def test_inference_profile_pagination(control):
    paginator = control.get_paginator("list_inference_profiles")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 4}))
    assert len(pages) > 2
    everything = [p["inferenceProfileId"] for page in pages for p in page["inferenceProfileSummaries"]]
    whole = control.list_inference_profiles()["inferenceProfileSummaries"]
    assert everything == [profile["inferenceProfileId"] for profile in whole]
