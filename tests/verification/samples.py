"""Sample uploads built in memory: real images and PDFs, and the hostile corpus derived from them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

LIMIT = 15 * 1024 * 1024


@cache
def png(width: int = 320, height: int = 200, color: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


@cache
def jpeg(width: int = 320, height: int = 200, color: str = "lightblue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=80)
    return out.getvalue()


@cache
def pdf(pages: int = 1, text: str = "Avis d'échéance") -> bytes:
    out = io.BytesIO()
    document = canvas.Canvas(out, pagesize=A4, invariant=1)
    for page in range(pages):
        document.drawString(72, 760, f"{text} — page {page + 1}")
        document.showPage()
    document.save()
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int, body: bytes = b"\0" * 64) -> bytes:
    """A PNG whose header declares any size: a decompression bomb when the size is huge."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(body))
        + _chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real JPEG with its SOF0 dimensions rewritten."""
    data = bytearray(jpeg(16, 16))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def zip_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("facture.pdf", pdf())
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf())).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hostile_corpus() -> list[tuple[str, str, bytes]]:
    """(description, file name, content) of files that must all be refused; more than 200 of them."""
    good_png, good_jpeg, good_pdf = png(), jpeg(), pdf()
    corpus: list[tuple[str, str, bytes]] = [
        ("vide", "vide.pdf", b""),
        ("vide sans extension", "vide", b""),
        ("un octet", "a.png", b"\x89"),
        ("texte", "note.pdf", b"Bonjour, voici mon RIB"),
        ("HTML", "page.png", b"<html><script>alert(1)</script></html>"),
        ("PDF renommé .png", "scan.png", good_pdf),
        ("PDF renommé .jpg", "scan.jpg", good_pdf),
        ("PNG renommé .pdf", "scan.pdf", good_png),
        ("JPEG renommé .png", "photo.png", good_jpeg),
        ("PNG avec un corps PDF", "image.png", good_png[:8] + good_pdf),
        ("JPEG avec un corps PDF", "image.jpg", good_jpeg[:4] + good_pdf),
        ("PNG 100 000 × 100 000", "bombe.png", png_declaring(100_000, 100_000)),
        ("PNG 65 535 × 65 535", "bombe2.png", png_declaring(65_535, 65_535)),
        ("PNG 10 000 × 5 000", "grand.png", png_declaring(10_000, 5_000)),
        ("PNG 0 × 0", "zero.png", png_declaring(0, 0)),
        ("JPEG 65 000 × 65 000", "bombe.jpg", jpeg_declaring(65_000, 65_000)),
        ("JPEG 9 000 × 9 000", "grand.jpg", jpeg_declaring(9_000, 9_000)),
        ("zip renommé .pdf", "facture.pdf", zip_file()),
        ("zip", "archive.zip", zip_file()),
        ("PDF chiffré", "protege.pdf", encrypted_pdf()),
        ("PDF de 21 pages", "long.pdf", pdf(21)),
        ("PDF sans %%EOF", "coupe.pdf", good_pdf.replace(b"%%EOF", b"")),
        ("PDF en-tête seul", "entete.pdf", b"%PDF-1.7\n%%EOF\n"),
        (
            "PDF sans page",
            "vide.pdf",
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        ),
        ("limite + 1 octet (PDF)", "lourd.pdf", good_pdf + b"\0" * (LIMIT + 1 - len(good_pdf))),
        ("limite + 1 octet (PNG)", "lourd.png", good_png + b"\0" * (LIMIT + 1 - len(good_png))),
        ("GIF", "anim.gif", b"GIF89a" + b"\0" * 64),
        ("exécutable", "photo.jpg", b"MZ\x90\x00" + b"\0" * 200),
        ("ELF", "document.pdf", b"\x7fELF" + b"\0" * 200),
        ("HEIC", "IMG_0001.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 64),
        (
            "HEIC renommé .jpg",
            "IMG_0002.jpg",
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 64,
        ),
        ("SVG", "logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ]
    for cut in (1, 8, 16, 33, 50, 64, *range(100, len(good_pdf) - 10, 80), len(good_pdf) - 10):
        if cut < len(good_pdf):
            corpus.append((f"PDF tronqué à {cut} octets", f"tronque{cut}.pdf", good_pdf[:cut]))
    for cut in (8, 12, 16, 24, 33, 40, 60, 80, 120, 200, len(good_png) - 12, len(good_png) - 1):
        corpus.append((f"PNG tronqué à {cut} octets", f"tronque{cut}.png", good_png[:cut]))
    for cut in (2, 3, 4, 20, 100, 160, 300, 500, 700, len(good_jpeg) - 200, len(good_jpeg) - 2):
        corpus.append((f"JPEG tronqué à {cut} octets", f"tronque{cut}.jpg", good_jpeg[:cut]))
    for position in range(16, len(good_png) - 12, max(1, (len(good_png) - 28) // 40)):
        damaged = bytearray(good_png)
        damaged[position] ^= 0xFF
        corpus.append((f"PNG altéré à l'octet {position}", f"altere{position}.png", bytes(damaged)))
    hostile_names = [
        "../../etc/passwd.png",
        "..\\..\\windows\\system32\\photo.png",
        "/etc/passwd.png",
        "C:\\Users\\photo.png",
        "dossier/photo.png",
        "..",
        ".",
        "photo\0.png",
        "photo.png\0.exe",
        "\0",
        "facture\u202egnp.exe",
        "nom\x07bip.png",
        "ligne\nretour.png",
        "tab\tulation.png",
        "",
        "   ",
        "C:photo.png",
        "photo..\\..\\x.png",
        "\u200bphoto.png",
        "a/../b.png",
    ]
    for index, name in enumerate(hostile_names):
        corpus.append((f"nom hostile n° {index + 1} ({name!r})", name, good_png))
        corpus.append((f"nom hostile n° {index + 1} avec PDF", name, good_pdf))
        corpus.append((f"nom hostile n° {index + 1} avec JPEG", name, good_jpeg))
    for size in (LIMIT + 1, LIMIT + 1024):
        corpus.append((f"{size} octets de zéros", "zeros.pdf", b"\0" * size))
    random_bytes = bytes((i * 7919 + 13) % 251 for i in range(4096))
    for length in (1, 2, 7, 64, 512, 4096):
        corpus.append((f"octets aléatoires ({length})", f"bruit{length}.pdf", random_bytes[:length]))
        corpus.append((f"octets aléatoires ({length}) en .png", f"bruit{length}.png", random_bytes[:length]))
    for prefix, name in (
        (b"%PDF-1.4\n", "faux.pdf"),
        (b"\x89PNG\r\n\x1a\n", "faux.png"),
        (b"\xff\xd8\xff\xe0", "faux.jpg"),
    ):
        for length in (0, 10, 100, 1000):
            corpus.append(
                (f"signature {name} + {length} octets de bruit", name, prefix + random_bytes[:length])
            )
    return corpus
