"""Which kinds of file are accepted, recognised by their first bytes, never by their name.

A name says what someone called a file; the bytes say what it is. Only kinds an investigator
needs and that a browser will not run are accepted: photographs, PDF documents, sound and video
recordings, plain text. Plain text that is really markup (HTML, SVG, XML) is refused: it could run
in a browser if it ever escaped the attachment headers.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import FileTypeNotAllowed

HEAD_BYTES = 64
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FileKind:
    media_type: str
    extension: str
    label: str


JPEG = FileKind("image/jpeg", "jpg", "JPEG image")
PNG = FileKind("image/png", "png", "PNG image")
WEBP = FileKind("image/webp", "webp", "WebP image")
HEIC = FileKind("image/heic", "heic", "HEIC image")
HEIF = FileKind("image/heif", "heif", "HEIF image")
PDF = FileKind("application/pdf", "pdf", "PDF document")
MP3 = FileKind("audio/mpeg", "mp3", "MP3 audio")
M4A = FileKind("audio/mp4", "m4a", "M4A audio")
OGG = FileKind("audio/ogg", "ogg", "Ogg audio")
WAV = FileKind("audio/wav", "wav", "WAV audio")
AMR = FileKind("audio/amr", "amr", "AMR audio")
AMR_WB = FileKind("audio/amr-wb", "awb", "AMR-WB audio")
MP4 = FileKind("video/mp4", "mp4", "MP4 video")
THREE_GP = FileKind("video/3gpp", "3gp", "3GP video")
WEBM = FileKind("video/webm", "webm", "WebM video")
TEXT = FileKind("text/plain", "txt", "plain text (UTF-8)")

ACCEPTED = (
    JPEG,
    PNG,
    WEBP,
    HEIC,
    HEIF,
    PDF,
    MP3,
    M4A,
    OGG,
    WAV,
    AMR,
    AMR_WB,
    MP4,
    THREE_GP,
    WEBM,
    TEXT,
)
BY_MEDIA_TYPE = {kind.media_type: kind for kind in ACCEPTED}

# ISO base media file format (MP4 family): the major brand after "ftyp" at offset 4.
_FTYP_BRANDS = {
    b"heic": HEIC,
    b"heix": HEIC,
    b"hevc": HEIC,
    b"hevx": HEIC,
    b"heim": HEIC,
    b"heis": HEIC,
    b"mif1": HEIF,
    b"msf1": HEIF,
    b"M4A ": M4A,
    b"M4B ": M4A,
    b"isom": MP4,
    b"iso2": MP4,
    b"iso4": MP4,
    b"iso5": MP4,
    b"iso6": MP4,
    b"mp41": MP4,
    b"mp42": MP4,
    b"avc1": MP4,
    b"M4V ": MP4,
    b"MSNV": MP4,
    b"dash": MP4,
    b"f4v ": MP4,
    b"qt  ": MP4,
    b"3gp4": THREE_GP,
    b"3gp5": THREE_GP,
    b"3gp6": THREE_GP,
    b"3gp7": THREE_GP,
    b"3gp8": THREE_GP,
    b"3gp9": THREE_GP,
    b"3gs7": THREE_GP,
    b"3ge6": THREE_GP,
    b"3ge7": THREE_GP,
    b"3gg6": THREE_GP,
    b"3g2a": THREE_GP,
    b"3g2b": THREE_GP,
    b"3g2c": THREE_GP,
}
_MARKUP_STARTS = (
    "<!doctype",
    "<html",
    "<svg",
    "<?xml",
    "<script",
    "<head",
    "<body",
    "<iframe",
    "<!--",
)


def accepted_kinds_text() -> str:
    return ", ".join(kind.label for kind in ACCEPTED)


def kind_from_signature(head: bytes) -> FileKind | None:
    """The kind of a binary file from its first bytes, or None when no accepted signature matches."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12])
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"#!AMR-WB\n"):
        return AMR_WB
    if head.startswith(b"#!AMR\n"):
        return AMR
    if head.startswith(b"ID3"):
        return MP3
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 == 0x02:
        return MP3  # an MPEG audio frame, layer III, without an ID3 tag
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:HEAD_BYTES] else None
    return None


def _text_problem(path: Path) -> str | None:
    """Why the file is not plain UTF-8 text (None when it is)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    first_text = ""
    with open(path, "rb") as handle:
        offset = 0
        while chunk := handle.read(65536):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return _("it is not UTF-8 text (byte %(offset)d)") % {
                    "offset": offset + error.start + 1
                }
            control = _CONTROL.search(text)
            if control:
                return _("it contains binary data (control character U+%(code)04X)") % {
                    "code": ord(control.group())
                }
            if len(first_text) < 512:
                first_text += text[:512]
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _("it is not UTF-8 text (it ends in the middle of a character)")
    if first_text.lstrip().lower().startswith(_MARKUP_STARTS):
        return _("it is markup (HTML, SVG or XML), which is not accepted")
    return None


def detect(path: Path) -> FileKind:
    """The accepted kind of the file at ``path``, or FileTypeNotAllowed naming what is accepted."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    kind = kind_from_signature(head)
    if kind is not None:
        return kind
    problem = _text_problem(path)
    if problem is None:
        return TEXT
    raise FileTypeNotAllowed(
        _("this kind of file is not accepted: %(problem)s. Accepted: %(accepted)s.")
        % {"problem": problem, "accepted": accepted_kinds_text()}
    )
