"""Kinds of file recognised by their first bytes; file names with path tricks refused (no database)."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigie.evidence.errors import FileTypeNotAllowed, UnsafeFileName
from vigie.evidence.filenames import clean_filename
from vigie.evidence.filetypes import detect

SAMPLES = {
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "image/heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    "application/pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "audio/mp4": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00",
    "audio/ogg": b"OggS\x00\x02\x00\x00",
    "audio/wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    "audio/amr": b"#!AMR\n\x3c\x00",
    "video/mp4": b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00",
    "video/3gpp": b"\x00\x00\x00\x14ftyp3gp4\x00\x00\x00\x00",
    "video/webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm",
    "text/plain": "Témoignage recueilli à Mopti.\r\n\tSuite.\n".encode(),
}


@pytest.mark.parametrize("media_type", sorted(SAMPLES))
def test_accepted_kinds_are_recognised_by_their_bytes(tmp_path, media_type):
    path = tmp_path / "whatever.bin"
    path.write_bytes(
        SAMPLES[media_type] + b"\x00" * 32 if media_type != "text/plain" else SAMPLES[media_type]
    )
    assert detect(path).media_type == media_type


@pytest.mark.parametrize(
    "data",
    [
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",  # Matroska that is not WebM
        b"\x00\x00\x00\x20ftypabcd\x00\x00",  # an unknown MP4-family brand
        b"GIF89a\x01\x00\x01\x00",  # GIF: not in the list
        b"\xca\xfe\xba\xbe\x00\x00",  # a program
        b"text with a NUL\x00 inside",
        b"\xef\xbb\xbf<html><body>hi</body></html>",
    ],
)
def test_other_kinds_are_refused_with_the_list_of_accepted_ones(tmp_path, data):
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    with pytest.raises(FileTypeNotAllowed, match="Accepted: JPEG image"):
        detect(path)


# The store fixture of this directory is autouse; these tests do not touch it.
_quiet = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@_quiet
@given(st.text(max_size=80))
def test_a_name_accepted_is_a_plain_name(name):
    try:
        clean = clean_filename(name)
    except UnsafeFileName as error:
        assert str(error)
        return
    assert clean and clean == clean.strip() and unicodedata.is_normalized("NFC", clean)
    assert "/" not in clean and "\\" not in clean and ":" not in clean and clean not in (".", "..")
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in clean)
    assert clean.split(".")[0].upper() not in ("CON", "NUL", "AUX", "PRN")


@_quiet
@given(
    st.sampled_from(["..", "../", "..\\", "/", "\\", "C:", "c:\\"]),
    st.text(min_size=1, max_size=20),
)
def test_path_tricks_are_always_refused(prefix, rest):
    with pytest.raises(UnsafeFileName):
        clean_filename(prefix + "/" + rest)


def test_ordinary_names_are_kept():
    assert clean_filename("  Photo du marché 07-03.JPG ") == "Photo du marché 07-03.JPG"
    assert clean_filename("enregistrement (2).m4a") == "enregistrement (2).m4a"
    assert clean_filename("console.log") == "console.log"
