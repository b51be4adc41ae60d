"""Page layout of a letter on A4, drawn straight on a ReportLab canvas.

A small block model (paragraphs with bold runs, bullet lists, tables, a framed card, a signature) is laid
out in two passes: first into pages of drawing operations, then drawn once the page count is known, so
every page can say "Page 1/2". Platypus would do the same at a third of the speed: a batch of the day's
acknowledgements must not keep an agent waiting.

Geometry (millimetres from the top-left corner): letterhead at the top left; the recipient block in the
window of a DL envelope (from 110 mm across, first line at 52 mm down, NF Z10-011); references facing it;
fold marks at 99 and 198 mm.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from backoffice.letters.fonts import BOLD, ITALIC, REGULAR, register_fonts, string_width

MM = 72 / 25.4
PAGE_W, PAGE_H = A4
LEFT = 20 * MM
RIGHT = PAGE_W - 18 * MM
BODY_W = RIGHT - LEFT
WINDOW_X = 110 * MM
BODY_SIZE = 10.0
LEADING = 13.5
SMALL = 8.5
FIRST_BODY_TOP = 100 * MM
NEXT_BODY_TOP = 26 * MM
BODY_BOTTOM = PAGE_H - 24 * MM
ACCENT = (0.09, 0.22, 0.45)
GREY = (0.35, 0.35, 0.35)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False

    @property
    def font(self) -> str:
        return BOLD if self.bold else ITALIC if self.italic else REGULAR


def plain(text: str) -> tuple[Run, ...]:
    return (Run(text),)


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    space_after: float = 7.0
    indent: float = 0.0
    size: float = BODY_SIZE
    keep_with_next: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[Run, ...], ...]
    space_after: float = 7.0


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # fraction of the body width
    align: str = "left"


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    header: bool = True
    empty_text: str = ""
    space_after: float = 9.0


@dataclass(frozen=True)
class Card:
    """A framed box of label/value lines (the "Mémo véhicule assuré")."""

    title: str
    rows: tuple[tuple[str, str], ...]
    note: str = ""
    space_after: float = 10.0


@dataclass(frozen=True)
class Signature:
    lines: tuple[str, ...]
    space_before: float = 10.0


@dataclass(frozen=True)
class Spacer:
    height: float


Block = Para | Bullets | Table | Card | Signature | Spacer


@dataclass(frozen=True)
class Page:
    """What a letter prints outside its flowing body."""

    letterhead: tuple[str, ...]  # insurer, centre, street, postcode + city, contact line
    recipient: tuple[str, ...]
    references: tuple[tuple[str, str], ...]
    reference: str
    place_date: str
    subject: str
    footer: tuple[str, ...]
    title: str
    author: str


Op = tuple  # ("t"|"r"|"c", x, y, font, size, text, colour) | ("l", x1, y1, x2, y2, width, grey) | ("box", …)


@dataclass
class _Slice:
    height: float
    ops: list[Op] = field(default_factory=list)
    keep_with_next: bool = False


# Spaces that must not break: before « : ; ! ? » », after « « », inside "01 49 15 33 00", "9 h", "12 h 30", "20 %".
_FRENCH_SPACES = re.compile(r" (?=[:;!?»])|(?<=«) |(?<=\d) (?=\d|h\b|%)|(?<=\bh) (?=\d)")


_wrapped: dict[tuple[tuple[Run, ...], float, float], list[list[tuple[str, str, float]]]] = {}


def wrap(runs: Sequence[Run], width: float, size: float) -> list[list[tuple[str, str, float]]]:
    """``_wrap`` memoised: the fixed paragraphs of a template are laid out once per process."""
    key = (tuple(runs), width, size)
    lines = _wrapped.get(key)
    if lines is None:
        lines = _wrap(runs, width, size)
        if len(_wrapped) < 20_000:
            _wrapped[key] = lines
    return [list(line) for line in lines]


def _wrap(runs: Sequence[Run], width: float, size: float) -> list[list[tuple[str, str, float]]]:
    """Greedy line breaking on spaces (no-break spaces hold "1 234,56 €" together); explicit newlines kept.

    French typography: no break before « : ; ! ? » », after « « », nor inside numbers and times.
    Returns lines of (text, font, width) segments, consecutive words of one font merged.
    """
    words: list[list[tuple[str, str]] | None] = []  # None is a forced line break
    current: list[tuple[str, str]] = []
    for run in runs:
        for n, chunk in enumerate(_FRENCH_SPACES.sub("\u00a0", run.text).split("\n")):
            if n:
                if current:
                    words.append(current)
                    current = []
                words.append(None)
            for i, part in enumerate(chunk.split(" ")):
                if i and current:
                    words.append(current)
                    current = []
                if part:
                    current.append((part, run.font))
    if current:
        words.append(current)

    space = string_width(" ", REGULAR, size)
    lines: list[list[tuple[str, str, float]]] = []
    line: list[list[tuple[str, str, float]]] = []
    used = 0.0
    for word in words:
        if word is None:
            lines.append(_merge(line, size))
            line, used = [], 0.0
            continue
        measured = [(text, font, string_width(text, font, size)) for text, font in word]
        pieces = [measured] if sum(w for _, _, w in measured) <= width else _split_long(measured, width, size)
        for piece in pieces:
            piece_w = sum(w for _, _, w in piece)
            if line and used + space + piece_w > width:
                lines.append(_merge(line, size))
                line, used = [], 0.0
            used += piece_w + (space if line else 0.0)
            line.append(piece)
    if line or not lines:
        lines.append(_merge(line, size))
    return lines


def _split_long(
    measured: list[tuple[str, str, float]], width: float, size: float
) -> list[list[tuple[str, str, float]]]:
    """A word wider than the line (a long e-mail address) is cut by characters rather than overflowing."""
    pieces: list[list[tuple[str, str, float]]] = []
    piece: list[tuple[str, str, float]] = []
    used = 0.0
    for text, font, _ in measured:
        chunk = ""
        for char in text:
            char_w = string_width(char, font, size)
            if used + char_w > width and (chunk or piece):
                if chunk:
                    piece.append((chunk, font, string_width(chunk, font, size)))
                pieces.append(piece)
                piece, chunk, used = [], "", 0.0
            chunk += char
            used += char_w
        if chunk:
            piece.append((chunk, font, string_width(chunk, font, size)))
    if piece:
        pieces.append(piece)
    return pieces


def _merge(words: list[list[tuple[str, str, float]]], size: float) -> list[tuple[str, str, float]]:
    """Join words into segments of one font; a space takes the width of the font it is drawn in."""
    segments: list[tuple[str, str, float]] = []
    for n, word in enumerate(words):
        for i, (text, font, width) in enumerate(word):
            joined = n > 0 and i == 0
            if segments and segments[-1][1] == font:
                last_text, _, last_w = segments[-1]
                gap = string_width(" ", font, size) if joined else 0.0
                segments[-1] = (last_text + (" " if joined else "") + text, font, last_w + gap + width)
            else:
                if joined:
                    last_text, last_font, last_w = segments[-1]
                    segments[-1] = (last_text + " ", last_font, last_w + string_width(" ", last_font, size))
                segments.append((text, font, width))
    return segments


def wrap_plain(text: str, font: str, size: float, width: float) -> list[str]:
    return ["".join(t for t, _, _ in line) for line in wrap((Run(text, font == BOLD),), width, size)]


def _line_ops(line: list[tuple[str, str, float]], x: float, y: float, size: float) -> list[Op]:
    ops: list[Op] = []
    for text, font, width in line:
        ops.append(("t", x, y, font, size, text, None))
        x += width
    return ops


def _para_slices(block: Para) -> list[_Slice]:
    leading = LEADING * block.size / BODY_SIZE
    lines = wrap(block.runs, BODY_W - block.indent, block.size)
    slices = [
        _Slice(leading, _line_ops(line, LEFT + block.indent, leading * 0.78, block.size)) for line in lines
    ]
    slices[-1].height += block.space_after
    if block.keep_with_next:
        for s in slices:
            s.keep_with_next = True
    return slices


def _bullet_slices(block: Bullets) -> list[_Slice]:
    slices: list[_Slice] = []
    indent = 7 * MM
    for item in block.items:
        lines = wrap(item, BODY_W - indent, BODY_SIZE)
        for n, line in enumerate(lines):
            ops = _line_ops(line, LEFT + indent, LEADING * 0.78, BODY_SIZE)
            if n == 0:
                ops.append(("t", LEFT + 2.5 * MM, LEADING * 0.78, REGULAR, BODY_SIZE, "•", None))
            slices.append(_Slice(LEADING, ops, keep_with_next=n < len(lines) - 1))
        slices[-1].height += 2
    slices[-1].height += block.space_after - 2
    return slices


TABLE_SIZE = 9.0
TABLE_LEADING = 11.5
CELL_PAD = 1.6 * MM


def _row_slice(block: Table, cells: Sequence[str], *, bold: bool, kind: str) -> _Slice:
    widths = [c.width * BODY_W for c in block.columns]
    font = BOLD if bold else REGULAR
    wrapped = [
        wrap_plain(text, font, TABLE_SIZE, w - 2 * CELL_PAD) for text, w in zip(cells, widths, strict=True)
    ]
    height = max(len(lines) for lines in wrapped) * TABLE_LEADING + 2 * CELL_PAD * 0.75
    ops: list[Op] = []
    if kind == "header":
        ops.append(("box", LEFT, 0.0, BODY_W, height, None, 0.92))
    x = LEFT
    for column, lines, width in zip(block.columns, wrapped, widths, strict=True):
        for n, text in enumerate(lines):
            y = CELL_PAD * 0.75 + TABLE_LEADING * n + TABLE_SIZE * 0.95
            if column.align == "right":
                ops.append(("r", x + width - CELL_PAD, y, font, TABLE_SIZE, text, None))
            else:
                ops.append(("t", x + CELL_PAD, y, font, TABLE_SIZE, text, None))
        x += width
    if kind == "total":
        ops.append(("l", LEFT, 0.0, RIGHT, 0.0, 0.9, 0.0))
    else:
        ops.append(("l", LEFT, height, RIGHT, height, 0.4, 0.7))
    return _Slice(height, ops)


def _table_slices(block: Table) -> tuple[list[_Slice], _Slice | None]:
    header = (
        _row_slice(block, [c.title for c in block.columns], bold=True, kind="header")
        if block.header
        else None
    )
    slices: list[_Slice] = []
    if header is not None:
        first = _Slice(header.height, list(header.ops), keep_with_next=True)
        slices.append(first)
    if not block.rows and block.empty_text:
        slices.append(
            _Slice(
                LEADING + 2,
                [("t", LEFT + CELL_PAD, LEADING * 0.8, ITALIC, TABLE_SIZE, block.empty_text, None)],
            )
        )
    for row in block.rows:
        slices.append(_row_slice(block, row, bold=False, kind="row"))
    if block.total is not None:
        slices.append(_row_slice(block, block.total, bold=True, kind="total"))
    slices[-1].height += block.space_after
    return slices, header


def _card_slices(block: Card) -> list[_Slice]:
    pad = 4 * MM
    label_w = 0.36 * (BODY_W - 2 * pad)
    value_w = BODY_W - 2 * pad - label_w
    ops: list[Op] = []
    y = pad + 12.0
    ops.append(("t", LEFT + pad, y, BOLD, 12.0, block.title, ACCENT))
    y += 8.0
    for label, value in block.rows:
        lines = wrap_plain(value, BOLD, BODY_SIZE, value_w)
        y += LEADING
        ops.append(("t", LEFT + pad, y, REGULAR, BODY_SIZE, label, GREY))
        for n, text in enumerate(lines):
            ops.append(("t", LEFT + pad + label_w, y + n * LEADING, BOLD, BODY_SIZE, text, None))
        y += (len(lines) - 1) * LEADING + 3
    if block.note:
        y += 4
        for text in wrap_plain(block.note, ITALIC, SMALL, BODY_W - 2 * pad):
            y += SMALL * 1.35
            ops.append(("t", LEFT + pad, y, ITALIC, SMALL, text, GREY))
    height = y + pad
    ops.insert(0, ("frame", LEFT, 0.0, BODY_W, height, 1.2, ACCENT))
    return [_Slice(height + block.space_after, ops)]


def _signature_slices(block: Signature) -> list[_Slice]:
    ops: list[Op] = []
    y = block.space_before
    for n, text in enumerate(block.lines):
        y += LEADING
        ops.append(("t", WINDOW_X, y, BOLD if n == 0 else REGULAR, BODY_SIZE, text, None))
    return [_Slice(y + 4, ops)]


class _Paginator:
    def __init__(self) -> None:
        self.pages: list[list[Op]] = [[]]
        self.y = FIRST_BODY_TOP

    def new_page(self) -> None:
        self.pages.append([])
        self.y = NEXT_BODY_TOP

    def place(self, piece: _Slice) -> None:
        for op in piece.ops:
            self.pages[-1].append(_shift(op, self.y))
        self.y += piece.height

    def fits(self, height: float) -> bool:
        return self.y + height <= BODY_BOTTOM


def _shift(op: Op, dy: float) -> Op:
    if op[0] in ("t", "r", "c"):
        return (op[0], op[1], op[2] + dy, *op[3:])
    if op[0] == "l":
        return ("l", op[1], op[2] + dy, op[3], op[4] + dy, op[5], op[6])
    return (op[0], op[1], op[2] + dy, *op[3:])


def paginate(blocks: Sequence[Block], subject_lines: Sequence[str]) -> list[list[Op]]:
    """Flow the blocks over as many pages as needed; table headers repeat after a page break."""
    pager = _Paginator()
    for text in subject_lines:
        pager.place(_Slice(LEADING, [("t", LEFT, LEADING * 0.78, BOLD, BODY_SIZE, text, None)]))
    pager.y += LEADING * 0.8
    for block in blocks:
        header: _Slice | None = None
        if isinstance(block, Para):
            slices = _para_slices(block)
        elif isinstance(block, Bullets):
            slices = _bullet_slices(block)
        elif isinstance(block, Table):
            slices, header = _table_slices(block)
        elif isinstance(block, Card):
            slices = _card_slices(block)
        elif isinstance(block, Signature):
            slices = _signature_slices(block)
        else:
            pager.y += block.height
            continue
        for n, piece in enumerate(slices):
            needed = piece.height
            m = n
            while slices[m].keep_with_next and m + 1 < len(slices):
                m += 1
                needed += slices[m].height
            if not pager.fits(min(needed, BODY_BOTTOM - NEXT_BODY_TOP)) and (pager.y > NEXT_BODY_TOP + 1):
                pager.new_page()
                if header is not None and n > 0:
                    pager.place(header)
            pager.place(piece)
    return pager.pages


def render_pdf(page: Page, blocks: Sequence[Block]) -> tuple[bytes, int]:
    """The PDF bytes and the page count. Same page and blocks give the same bytes (``invariant=1``)."""
    register_fonts()
    subject_lines = wrap_plain(page.subject, BOLD, BODY_SIZE, BODY_W)
    pages = paginate(blocks, subject_lines)
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(page.title)
    canvas.setAuthor(page.author)
    canvas.setSubject(page.title)
    canvas.setCreator("backoffice — courriers")
    canvas.setKeywords(page.reference)
    total = len(pages)
    for number, ops in enumerate(pages, start=1):
        _frame(canvas, page, number, total)
        _draw(canvas, ops)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), total


def _draw(canvas: Canvas, ops: Sequence[Op]) -> None:
    """Text goes through one text object per call (one BT…ET), graphics straight to the canvas."""
    text = canvas.beginText()
    state: tuple[str, float] | None = None
    colour: tuple[float, float, float] | None = None
    for op in ops:
        kind = op[0]
        if kind in ("t", "r", "c"):
            _, x, y, font, size, value, rgb = op
            if state != (font, size):
                text.setFont(font, size)
                state = (font, size)
            wanted = rgb or (0.0, 0.0, 0.0)
            if colour != wanted:
                text.setFillColorRGB(*wanted)
                colour = wanted
            if kind == "r":
                x -= string_width(value, font, size)
            elif kind == "c":
                x -= string_width(value, font, size) / 2
            text.setTextOrigin(x, PAGE_H - y)
            text.textOut(value)
        elif kind == "l":
            _, x1, y1, x2, y2, width, grey = op
            canvas.setLineWidth(width)
            if grey is None:
                canvas.setStrokeColorRGB(*ACCENT)
            else:
                canvas.setStrokeGray(grey)
            canvas.line(x1, PAGE_H - y1, x2, PAGE_H - y2)
        elif kind == "box":
            _, x, y, w, h, _stroke, grey = op
            canvas.setFillGray(grey)
            canvas.rect(x, PAGE_H - y - h, w, h, stroke=0, fill=1)
        elif kind == "frame":
            _, x, y, w, h, width, rgb = op
            canvas.setLineWidth(width)
            canvas.setStrokeColorRGB(*rgb)
            canvas.roundRect(x, PAGE_H - y - h, w, h, 2 * MM, stroke=1, fill=0)
    canvas.drawText(text)


def _frame(canvas: Canvas, page: Page, number: int, total: int) -> None:
    """Letterhead, window block and references on page 1; a running header after; footer everywhere."""
    ops: list[Op] = []
    if number == 1:
        insurer, *centre = page.letterhead
        ops.append(("t", LEFT, 16 * MM, BOLD, 15.0, insurer, ACCENT))
        ops.append(("l", LEFT, 18.5 * MM, LEFT + 60 * MM, 18.5 * MM, 1.4, None))
        for n, text in enumerate(centre):
            ops.append(("t", LEFT, (23 + n * 4) * MM, BOLD if n == 0 else REGULAR, SMALL, text, GREY))
        for n, text in enumerate(page.recipient):
            ops.append(("t", WINDOW_X, (52 + n * 4.6) * MM, REGULAR, BODY_SIZE, text, None))
        y = 52 * MM
        for label, value in page.references:
            ops.append(("t", LEFT, y, REGULAR, SMALL, f"{label} : {value}", GREY))
            y += 4 * MM
        ops.append(("t", LEFT, y, BOLD, SMALL, f"Notre référence : {page.reference}", None))
        ops.append(("t", WINDOW_X, 90 * MM, REGULAR, BODY_SIZE, page.place_date, None))
    else:
        ops.append(("t", LEFT, 14 * MM, BOLD, SMALL, page.letterhead[0], ACCENT))
        ops.append(("r", RIGHT, 14 * MM, REGULAR, SMALL, f"Notre référence : {page.reference} (suite)", GREY))
        ops.append(("l", LEFT, 16 * MM, RIGHT, 16 * MM, 0.4, 0.7))
    for n, text in enumerate(page.footer):
        ops.append(("c", PAGE_W / 2, PAGE_H - (14 - n * 3.6) * MM, REGULAR, 7.0, text, GREY))
    ops.append(("r", RIGHT, PAGE_H - 7 * MM, REGULAR, 7.5, f"Page {number}/{total}", GREY))
    _draw(canvas, ops)
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.3)
    for fold in (99 * MM, 198 * MM):
        canvas.line(5 * MM, PAGE_H - fold, 9 * MM, PAGE_H - fold)
