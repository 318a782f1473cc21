"""What an uploaded file really is, read from its bytes rather than its name, and whether we keep it.

Accepted: PDF, OpenDocument text (ODT), PNG, JPEG and WebP images, up to a size. The type is sniffed from
the content (``filetype``); a name that claims another type, a PDF that carries scripts, launch actions or
embedded files, an ODT with macros, and anything else are refused with a French sentence.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
ALLOWED: dict[str, tuple[str, str]] = {
    # sniffed MIME type -> (extension we store, what people call it)
    PDF: (".pdf", "PDF"),
    ODT: (".odt", "document ODT"),
    "image/png": (".png", "image PNG"),
    "image/jpeg": (".jpg", "image JPEG"),
    "image/webp": (".webp", "image WebP"),
}
# Names people give their files, and the types they claim.
CLAIMED_BY_EXTENSION = {
    ".pdf": PDF,
    ".odt": ODT,
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
ACCEPTED_TEXT = "un PDF, un document ODT ou une image (PNG, JPEG, WebP)"
# PDF keys that make a document act instead of being read.
ACTIVE_PDF_KEYS = frozenset({"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"})
# A bounded walk: a PDF with more objects than this is refused rather than half-checked.
MAX_PDF_OBJECTS = 200_000
# An ODT that unpacks to more than this is refused (a "zip bomb").
MAX_ODT_UNPACKED = 200 * 1024 * 1024
MACRO_FOLDERS = ("Basic/", "Scripts/")


class UploadRefused(ValueError):
    """Why a file is refused, in French, fit to show under the field."""


@dataclass(frozen=True)
class CheckedFile:
    mime: str
    extension: str
    size: int
    name: str


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def safe_display_name(name: str, extension: str) -> str:
    """The name shown and offered on download: the person's own stem, tamed, with the extension we trust."""
    stem = PurePath(name.replace("\\", "/")).stem
    cleaned = "".join(c if c.isalnum() or c in " -_." else "_" for c in stem).strip(" ._")[:100]
    return f"{cleaned or 'document'}{extension}"


def check_upload(data: bytes, name: str, *, max_bytes: int) -> CheckedFile:
    if not data:
        raise UploadRefused("Le fichier est vide.")
    if len(data) > max_bytes:
        raise UploadRefused(
            f"Le fichier est trop lourd ({_megabytes(len(data))} Mo) : {_megabytes(max_bytes)} Mo au plus."
        )
    claimed_extension = PurePath(name).suffix.lower()
    claimed = CLAIMED_BY_EXTENSION.get(claimed_extension)
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else None
    if mime == "application/zip" and _is_odt(data):
        mime = ODT
    if mime not in ALLOWED:
        if claimed:
            raise UploadRefused(
                f"Ce fichier porte le nom d'un {ALLOWED[claimed][1]} mais son contenu n'en est pas un : "
                f"il est refusé. Envoyez {ACCEPTED_TEXT}."
            )
        raise UploadRefused(f"Ce type de fichier n'est pas accepté. Envoyez {ACCEPTED_TEXT}.")
    extension, label = ALLOWED[mime]
    if claimed_extension and claimed != mime:
        raise UploadRefused(
            f"Le nom du fichier ({claimed_extension}) ne correspond pas à son contenu ({label}) : "
            "renommez-le ou envoyez le bon fichier."
        )
    if mime == PDF:
        _check_pdf(data)
    elif mime == ODT:
        _check_odt(data)
    return CheckedFile(mime=mime, extension=extension, size=len(data), name=safe_display_name(name, extension))


def _is_odt(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").strip() == ODT.encode()
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def _check_odt(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = [entry.filename for entry in entries]
            if sum(entry.file_size for entry in entries) > MAX_ODT_UNPACKED:
                raise UploadRefused("Ce document est anormalement gros une fois ouvert : il est refusé.")
            if "content.xml" not in names:
                raise UploadRefused("Ce document ODT est incomplet ou abîmé : il est refusé.")
            if any(name.startswith(MACRO_FOLDERS) for name in names):
                raise UploadRefused(
                    "Ce document contient des macros : elles sont refusées. Enregistrez-le sans macros et réessayez."
                )
    except zipfile.BadZipFile:
        raise UploadRefused("Ce document ODT est abîmé : il est refusé.") from None


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused("Ce PDF est protégé par un mot de passe : envoyez une version sans protection.")
        if len(reader.pages) == 0:
            raise UploadRefused("Ce PDF n'a aucune page.")
        active = _active_pdf_key(reader)
    except UploadRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise UploadRefused("Ce PDF est illisible ou abîmé : il est refusé.") from None
    if active:
        raise UploadRefused(
            "Ce PDF contient du code ou des fichiers cachés (JavaScript, lancement de programme, pièce jointe) : "
            "il est refusé. Enregistrez-le de nouveau en PDF simple."
        )


def _active_pdf_key(reader: PdfReader) -> str | None:
    """The first key that makes the document act, found by walking every object reachable from its trailer."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise UploadRefused("Ce PDF est trop complexe pour être vérifié : il est refusé.")
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(item.get_object())
        elif isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in ACTIVE_PDF_KEYS:
                    return str(name)
                if name == "/S" and isinstance(value, NameObject) and value in ACTIVE_PDF_KEYS:
                    return str(value)
                if name != "/Parent":
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None
