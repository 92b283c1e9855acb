"""Attachments in the conversation: a row of chips under a prompt, each a thumbnail (or the file icon) with the
name, type and size. Pictures are registered in the view's document with ``addResource`` under a private scheme,
so nothing is ever loaded from a ``file:`` URL or the network, and names are escaped like every outside value."""

from __future__ import annotations

import html

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from bedrock_chat.core.attachments import human_size
from bedrock_chat.core.conversation import Message
from bedrock_chat.ui.attachment_thumbnails import THUMBNAIL_SIDE, file_icon_image, thumbnail
from bedrock_chat.ui.rich_text import link_token

SCHEME = "bc-attachment"


def resource_url(message_id: str, index: int) -> str:
    return f"{SCHEME}:{link_token(message_id)}/{index}"


def attachments_html(document: QTextDocument, message: Message, muted: str) -> str:
    """The chips of a message's attachments (empty when it has none); registers their pictures in ``document``."""
    if not message.attachments:
        return ""
    cells = []
    for index, item in enumerate(message.attachments):
        url = resource_url(message.id, index)
        picture = thumbnail(item, THUMBNAIL_SIDE)
        if picture.isNull():
            picture = file_icon_image()
        document.addResource(QTextDocument.ResourceType.ImageResource.value, QUrl(url), picture)
        kind = f"{item.format.upper()} {'image' if item.is_image else 'document'}"
        size = f" · {item.width}×{item.height}" if item.width and item.height else ""
        cells.append(f'<td valign="middle"><img src="{html.escape(url)}" width="{picture.width()}" '
                     f'height="{picture.height()}"></td><td valign="middle" style="padding-right:12px">'
                     f"{html.escape(item.name)}<br><span style=\"color:{muted}; font-size:small\">"
                     f"{html.escape(kind)} · {html.escape(human_size(item.size))}{html.escape(size)}</span></td>")
    return f'<table cellspacing="4" cellpadding="2"><tr>{"".join(cells)}</tr></table>'
