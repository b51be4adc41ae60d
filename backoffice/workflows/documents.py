"""Uploaded documents: inspected from their content, stored once per SHA-256 in the database, views audited.

An upload comes from a customer, so it is hostile until proven otherwise: the type is read from the bytes
(never from the name), every limit is checked before anything is written, images are decoded under a pixel
limit and PDFs are opened with a page limit. A refusal raises ``InvalidInput`` with a French message and the
caller's transaction is left untouched.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import filetype
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from backoffice.config import DocumentSettings
from backoffice.errors import InvalidInput, NotFound
from backoffice.models import Agent, Blob, Claim, Customer, Document, DocumentKind
from backoffice.models.documents import DOCUMENT_KIND_LABELS
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now, settings_of
from backoffice.workflows.permissions import AgentCheck, Permission, require

MAX_FILENAME_LENGTH = 255
TYPE_LABELS = {
    "image/jpeg": "image JPEG",
    "image/png": "image PNG",
    "application/pdf": "document PDF",
    "image/heic": "photo HEIC (iPhone)",
    "image/heif": "photo HEIF",
}
# Extensions whose announced type must agree with the content: a PDF named ".png" is refused.
_EXTENSION_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jpe": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "heic": "image/heic",
    "heif": "image/heif",
    "gif": "image/gif",
    "zip": "application/zip",
    "webp": "image/webp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
}
_SHORT_NAMES = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_PDF_TAIL_BYTES = 2048
# A file cut short loses its end marker; Pillow would otherwise show the top of a truncated image.
_END_MARKERS = {"image/jpeg": b"\xff\xd9", "image/png": b"IEND"}


@dataclass(frozen=True)
class InspectedFile:
    """What the content really is, once every limit has been checked."""

    filename: str
    mime_type: str
    size: int
    sha256: str
    page_count: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    customer_id: int | None
    claim_id: int | None
    kind: DocumentKind
    kind_label: str
    filename: str
    mime_type: str
    size: int
    sha256: str
    page_count: int | None
    width: int | None
    height: int | None
    uploaded_by: str
    uploaded_at: datetime

    @property
    def is_pdf(self) -> bool:
        return self.mime_type == "application/pdf"

    @property
    def size_text(self) -> str:
        return size_text(self.size)


@dataclass(frozen=True)
class DocumentContent:
    info: DocumentInfo
    content: bytes


def size_text(size: int) -> str:
    """ "1,4 Mo", "820 Ko": the way agents read a file size."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
    return f"{max(1, round(size / 1024))} Ko"


def accepted_types_text(settings: DocumentSettings) -> str:
    return ", ".join(_SHORT_NAMES.get(t, t) for t in settings.allowed_types)


