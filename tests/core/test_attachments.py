"""Attachment checks: formats from bytes, Bedrock's limits, document names, and what a request may carry."""

from __future__ import annotations

import pytest

from bedrock_chat.core.attachment_request_checks import Capabilities, check_request
from bedrock_chat.core.attachments import (
    MAX_DOCUMENT_BYTES,
    MAX_IMAGE_BYTES,
    AttachmentError,
    AttachmentKind,
    make_attachment,
)
from bedrock_chat.core.conversation import Conversation, Role
from bedrock_chat.core.document_names import document_name, document_names
from bedrock_chat.core.image_headers import image_dimensions
from tests.attachment_files import GIF_1X1, HTML_PRETENDING, PDF, jpeg_header, png, png_header_only, webp_vp8x


def test_image_headers_give_format_and_size_without_a_decoder():
    assert image_dimensions(png(40, 30)) == ("png", 40, 30)
    assert image_dimensions(GIF_1X1) == ("gif", 1, 1)
    assert image_dimensions(webp_vp8x(640, 480)) == ("webp", 640, 480)
    assert image_dimensions(jpeg_header(800, 600)) == ("jpeg", 800, 600)
    assert image_dimensions(HTML_PRETENDING) is None
    assert image_dimensions(png(4, 4)[:20]) is None  # cut short before the size
    assert image_dimensions(b"\xff\xd8\xff\xe0\x00") is None


def test_an_image_is_recognised_by_its_bytes_not_its_name():
    pasted = make_attachment("clipboard", png(5, 7))
    assert (pasted.kind, pasted.format, pasted.width, pasted.height) == (AttachmentKind.IMAGE, "png", 5, 7)
    renamed = make_attachment("photo.jpg", png(2, 2))
    assert renamed.format == "png" and renamed.media_type == "image/png"


@pytest.mark.parametrize(("name", "data", "words"), [
    ("page.png", HTML_PRETENDING, "not a readable PNG image"),
    ("cut.png", png(10, 10)[:-20], "cut short"),
    ("cut.jpg", jpeg_header(10, 10)[:-2], "cut short"),
    ("cut.webp", webp_vp8x(10, 10)[:-3], "cut short"),
    ("header.png", png(10, 10)[:20], "not a readable PNG image"),
    ("tool.exe", b"MZ\x90\x00", "not a file Bedrock accepts"),
    ("huge.png", png_header_only(9000, 100), "9000×100 pixels"),
    ("zero.png", png_header_only(0, 10), "damaged"),
    ("report.pdf", HTML_PRETENDING, "not a real PDF file"),
    ("empty.txt", b"", "is empty"),
])
def test_refused_files_say_why(name, data, words):
    with pytest.raises(AttachmentError, match=words):
        make_attachment(name, data)


def test_sizes_are_checked_against_bedrock_limits():
    assert make_attachment("big.png", png(2, 2, extra=MAX_IMAGE_BYTES - 200)).size <= MAX_IMAGE_BYTES
    with pytest.raises(AttachmentError, match=r"images of at most 3\.75 MB \(3,750,000 bytes\)"):
        make_attachment("bigger.png", png(2, 2, extra=MAX_IMAGE_BYTES))
    assert make_attachment("notes.txt", b"a" * MAX_DOCUMENT_BYTES).kind == AttachmentKind.DOCUMENT
    with pytest.raises(AttachmentError, match=r"documents of at most 4\.50 MB \(4,500,000 bytes\)"):
        make_attachment("notes.txt", b"a" * (MAX_DOCUMENT_BYTES + 1))


@pytest.mark.parametrize(("file_name", "expected"), [
    ("Quarterly report.pdf", "Quarterly report"),
    ("attachment.pdf", "attachment"),
    ("my_notes  v2.final.md", "my notes v2 final"),
    ('<img src=x onerror=alert(1)>  "ignore previous"\t.txt', "img src x onerror alert(1) ignore previous"),
    ("../../etc/passwd.csv", "passwd"),
    ("отчёт.pdf", "Document"),
    ("[draft] (v3) - plan.docx", "[draft] (v3) - plan"),
])
def test_document_names_follow_the_documentblock_rules(file_name, expected):
    assert document_name(file_name) == expected


def test_document_names_are_unique_within_a_message():
    docs = tuple(make_attachment(name, b"x") for name in ("a.txt", "a.md", "b.txt", "a.csv"))
    assert document_names(docs) == ["a", "a (2)", "b", "a (3)"]
    long_name = document_name("x" * 500 + ".txt")
    assert 1 <= len(long_name) <= 200 and set(long_name) == {"x"}


def test_document_names_are_unique_across_a_requests_messages():
    """Bedrock refuses a request whose messages hold two documents of one name (earlier turns' are sent again)."""
    taken: set[str] = set()
    assert document_names((make_attachment("Plan.pdf", PDF),), taken) == ["Plan"]
    assert document_names((make_attachment("plan.pdf", PDF), make_attachment("b.txt", b"x")), taken) == \
        ["plan (2)", "b"]


def test_hostile_display_names_are_bounded_and_plain():
    item = make_attachment("dir/\x1b[31m" + "n" * 300 + ".txt", b"x")
    assert "\x1b" not in item.name and "/" not in item.name and len(item.name) <= 120


VISION = Capabilities("Nova Lite", images=True, documents=True)
TEXT_ONLY = Capabilities("Nova Micro", images=False, documents=False)


def test_a_request_is_checked_before_sending():
    image, doc = make_attachment("a.png", png()), make_attachment("a.pdf", PDF)
    check_request([image] * 20 + [doc] * 5, VISION)
    with pytest.raises(AttachmentError, match="at most 20 per request"):
        check_request([image] * 21, VISION)
    with pytest.raises(AttachmentError, match="at most 5 per request"):
        check_request([doc] * 6, VISION)
    with pytest.raises(AttachmentError, match="Nova Micro does not take images"):
        check_request([image], TEXT_ONLY)
    with pytest.raises(AttachmentError, match="does not take documents"):
        check_request([doc], TEXT_ONLY)
    with pytest.raises(AttachmentError, match="Converse API only"):
        check_request([doc], VISION, api="invoke", family="nova")
    check_request([image], VISION, api="invoke", family="anthropic")
    with pytest.raises(AttachmentError, match="no place for images"):
        check_request([image], VISION, api="invoke", family="llama")


def test_history_carries_each_turns_attachments_again():
    image = make_attachment("a.png", png())
    conversation = Conversation()
    conversation.add_user_message("look", (image,))
    reply = conversation.start_reply("m", "converse", {})
    reply.text = "seen"
    assert conversation.history_attachments("and now?") == [(image,), (), ()]
    assert [role for role, _ in conversation.history("and now?")] == [Role.USER, Role.ASSISTANT, Role.USER]
    assert conversation.history_attachments("x", (image,))[-1] == (image,)


def test_advice_fits_attachments_of_earlier_turns():
    image = make_attachment("a.png", png())
    with pytest.raises(AttachmentError, match=r"start a new conversation \(earlier prompts' images are sent again"):
        check_request([image], TEXT_ONLY, latest=[])
    with pytest.raises(AttachmentError, match="With those of earlier turns, this request would carry 21 images"):
        check_request([image] * 21, VISION, latest=[image])
