"""The plain, not yet rendered text at the end of a streaming reply, kept in blocks of a few hundred characters.

Two Qt costs grow with the plain text (measured): adding text to a block lays the whole block out again (2 ms to
append 500 characters to a 3,500-character line, 5 ms at 8,000), and replacing text before other blocks moves
every block after it (1.6 ms per rendered piece with 2,000 plain lines behind it, 0.2 ms with a few). When a reply
outran rendering, each rendered piece thus cost more, and rendering fell further behind. So the plain text is
laid out in blocks of about ``PLAIN_BLOCK`` characters: its line ends become line separators inside a block (one
document position each, like the paragraph break they replace) until the block is long enough, and a run without a
line end gets an extra break. It only lives until its text is rendered; this object remembers where the extra
breaks are, so the text can be found again in the document.
"""

from __future__ import annotations

from collections import deque

PLAIN_BLOCK = 400  # characters of plain text per block at most, while it waits to be rendered
SOFT_BLOCK = 300  # a line end after this many characters of a block ends the block
LINE_SEPARATOR = "\u2028"  # a line break inside a block (toPlainText shows it as "\n")


class PlainTail:
    def __init__(self) -> None:
        self._run = 0  # characters in the last plain block so far
        self._breaks: deque[int] = deque()  # offsets in the reply's text just before which a break was added

    def shaped(self, text: str, offset: int) -> str:
        """``text`` (which starts at ``offset`` in the reply's text) as it is inserted: the same number of
        document positions, plus one for each extra break."""
        parts: list[str] = []
        position = 0
        while position < len(text):
            room = PLAIN_BLOCK - self._run
            newline = text.find("\n", position, position + room)
            if newline >= 0:  # a line ends within the block
                self._run += newline + 1 - position
                ends_block = self._run >= SOFT_BLOCK
                parts.append(text[position:newline] + ("\n" if ends_block else LINE_SEPARATOR))
                self._run = 0 if ends_block else self._run
                position = newline + 1
            elif len(text) - position <= room:
                parts.append(text[position:])
                self._run += len(text) - position
                position = len(text)
            else:  # a run without a line end: an extra break
                cut = position + room
                parts.append(text[position:cut] + "\n")
                self._breaks.append(offset + cut)
                self._run = 0
                position = cut
        return "".join(parts)

    def breaks_through(self, end: int) -> int:
        """How many extra breaks lie in the plain text up to ``end`` (one just before ``end`` included); they
        are forgotten, as that text is about to be replaced by its rendering."""
        count = 0
        while self._breaks and self._breaks[0] <= end:
            self._breaks.popleft()
            count += 1
        return count