def sanitize_filename(name: str) -> str:
    """The name shown to agents: a bare file name, printable, at most 255 characters.

    Refuses what no file dialog produces (path parts, "..", control and bidirectional-override characters),
    because such a name is a sign of a crafted upload and would mislead the agent reading it.
    """
    if not isinstance(name, str):
        raise InvalidInput("Nom de fichier manquant.", field="filename")
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise InvalidInput("Nom de fichier vide : le fichier doit avoir un nom.", field="filename")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
        raise InvalidInput(
            "Nom de fichier refusé : il contient des caractères invisibles ou de contrôle (caractère nul, "
            "inversion du sens d'écriture…). Renommez le fichier avant de le déposer.",
            field="filename",
        )
    if "/" in text or "\\" in text or text in (".", "..") or ".." in text.split("."):
        raise InvalidInput(
            "Nom de fichier refusé : il contient un chemin (« / », « \\ » ou « .. »). Seul un nom de fichier "
            "est attendu.",
            field="filename",
        )
    if ":" in text:
        raise InvalidInput(
            "Nom de fichier refusé : le caractère « : » n'est pas permis dans un nom de fichier.",
            field="filename",
        )
    text = text.lstrip(".") or "document"
    if len(text) > MAX_FILENAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and len(extension) <= 10:
            text = stem[: MAX_FILENAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            text = text[:MAX_FILENAME_LENGTH]
    return text


def _extension(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem else ""


def inspect_upload(content: bytes, filename: str, settings: DocumentSettings) -> InspectedFile:
    """Decide what the bytes are and whether they are acceptable; raise InvalidInput (French) otherwise."""
    shown = sanitize_filename(filename)
    if not isinstance(content, bytes | bytearray | memoryview):
        raise InvalidInput("Contenu du fichier illisible.")
    data = bytes(content)
    if not data:
        raise InvalidInput(f"Le fichier « {shown} » est vide (0 octet) : demandez-en une nouvelle copie.")
    if len(data) > settings.max_upload_bytes:
        raise InvalidInput(
            f"Le fichier « {shown} » fait {size_text(len(data))} ({len(data)} octets) : la taille maximale est "
            f"de {size_text(settings.max_upload_bytes)} ({settings.max_upload_bytes} octets). Demandez au client "
            "une version plus légère (scan en 200 dpi, photo moins définie)."
        )
    kind = filetype.guess(data)
    accepted = accepted_types_text(settings)
    if kind is None:
        raise InvalidInput(
            f"Le contenu du fichier « {shown} » n'est pas reconnu : ce n'est ni une image ni un PDF lisible. "
            f"Formats acceptés : {accepted}."
        )
    mime = kind.mime
    if mime in ("image/heic", "image/heif"):
        raise InvalidInput(
            f"Le fichier « {shown} » est une photo HEIC/HEIF (format des iPhone) : ce format n'est pas lu par "
            f"l'application. Demandez au client une photo en JPEG (réglage iPhone : Appareil photo > Formats > "
            f"« Le plus compatible ») ou un PDF. Formats acceptés : {accepted}."
        )
    if mime not in settings.allowed_types:
        raise InvalidInput(
            f"Le fichier « {shown} » contient en réalité un fichier de type « {kind.extension.upper()} » "
            f"({mime}) : ce type n'est pas accepté. Formats acceptés : {accepted}."
        )
    announced = _EXTENSION_TYPES.get(_extension(shown))
    if announced is not None and announced != mime:
        raise InvalidInput(
            f"Le fichier « {shown} » porte l'extension « .{_extension(shown)} » mais contient en réalité un "
            f"{TYPE_LABELS.get(mime, mime)} : il est refusé par précaution (fichier renommé ou falsifié). "
            "Demandez au client le fichier d'origine."
        )
    digest = hashlib.sha256(data).hexdigest()
    if mime == "application/pdf":
        pages = _inspect_pdf(data, shown, settings)
        return InspectedFile(shown, mime, len(data), digest, page_count=pages)
    width, height = _inspect_image(data, shown, mime, settings)
    return InspectedFile(shown, mime, len(data), digest, width=width, height=height)


def _inspect_image(data: bytes, shown: str, mime: str, settings: DocumentSettings) -> tuple[int, int]:
    """Read the dimensions from the header first, then decode fully: never decode a decompression bomb."""
    broken = (
        f"L'image « {shown} » est illisible ou endommagée (fichier tronqué ou falsifié) : demandez au client "
        "un nouvel envoi."
    )
    expected = _PILLOW_FORMATS.get(mime)
    marker = _END_MARKERS[mime]
    end = data.rfind(marker)
    if end < 0 or (mime == "image/png" and len(data) < end + len(marker) + 4):  # PNG: the IEND CRC too
        raise InvalidInput(broken)
    try:
        with Image.open(io.BytesIO(data), formats=[expected] if expected else None) as header:
            width, height = header.size
            _check_pixels(width, height, shown, settings)
            header.verify()
        with Image.open(io.BytesIO(data), formats=[expected] if expected else None) as image:
            image.load()
    except InvalidInput:
        raise
    except Image.DecompressionBombError as exc:
        raise InvalidInput(
            f"L'image « {shown} » déclare un nombre de pixels démesuré : elle est refusée (protection contre "
            "les images piégées)."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise InvalidInput(broken) from exc
    return width, height


def _check_pixels(width: int, height: int, shown: str, settings: DocumentSettings) -> None:
    if width <= 0 or height <= 0:
        raise InvalidInput(f"L'image « {shown} » a des dimensions invalides ({width} × {height}).")
    limit = settings.max_image_pixels
    if Image.MAX_IMAGE_PIXELS is not None:
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    if width * height > limit:
        raise InvalidInput(
            f"L'image « {shown} » fait {width} × {height} pixels ({_megapixels(width * height)} mégapixels) : la "
            f"limite est de {_megapixels(limit)} mégapixels. Demandez au client une photo moins définie."
        )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:,.0f}".replace(",", "\u202f")


def _inspect_pdf(data: bytes, shown: str, settings: DocumentSettings) -> int:
    broken = (
        f"Le PDF « {shown} » est illisible ou endommagé (fichier tronqué ou mal formé) : demandez au client un "
        "nouvel envoi."
    )
    if b"%%EOF" not in data[-_PDF_TAIL_BYTES:]:
        raise InvalidInput(broken)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise InvalidInput(
                f"Le PDF « {shown} » est protégé par un mot de passe ou chiffré : l'application ne peut pas "
                "l'afficher. Demandez au client une version sans protection."
            )
        pages = len(reader.pages)
        if pages == 0:
            raise InvalidInput(f"Le PDF « {shown} » ne contient aucune page.")
        if pages > settings.max_pdf_pages:
            raise InvalidInput(
                f"Le PDF « {shown} » compte {pages} pages : {settings.max_pdf_pages} au maximum. Demandez au "
                "client uniquement les pages utiles."
            )
        for page in reader.pages:
            box = page.mediabox
            if box.width <= 0 or box.height <= 0:
                raise InvalidInput(broken)
            page.get_contents()
    except InvalidInput:
        raise
    except Exception as exc:  # pypdf signals hostile input with many exception types; all mean "unreadable"
        raise InvalidInput(broken) from exc
    return pages


def _info(document: Document, uploader: str) -> DocumentInfo:
    return DocumentInfo(
        id=document.id,
        customer_id=document.customer_id,
        claim_id=document.claim_id,
        kind=document.kind,
        kind_label=DOCUMENT_KIND_LABELS[document.kind],
        filename=document.original_filename,
        mime_type=document.mime_type,
        size=document.size,
        sha256=document.blob_sha256,
        page_count=document.page_count,
        width=document.width,
        height=document.height,
        uploaded_by=uploader,
        uploaded_at=document.uploaded_at,
    )


def _store_blob(session: Session, inspected: InspectedFile, data: bytes) -> None:
    """Insert the content unless the same bytes are already there (two agents may upload them at once)."""
    values = {
        "sha256": inspected.sha256,
        "size": inspected.size,
        "mime_type": inspected.mime_type,
        "content": data,
        "created_at": now(session),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(Blob).values(**values).on_conflict_do_nothing(index_elements=["sha256"]))


def store_document(
    session: Session,
    agent: AgentCheck,
    *,
    customer_id: int | None,
    claim_id: int | None,
    kind: DocumentKind,
    filename: str,
    content: bytes,
) -> tuple[Document, DocumentInfo]:
    """Inspect and store without auditing, for workflows that audit the upload as part of their own step."""
    if customer_id is None and claim_id is None:
        raise InvalidInput("Un document doit être rattaché à un client ou à un sinistre.")
    if claim_id is not None:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise NotFound(f"Sinistre n° {claim_id} introuvable.")
        if customer_id is not None and customer_id != claim.customer_id:
            raise InvalidInput(
                "Ce sinistre n'appartient pas à ce client : le document n'a pas été enregistré."
            )
        customer_id = claim.customer_id
    if customer_id is not None and session.get(Customer, customer_id) is None:
        raise NotFound(f"Client n° {customer_id} introuvable.")
    data = bytes(content)
    inspected = inspect_upload(data, filename, settings_of(session).documents)
    _store_blob(session, inspected, data)
    document = Document(
        customer_id=customer_id,
        claim_id=claim_id,
        kind=kind,
        blob_sha256=inspected.sha256,
        original_filename=inspected.filename,
        mime_type=inspected.mime_type,
        size=inspected.size,
        page_count=inspected.page_count,
        width=inspected.width,
        height=inspected.height,
        uploaded_by_id=agent.id,
        uploaded_at=now(session),
    )
    session.add(document)
    session.flush()
    return document, _info(document, agent.full_name)


def upload_summary(info: DocumentInfo) -> str:
    return f"Document déposé : {info.kind_label} ({TYPE_LABELS.get(info.mime_type, info.mime_type)}, {info.size_text})"


def upload_details(info: DocumentInfo) -> dict[str, object]:
    return {"document_id": info.id, "kind": info.kind.value, "mime_type": info.mime_type, "size": info.size}


def upload_document(
    session: Session,
    actor: Actor,
    *,
    customer_id: int | None = None,
    claim_id: int | None = None,
    kind: DocumentKind,
    filename: str,
    content: bytes,
) -> DocumentInfo:
    """Store one uploaded file for a customer or a claim (claims photos use it too)."""
    agent = require(
        session,
        actor,
        Permission.DOCUMENT_UPLOAD,
        target_type="claim" if claim_id is not None else "customer",
        target_id=claim_id if claim_id is not None else customer_id,
        customer_id=customer_id,
    )
    document, info = store_document(
        session,
        agent,
        customer_id=customer_id,
        claim_id=claim_id,
        kind=kind,
        filename=filename,
        content=content,
    )
    audit.record(
        session,
        actor,
        "document.upload",
        upload_summary(info),
        target_type="document",
        target_id=document.id,
        customer_id=info.customer_id,
        details=upload_details(info),
    )
    return info


def _uploader_names(session: Session, documents: list[Document]) -> dict[int, str]:
    ids = {d.uploaded_by_id for d in documents}
    if not ids:
        return {}
    rows = session.execute(select(Agent.id, Agent.full_name).where(Agent.id.in_(ids)))
    return {agent_id: name for agent_id, name in rows}


def document_infos(session: Session, documents: list[Document]) -> list[DocumentInfo]:
    names = _uploader_names(session, documents)
    return [_info(d, names.get(d.uploaded_by_id, "?")) for d in documents]


def list_documents(
    session: Session, actor: Actor, *, customer_id: int | None = None, claim_id: int | None = None
) -> list[DocumentInfo]:
    """Metadata only (no content): listing is not viewing."""
    require(session, actor, Permission.DOCUMENT_VIEW, customer_id=customer_id)
    query = select(Document).order_by(Document.uploaded_at.desc(), Document.id.desc())
    if customer_id is not None:
        query = query.where(Document.customer_id == customer_id)
    if claim_id is not None:
        query = query.where(Document.claim_id == claim_id)
    return document_infos(session, list(session.execute(query.limit(500)).scalars()))


def open_document(session: Session, actor: Actor, document_id: int) -> DocumentContent:
    """The content of a document, for the viewer. Every view is audited: identity papers are sensitive."""
    require(session, actor, Permission.DOCUMENT_VIEW, target_type="document", target_id=document_id)
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"Document n° {document_id} introuvable.")
    blob = session.get(Blob, document.blob_sha256)
    if blob is None:
        raise NotFound(f"Le contenu du document n° {document_id} est introuvable.")
    (info,) = document_infos(session, [document])
    audit.record(
        session,
        actor,
        "document.view",
        f"Document consulté : {info.kind_label} n° {document.id}",
        target_type="document",
        target_id=document.id,
        customer_id=document.customer_id,
        details={"document_id": document.id, "kind": document.kind.value},
    )
    return DocumentContent(info, bytes(blob.content))
