"""Attachments in the conversation: a row of chips under a prompt, each a thumbnail (or the file icon) with the
name, type and size. Pictures are registered in the view's document with ``addResource`` under a private scheme,
so nothing is ever loaded from a ``file:`` URL or the network, and names are escaped like every outside value.
A thumbnail still being decoded shows as a grey box of its final size, swapped in place when it arrives."""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser

from bedrock_chat.core.attachments import Attachment, human_size
from bedrock_chat.core.conversation import Message
from bedrock_chat.ui.attachment_thumbnails import (
    THUMBNAIL_SIDE,
    Key,
    file_icon_image,
    pending_image,
    thumbnail_size,
    thumbnails,
)
from bedrock_chat.ui.rich_text import link_token

SCHEME = "bc-attachment"
_IMAGE = QTextDocument.ResourceType.ImageResource.value


def resource_url(message_id: str, index: int) -> str:
    return f"{SCHEME}:{link_token(message_id)}/{index}"


class AttachmentPictures(QObject):
    """Registers the chips' pictures in a view's document and puts each thumbnail in once it is decoded."""

    def __init__(self, view: QTextBrowser) -> None:
        super().__init__(view)
        self._view = view
        self._waiting: dict[Key, list[tuple[str, Attachment]]] = {}
        thumbnails().ready.connect(self._on_ready)

    def html(self, message: Message, muted: str) -> str:
        """The chips of a message's attachments (empty when it has none)."""
        if not message.attachments:
            return ""
        cells = []
        for index, item in enumerate(message.attachments):
            url = resource_url(message.id, index)
            picture = self._picture(url, item)
            kind = f"{item.format.upper()} {'image' if item.is_image else 'document'}"
            size = f" · {item.width}×{item.height}" if item.width and item.height else ""
            cells.append(f'<td valign="middle"><img src="{html.escape(url)}" width="{picture.width()}" '
                         f'height="{picture.height()}"></td><td valign="middle" style="padding-right:12px">'
                         f"{html.escape(item.name)}<br><span style=\"color:{muted}; font-size:small\">"
                         f"{html.escape(kind)} · {html.escape(human_size(item.size))}{html.escape(size)}</span></td>")
        return f'<table cellspacing="4" cellpadding="2"><tr>{"".join(cells)}</tr></table>'

    def _picture(self, url: str, item: Attachment) -> QImage:
        decoded = thumbnails().cached(item, THUMBNAIL_SIDE)
        if decoded is None:
            picture = pending_image(thumbnail_size(item, THUMBNAIL_SIDE))
            self._waiting.setdefault(thumbnails().key(item, THUMBNAIL_SIDE), []).append((url, item))
        else:
            picture = decoded if not decoded.isNull() else file_icon_image()
        self._view.document().addResource(_IMAGE, QUrl(url), picture)
        return picture

    def _on_ready(self, key: Key) -> None:
        for url, item in self._waiting.pop(key, []):
            decoded = thumbnails().cached(item, THUMBNAIL_SIDE)
            if decoded is not None and not decoded.isNull():  # one that cannot be decoded keeps its grey box
                self._view.document().addResource(_IMAGE, QUrl(url), decoded)
        self._view.viewport().update()
