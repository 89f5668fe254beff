"""Upload types are recognised from their bytes, never from their names."""

from __future__ import annotations

import io
import zipfile

import pytest

from lti_tool.learning_modules.domain.files import is_https_url, safe_display_name, sniff


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\n", ("application/pdf", "pdf")),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("image/png", "png")),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", ("image/jpeg", "jpg")),
        (b"GIF89a\x01\x00\x01\x00", ("image/gif", "gif")),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", ("image/webp", "webp")),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", ("audio/wav", "wav")),
        (b"OggS\x00\x02\x00\x00", ("audio/ogg", "ogg")),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", ("audio/mpeg", "mp3")),
        (b"\xff\xfb\x90\x64\x00\x00", ("audio/mpeg", "mp3")),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", ("audio/mp4", "m4a")),
    ],
)
def test_accepted_types_are_recognised_from_magic_bytes(data: bytes, expected) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    ("folder", "extension"),
    [("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx")],
)
def test_office_open_xml_is_a_zip_with_content_types_and_its_part(folder, extension) -> None:
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", folder: b"<x/>"})
    assert sniff(data)[1] == extension


def test_opendocument_is_recognised_from_its_mimetype_entry() -> None:
    data = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b""})
    assert sniff(data) == ("application/vnd.oasis.opendocument.text", "odt")


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"\x7fELF\x02\x01\x01",
        b"#!/bin/sh\nrm -rf /\n",
        b"plain text that someone named report.pdf",
        b"\x00\x00\x00\x20ftypisom\x00\x00",  # a video, not an audio brand
        b"",
    ],
)
def test_other_content_is_refused(data: bytes) -> None:
    assert sniff(data) is None


def test_zips_that_are_not_office_documents_are_refused() -> None:
    assert sniff(zip_bytes({"evil.html": b"<script></script>"})) is None
    assert sniff(zip_bytes({"word/document.xml": b""})) is None  # no [Content_Types].xml
    assert sniff(zip_bytes({"mimetype": b"application/x-evil"})) is None
    assert sniff(b"PK\x03\x04 not really a zip") is None


def test_display_names_lose_paths_and_control_characters() -> None:
    assert safe_display_name("../../etc/passwd") == "passwd"
    assert safe_display_name("C:\\Users\\me\\plan\x00.pdf") == "plan.pdf"
    assert safe_display_name("") == "file"
    assert len(safe_display_name("a" * 500)) == 120


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/doc?id=1", True),
        ("https://docs.example.com", True),
        ("http://example.org", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("data:text/html,hi", False),
        ("", False),
    ],
)
def test_links_must_be_https(url: str, ok: bool) -> None:
    assert is_https_url(url) is ok


def zip_bomb(member: str = "mimetype", inflated: int = 64 * 1024 * 1024) -> bytes:
    """A real bomb: a few kilobytes of deflated zeros that inflate to `inflated` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:  # noqa: SIM117
        with archive.open(member, "w", force_zip64=True) as out:
            chunk = bytes(1024 * 1024)
            for _ in range(inflated // len(chunk)):
                out.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_without_inflating_it() -> None:
    import tracemalloc

    from lti_tool.learning_modules.domain.files import ArchiveRefusedError

    bomb = zip_bomb()
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveRefusedError):
            sniff(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024  # the 64 MB member was never held in memory


def test_a_member_larger_than_the_cap_or_than_declared_is_never_read_whole() -> None:
    from lti_tool.learning_modules.domain.files import ArchiveRefusedError, read_member

    data = zip_bytes({"mimetype": b"x" * 5000})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("mimetype")
        info.file_size = 10  # a forged header: the stream stops at 10 bytes and the CRC fails
        with pytest.raises(zipfile.BadZipFile):
            read_member(archive, info, 100)
        info.file_size = 5000
        with pytest.raises(ArchiveRefusedError):
            read_member(archive, info, 100)


def test_an_archive_with_too_many_members_is_refused() -> None:
    from lti_tool.learning_modules.domain.files import MAX_ZIP_ENTRIES, ArchiveRefusedError

    entries = {f"{n}.xml": b"" for n in range(MAX_ZIP_ENTRIES + 1)}
    entries["[Content_Types].xml"] = b"<Types/>"
    with pytest.raises(ArchiveRefusedError):
        sniff(zip_bytes(entries))
