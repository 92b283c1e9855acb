"""A guardrail's trace (Converse ``trace.guardrail``) in words: which policy matched what, in the prompt or reply."""

from __future__ import annotations

from typing import Any

from bedrock_chat.core.events import GuardrailIntervened

_ACTED = ("BLOCKED", "ANONYMIZED", "GUARDRAIL_INTERVENED")


def _acted(item: dict[str, Any]) -> bool:
    return str(item.get("action", "")) in _ACTED and item.get("detected", True) is not False


def _findings(assessment: dict[str, Any], where: str) -> list[str]:
    """One line per policy entry that acted (Bedrock also lists entries that only detected)."""
    lines: list[str] = []
    for topic in assessment.get("topicPolicy", {}).get("topics", []):
        if _acted(topic):
            lines.append(f"Denied topic “{topic.get('name', '?')}” in the {where} ({str(topic['action']).lower()})")
    for item in assessment.get("contentPolicy", {}).get("filters", []):
        if _acted(item):
            lines.append(f"Content filter {item.get('type', '?')} ({str(item.get('confidence', '?')).lower()} "
                         f"confidence) in the {where} ({str(item['action']).lower()})")
    words = assessment.get("wordPolicy", {})
    for item in [*words.get("customWords", []), *words.get("managedWordLists", [])]:
        if _acted(item):
            kind = "Profanity" if item.get("type") == "PROFANITY" else "Word"
            lines.append(f"{kind} policy: “{item.get('match', '?')}” in the {where} ({str(item['action']).lower()})")
    sensitive = assessment.get("sensitiveInformationPolicy", {})
    for item in [*sensitive.get("piiEntities", []), *sensitive.get("regexes", [])]:
        if _acted(item):
            name = item.get("type") or item.get("name") or "pattern"
            lines.append(f"Sensitive information {name} in the {where} ({str(item['action']).lower()})")
    for item in assessment.get("contextualGroundingPolicy", {}).get("filters", []):
        if _acted(item):
            lines.append(f"Contextual grounding {item.get('type', '?')} check failed in the {where}")
    return lines


def describe_trace(trace: Any) -> GuardrailIntervened:
    """The trace as a readable event; a trace of an unknown shape still says that the guardrail acted."""
    guardrail = trace.get("guardrail", {}) if isinstance(trace, dict) else {}
    findings: list[str] = []
    try:
        for assessment in (guardrail.get("inputAssessment") or {}).values():
            findings += _findings(assessment, "prompt")
        for assessments in (guardrail.get("outputAssessments") or {}).values():
            for assessment in assessments:
                findings += _findings(assessment, "reply")
    except (AttributeError, TypeError, KeyError):
        findings.append("The guardrail's trace could not be read.")
    action = str(guardrail.get("actionReason") or "The guardrail intervened.")
    return GuardrailIntervened(action=action, findings=tuple(dict.fromkeys(findings)))


def has_intervention(trace: Any) -> bool:
    guardrail = trace.get("guardrail") if isinstance(trace, dict) else None
    return bool(guardrail and (guardrail.get("inputAssessment") or guardrail.get("outputAssessments")))
