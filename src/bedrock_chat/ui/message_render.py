"""The HTML the conversation view shows for each message, in the theme in use: prompt cards, reply headers,
rendered reply bodies with their reasoning and status. It keeps what that HTML refers to later: each reply's
code blocks (what its Copy links copy) and which replies show their reasoning.

Kept out of ``chat_view`` so the view is about the document (rendering it whole, streaming at its end,
scrolling) and this is about what one message looks like.
"""

from __future__ import annotations

from bedrock_chat.core.conversation import Message, Role
from bedrock_chat.core.markdown_blocks import Piece
from bedrock_chat.core.safe_markdown import RenderContext, render_pieces, render_reply
from bedrock_chat.ui import message_html as parts_html
from bedrock_chat.ui.attachment_view import AttachmentPictures
from bedrock_chat.ui.rich_text import link_token


class MessageRenderer:
    def __init__(self, pictures: AttachmentPictures) -> None:
        self.dark = False
        self.code_blocks: dict[str, list[str]] = {}  # message id -> its code blocks, in order
        self.expanded_reasoning: set[str] = set()  # ids of the replies whose reasoning is shown
        self._pictures = pictures

    def colors(self) -> parts_html.Palette:
        return parts_html.palette(self.dark)

    def copied_code(self, message_id: str, number: str) -> str | None:
        """The text of code block ``number`` (from a link: unchecked) of a message, or None."""
        blocks = self.code_blocks.get(message_id, [])
        return blocks[int(number)] if number.isdigit() and int(number) < len(blocks) else None

    def header_html(self, message: Message) -> str:
        return parts_html.header_html(message, self.colors())

    def message_html(self, message: Message) -> str:
        if message.role == Role.USER:
            chips = self._pictures.html(message, self.colors().muted)
            return parts_html.user_card_html(message, self.colors(), chips)
        return self.header_html(message) + self.reply_body_html(message)

    def render_pieces(self, pieces: list[Piece], context: RenderContext, message_id: str) -> str:
        """Pieces of a streaming reply, cut as the whole reply is cut, with the message's Copy links."""
        fragment = render_pieces(pieces, context, parts_html.code_theme(self.dark))
        return parts_html.code_links(fragment, link_token(message_id))

    def reasoning_html(self, message: Message) -> str:
        return parts_html.reasoning_html(message, message.id in self.expanded_reasoning, self.colors())

    def reply_body_html(self, message: Message) -> str:
        rendered = render_reply(message.text, parts_html.code_theme(self.dark))
        self.code_blocks[message.id] = rendered.code_blocks
        body = parts_html.code_links(rendered.html, link_token(message.id))
        return self.reasoning_html(message) + body + self.status_html(message)

    def status_html(self, message: Message) -> str:
        return parts_html.status_html(message, self.colors())
