"""PDFs made by the tests: text on a first page, metadata, and hostile files.

Written with pypdf's writer and a hand-made content stream (Helvetica, one line per
string), so every test knows exactly what its PDF says.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    StreamObject,
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _font() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )


def make_pdf(
    path: Path,
    pages: list[list[str]] | None = None,
    *,
    title: str | None = None,
    metadata: dict[str, str] | None = None,
    password: str | None = None,
) -> Path:
    """A PDF whose pages hold these lines of text, with this metadata."""
    writer = PdfWriter()
    for lines in pages if pages is not None else [["Hello"]]:
        page = writer.add_blank_page(width=612, height=792)
        ops = ["BT", "/F1 11 Tf", "72 720 Td", "14 TL"]
        ops += [f"({_escape(line)}) Tj T*" for line in lines]
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): _font()})}
        )
    info = dict(metadata or {})
    if title is not None:
        info["/Title"] = title
    if info:
        writer.add_metadata(info)
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_zip_bomb(path: Path, inflated: int = 400_000_000) -> Path:
    """A small PDF whose one page's content inflates to ``inflated`` bytes of spaces."""
    chunk = zlib.compressobj(9)
    data = b"".join(chunk.compress(b" " * 1_000_000) for _ in range(inflated // 1_000_000))
    data += chunk.flush()
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    stream = StreamObject()
    stream._data = data
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as handle:
        writer.write(handle)
    return path
