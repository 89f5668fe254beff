"""Which uploaded files a reflection accepts, decided from the bytes and never from the name.

`sniff(data)` returns `(mime type, safe extension)` for PDF, PNG, JPEG, GIF, WebP, Office Open XML
(docx, xlsx, pptx), OpenDocument, MP3, M4A, WAV and Ogg; anything else (HTML, SVG, scripts,
executables, a `.pdf` name on other bytes) gives None. Pure: standard library only.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

Sniffed = tuple[str, str]

OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.graphics": "odg",
}
AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
ALLOWED_DESCRIPTION = (
    "PDF, PNG, JPEG, GIF, WebP, Word, Excel, PowerPoint, OpenDocument, MP3, M4A, WAV, Ogg"
)
# A real office document has a few hundred members and a `mimetype` member of under 100 bytes; a
# zip bomb (652 bytes inflating to 512 MB) is refused without inflating more than MAX_MEMBER_BYTES.
MAX_ZIP_ENTRIES = 2_000
MAX_MEMBER_BYTES = 1024


class ArchiveRefusedError(ValueError):
    """An archive too big to inspect safely: too many members, or a member that inflates too far."""


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """At most `cap` bytes of a member: the declared size is checked, then the stream is bounded,
    because a forged header can claim a small size while the compressed data inflates far more."""
    if info.file_size > cap:
        raise ArchiveRefusedError(info.filename)
    with archive.open(info) as member:
        data = member.read(cap + 1)
    if len(data) > cap:
        raise ArchiveRefusedError(info.filename)
    return data


def _zip_type(data: bytes) -> Sniffed | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise ArchiveRefusedError("too many members")
            names = [info.filename for info in infos]
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                raw = read_member(archive, info, MAX_MEMBER_BYTES)
                mimetype = raw[:100].decode("ascii", "replace").strip()
                if mimetype in OPENDOCUMENT:
                    return mimetype, OPENDOCUMENT[mimetype]
                return None
            if "[Content_Types].xml" not in names:
                return None
            for prefix, found in OOXML.items():
                if any(name.startswith(prefix) for name in names):
                    return found
    except ArchiveRefusedError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    return None


def _is_mp3(data: bytes) -> bool:
    if data.startswith(b"ID3"):
        return True
    # An MPEG audio frame header: 11 sync bits, a known version and layer III/II, a valid bitrate.
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    version = (data[1] >> 3) & 0x03
    layer = (data[1] >> 1) & 0x03
    bitrate = data[2] >> 4
    sample_rate = (data[2] >> 2) & 0x03
    return version != 1 and layer in (1, 2) and bitrate not in (0, 15) and sample_rate != 3


def sniff(data: bytes) -> Sniffed | None:
    """The type of `data` from its magic bytes, or None when it is not an accepted kind.

    Raises ArchiveRefusedError for a zip too large to inspect (a zip bomb), so the person hears why.
    """
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav", "wav"
    if data.startswith(b"OggS"):
        return "audio/ogg", "ogg"
    if data[4:8] == b"ftyp" and data[8:12] in AUDIO_BRANDS:
        return "audio/mp4", "m4a"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if _is_mp3(data):
        return "audio/mpeg", "mp3"
    return None


def safe_display_name(name: str | None, limit: int = 120) -> str:
    """The uploaded file's name for display only: no path, no control characters, bounded."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:limit] or "file"


def is_https_url(value: str, limit: int = 2000) -> bool:
    """An absolute https address with a host, no spaces or control characters."""
    if not value or len(value) > limit:
        return False
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in value):
        return False
    match = re.match(r"^https://([^/?#@]+@)?([^/?#:@]+)(:\d{1,5})?([/?#].*)?$", value, re.I)
    return match is not None and "." in match.group(2)
