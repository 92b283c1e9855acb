"""Whether a request's attachments, taken together, can go to a model: the kinds it takes, the API's body, and
Bedrock's limits per request (see ``attachments`` for the limits of one file)."""

from __future__ import annotations

from dataclasses import dataclass

from bedrock_chat.core.attachments import MAX_DOCUMENTS, MAX_IMAGES, Attachment, AttachmentError, AttachmentKind


@dataclass(frozen=True)
class Capabilities:
    """What a model takes besides text, from the catalog's input modalities and document support."""

    model_name: str
    images: bool
    documents: bool


def check_request(attachments: list[Attachment] | tuple[Attachment, ...], model: Capabilities,
                  api: str = "converse", family: str | None = None,
                  latest: list[Attachment] | tuple[Attachment, ...] | None = None) -> None:
    """Raises ``AttachmentError`` when these attachments cannot go out with one request to this model.

    ``attachments``: every attachment the request carries (earlier turns' are sent again); ``latest``: those of
    the prompt being sent (None: all of them), so the advice fits (remove a file, or start a new conversation).
    ``api``/``family``: InvokeModel bodies carry images only for Claude and Nova, and documents not at all."""
    latest = attachments if latest is None else latest
    images = [item for item in attachments if item.is_image]
    documents = [item for item in attachments if not item.is_image]

    def remedy(kind: str, in_latest: bool) -> str:
        if in_latest:
            return f"remove the {kind}"
        return f"start a new conversation (earlier prompts' {kind}s are sent again with every turn)"

    new_images, new_documents = any(item.is_image for item in latest), any(not item.is_image for item in latest)
    if images and not model.images:
        raise AttachmentError(f"{model.model_name} does not take images. Choose a model with image input "
                              f"(for example Nova Lite or Claude Sonnet), or {remedy('image', new_images)}.")
    if documents and not model.documents:
        raise AttachmentError(f"{model.model_name} does not take documents. Choose another model (for example "
                              f"Nova Lite or Claude), or {remedy('document', new_documents)}.")
    if api == "invoke":
        if documents:
            raise AttachmentError("Documents go to Bedrock through the Converse API only. Switch the API to "
                                  f"Converse in the parameters, or {remedy('document', new_documents)}.")
        if images and family not in ("anthropic", "nova"):
            raise AttachmentError(f"The InvokeModel body of {model.model_name} has no place for images. "
                                  f"Switch the API to Converse, or {remedy('image', new_images)}.")
    for kind, items, limit in (("image", images, MAX_IMAGES), ("document", documents, MAX_DOCUMENTS)):
        if len(items) <= limit:
            continue
        if len(items) == sum(1 for item in latest if (item.kind == AttachmentKind.IMAGE) == (kind == "image")):
            raise AttachmentError(f"{len(items)} {kind}s are attached; Bedrock takes at most {limit} per request. "
                                  "Remove some.")
        raise AttachmentError(f"With those of earlier turns, this request would carry {len(items)} {kind}s; "
                              f"Bedrock takes at most {limit} per request. Start a new conversation, or remove "
                              "some.")
