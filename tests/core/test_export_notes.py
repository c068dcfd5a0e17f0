"""Markdown export: front matter that round-trips, safe names, and re-exports that respect edits."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.io.export_notes import (
    JOURNAL_NAME,
    MANIFEST_NAME,
    ExportError,
    export_notes,
    render_paper,
)
from papershelf.core.io.markdown import demote_headings, obsidian_tag
from papershelf.core.safety import safe_files
from papershelf.core.safety.safe_files import MAX_NAME_BYTES, safe_filename
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.core.text import latex_to_text

FORBIDDEN = set('/\\:*?"<>|') | {chr(c) for c in range(32)}
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)}
FRONT_KEYS = (
    "title", "aliases", "authors", "published", "year", "category", "status", "priority", "tags",
    "read_at", "key", "code_urls", "source",
)  # fmt: skip


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The export folder, apart from the library file the fixtures keep in tmp_path."""
    return tmp_path / "out"


def front_matter(text: str) -> dict[str, Any]:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    loaded = yaml.safe_load(text[4:end])
    assert isinstance(loaded, dict)
    return loaded


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def assert_valid_name(name: str) -> None:
    assert name and not (set(name) & FORBIDDEN), name
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not name.endswith((".", " ")) and not name.startswith(".")
    assert name.split(".")[0].upper() not in RESERVED, name


def expected_front(record: dict[str, Any]) -> dict[str, Any]:
    expected = {name: record.get(name) for name in FRONT_KEYS if name != "source"}
    expected["aliases"] = [latex_to_text(record["title"])]
    tags = [obsidian_tag(t) for t in record["tags"]]
    expected["tags"] = list(dict.fromkeys(t for t in tags if t))
    return expected


# --- front matter -----------------------------------------------------------------------

hostile_text = st.one_of(
    st.text(max_size=500),
    st.lists(
        st.sampled_from(
            [": ", '"', "'", "- ", "#", "\n", "\\", "{", "}", "[", "]", "&a", "*x", "!tag",
             "%", "@", "`", "|", ">", "---", "...", "null", "true", "1e3", "0x1f", "~",
             "\u2028", "\u0085", "\ufeff", "é", "😀", "\t", "\x7f", "?"]
        ),
        max_size=60,
    ).map("".join),
)  # fmt: skip
clean = hostile_text.map(lambda s: s.replace("\x00", "")).filter(lambda s: s.strip())


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(title=clean, author=clean, tag=clean)
def test_front_matter_loads_back_to_the_same_values(
    library: Library, title: str, author: str, tag: str
) -> None:
    paper = library.add_paper(PaperFields(title=title, authors=[author], published="2021-02-03"))
    library.add_tags([paper], [tag])
    library.set_note(paper, "---\ntitle: not front matter\n---\n")
    record = library.record(paper)
    loaded = front_matter(render_paper(library.paper(paper)))
    assert list(loaded)[: len(FRONT_KEYS)] == list(FRONT_KEYS)
    assert {k: loaded[k] for k in FRONT_KEYS if k != "source"} == expected_front(record)
    library.delete_papers([paper])


def test_seeded_papers_front_matter_and_body(library: Library, out: Path) -> None:
    ids = library.search("")
    library.set_status(ids[:1], "read")
    library.add_tags(ids[:1], ["icl"])
    library.set_note(ids[0], "My **note**.")
    report = export_notes(library, ids, out, layout="per-paper")
    assert len(report.written) == len(ids)
    for record in library.records(ids):
        text = (out / f"{record['key']}.md").read_text(encoding="utf-8")
        loaded = front_matter(text)
        assert {k: loaded[k] for k in FRONT_KEYS if k != "source"} == expected_front(record)
        assert loaded["source"] is None or loaded["source"].startswith("https://")
        body = text.split("\n---\n", 1)[1]
        assert body.lstrip().startswith("# ")
        if record["abstract"]:
            assert "\n## Abstract\n\n> " in body
    first = (out / f"{library.record(ids[0])['key']}.md").read_text(encoding="utf-8")
    assert "\nMy **note**.\n" in first
    assert front_matter(first)["status"] == "read"
    assert front_matter(first)["tags"] == ["icl"]


def test_markdown_in_titles_and_abstracts_is_shown_literally(
    library: Library, tmp_path: Path
) -> None:
    paper = library.add_paper(
        PaperFields(
            title="*Not* [[a link]] <b>bold</b> #tag $L_\\infty$",
            abstract="1. not a list\n\n- nor this\n\n# nor a heading",
        )
    )
    text = render_paper(library.paper(paper))
    assert "# \\*Not\\* \\[\\[a link\\]\\] \\<b\\>bold\\</b\\> \\#tag L∞\n" in text
    assert "> 1\\. not a list\n>\n> \\- nor this\n>\n> \\# nor a heading" in text


# --- file names -------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_name_is_valid_everywhere_and_stays_inside(stem: str) -> None:
    name = safe_filename(stem)
    assert_valid_name(name)
    assert name.endswith(".md")
    folder = Path(tempfile.gettempdir()).resolve()
    assert (folder / name).resolve().parent == folder


@pytest.mark.parametrize(
    "stem",
    ["../../etc/passwd", "CON", "con.md", "Lpt9", "COM1.tar", "NUL ", "a/b", "a\\b", "..", ".",
     " ", "trailing. . ", "x" * 1000, "é" * 300, "a:b*c?d\"e<f>g|h", "line\nbreak"],
)  # fmt: skip
def test_hostile_stems_become_valid_names(stem: str) -> None:
    assert_valid_name(safe_filename(stem))


def test_names_are_unique_even_on_case_insensitive_disks() -> None:
    taken: set[str] = set()
    names = [safe_files.unique_filename(s, taken) for s in ("a:b", "a_b", "A_B", "a?b", "x" * 300)]
    assert len({safe_files.name_identity(n) for n in names}) == len(names)
    assert names[:4] == ["a_b.md", "a_b-2.md", "A_B-3.md", "a_b-4.md"]
    assert all(len(n.encode()) <= MAX_NAME_BYTES for n in names)


def test_hostile_titles_and_keys_export_inside_the_folder(tmp_path: Path) -> None:
    titles = ["../../etc/passwd", "CON", "a/b", "NUL.txt", "x" * 600, ".hidden", "COM1"]
    folder = tmp_path / "out"
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        ids = [lib.add_paper(PaperFields(title=t, authors=["Lpt1"])) for t in titles]
        # Keys from a BibTeX file may hold anything a key allows, "/" and ":" too.
        lib.conn.execute("UPDATE papers SET key = 'DBLP:journals/corr/x' WHERE id = ?", (ids[0],))
        lib.conn.execute("UPDATE papers SET key = 'DBLP_journals_corr_x' WHERE id = ?", (ids[1],))
        report = export_notes(lib, ids, folder, layout="per-paper")
    assert len(report.written) == len(titles)
    names = sorted(p.name for p in folder.iterdir() if p.name != MANIFEST_NAME)
    assert len(names) == len(titles)
    for path in report.written:
        assert path.parent == folder
        assert_valid_name(path.name)
    assert {"DBLP_journals_corr_x.md", "DBLP_journals_corr_x-2.md"} <= set(names)
    assert set(os.listdir(tmp_path)) - {"l.sqlite-shm", "l.sqlite-wal"} == {"l.sqlite", "out"}


# --- re-export ----------------------------------------------------------------------------


def test_reexport_rewrites_only_unedited_files_and_reports_edits(
    library: Library, out: Path
) -> None:
    ids = library.search("", sort="key")[:5]
    keys = [library.record(i)["key"] for i in ids]
    first = export_notes(library, ids, out, layout="per-paper")
    assert len(first.written) == 5
    edited = out / f"{keys[0]}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMy hand edit.\n", encoding="utf-8")
    before = edited.read_bytes()
    library.set_note(ids[0], "changed in Papershelf")
    library.set_note(ids[1], "changed in Papershelf too")
    second = export_notes(library, ids, out, layout="per-paper")
    assert second.skipped_edited == [edited]
    assert second.written == [out / f"{keys[1]}.md"]
    assert len(second.unchanged) == 3
    assert edited.read_bytes() == before  # the edit is kept
    assert "changed in Papershelf too" in (out / f"{keys[1]}.md").read_text(encoding="utf-8")
    third = export_notes(library, ids, out, layout="per-paper")
    assert third.skipped_edited == [edited] and not third.written  # still the reader's


def test_single_journal_edit_is_kept_too(library: Library, out: Path) -> None:
    ids = library.search("")
    export_notes(library, ids, out)
    journal = out / JOURNAL_NAME
    journal.write_text("mine now\n", encoding="utf-8")
    library.set_note(ids[0], "new note")
    report = export_notes(library, ids, out)
    assert report.skipped_edited == [journal]
    assert journal.read_text(encoding="utf-8") == "mine now\n"


def test_files_papershelf_did_not_write_are_never_touched(library: Library, out: Path) -> None:
    ids = library.search("", sort="key")[:3]
    key = library.record(ids[0])["key"]
    foreign = {f"{key}.md": b"someone else's note\n", "README.md": b"vault readme\n"}
    out.mkdir()
    for name, data in foreign.items():
        (out / name).write_bytes(data)
    report = export_notes(library, ids, out, layout="per-paper")
    assert report.foreign == [out / f"{key}.md"]
    assert out / f"{key}-2.md" in report.written
    again = export_notes(library, ids, out, layout="per-paper")
    assert len(again.unchanged) == 3 and not again.written  # the same names next time
    for name, data in foreign.items():
        assert (out / name).read_bytes() == data
    with pytest.raises(LibraryError, match="not written by Papershelf"):
        export_notes(library, ids, out / "README.md")
    assert (out / "README.md").read_bytes() == foreign["README.md"]


def test_a_damaged_manifest_makes_every_file_foreign(library: Library, out: Path) -> None:
    ids = library.search("", sort="key")[:2]
    export_notes(library, ids, out, layout="per-paper")
    library.set_note(ids[0], "changed")
    before = files(out)
    (out / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    report = export_notes(library, ids, out, layout="per-paper")
    assert report.errors and "could not be read" in report.errors[0]
    assert len(report.foreign) == 1  # the changed paper's old file: left, a -2 written
    for name, data in before.items():
        if name != MANIFEST_NAME:
            assert (out / name).read_bytes() == data


def test_export_is_deterministic(library: Library, out: Path) -> None:
    ids = library.search("")
    export_notes(library, ids, out / "a", layout="per-paper")
    export_notes(library, ids, out / "b", layout="per-paper")
    export_notes(library, ids, out / "a.md")
    export_notes(library, ids, out / "b.md")
    assert files(out / "a") == files(out / "b")
    assert (out / "a.md").read_bytes() == (out / "b.md").read_bytes()
    manifest = json.loads((out / "a" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert len(manifest["files"]) == len(ids)


# --- the journal --------------------------------------------------------------------------


def test_journal_groups_by_status_reading_first(library: Library, out: Path) -> None:
    ids = library.search("", sort="key")
    library.set_status(ids[0:1], "read")
    library.set_status(ids[1:2], "skipped")
    library.set_status(ids[2:3], "reading")
    library.set_status(ids[3:4], "to-read")
    library.add_tags(ids[2:3], ["deep learning", "icl"])
    library.set_note(ids[2], "```python\nnever closed")
    export_notes(library, ids, out / "journal.md")
    text = (out / "journal.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\w[\w ]*) \(\d+\)$", text, re.MULTILINE)
    assert headings == ["Reading", "To read", "Read", "New", "Skipped"]
    reading = library.record(ids[2])
    block = text.split("## To read")[0]
    assert f"`{reading['key']}`" in block
    assert "`deep learning`, #icl" in block
    assert ", ".join(reading["authors"]) in block
    assert block.count("```") == 2  # the note's open fence is closed before "To read"


def test_progress_can_cancel(library: Library, out: Path) -> None:
    ids = library.search("")
    report = export_notes(library, ids, out, "per-paper", progress=lambda d, t: d < 3)
    assert report.cancelled and len(report.written) == 3
    assert len(json.loads((out / MANIFEST_NAME).read_text())["files"]) == 3


# --- disks that refuse --------------------------------------------------------------------


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder nothing can be written into, even by root (as in CI)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        (folder / "probe").write_bytes(b"")
    except OSError:
        return folder  # chmod holds: an ordinary user
    (folder / "probe").unlink()
    folder.chmod(0o700)
    # root ignores permissions: a "folder" below a regular file can never be created.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    return blocker / "notes"


def test_a_read_only_folder_gives_a_clear_error_and_no_partial_file(
    library: Library, out: Path
) -> None:
    out.mkdir()
    folder = _read_only_folder(out)
    for layout in ("per-paper", "single"):
        with pytest.raises(LibraryError) as caught:
            export_notes(library, library.search(""), folder, layout=layout)
        message = str(caught.value)
        assert "\n" not in message and str(folder) in message
        assert "permission denied" in message or "not a folder" in message
    leftovers = [p for p in out.rglob("*") if p.name not in ("ro", "a-file")]
    assert leftovers == []


def test_a_full_disk_leaves_the_old_file_whole_and_no_temp_file(
    library: Library, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = library.search("", sort="key")[:3]
    export_notes(library, ids, out, layout="per-paper")
    before = files(out)
    library.set_note(ids[0], "a change that will not fit")
    library.set_note(ids[2], "nor will this")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_files.os, "fsync", full)
    with pytest.raises(ExportError) as caught:
        export_notes(library, ids, out, layout="per-paper")
    assert "the disk is full" in str(caught.value)
    assert caught.value.report.written == []
    assert files(out) == before  # old files whole, no temp file, manifest as it was


# --- Obsidian and the journal's outline (issue 15) ----------------------------------------

OBSIDIAN_TAG = re.compile(r"[\w/-]*[^\W\d][\w/-]*")  # Obsidian's rule for a tag


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("to read", "to-read"), ("#theory", "theory"), ("ml/optimisation", "ml/optimisation"),
        ("2024", "tag-2024"), ("a,b; c", "ab-c"), ("Ünïcode ok", "Ünïcode-ok"), ("#", None),
    ],
)  # fmt: skip
def test_tags_become_obsidian_tags(tag: str, expected: str | None) -> None:
    found = obsidian_tag(tag)
    assert found == expected
    if found is not None:
        assert OBSIDIAN_TAG.fullmatch(found)


def test_headings_in_notes_go_under_the_paper_s_heading() -> None:
    note = "# Thoughts\n\nText\n\nSetext\n======\n\n```\n# not a heading\n```\n\n##### Deep"
    assert demote_headings(note, 3) == (
        "#### Thoughts\n\nText\n\n#### Setext\n\n```\n# not a heading\n```\n\n###### Deep"
    )
    assert demote_headings("#hashtag is no heading\n- list\n---", 3) == (
        "#hashtag is no heading\n- list\n---"
    )


def test_a_journal_note_cannot_break_the_outline(library: Library, out: Path) -> None:
    paper = library.resolve("xie2023doremi")
    library.set_note(paper, "# My summary\n\nGood.\n\n## Details")
    export_notes(library, [paper], out, layout="single")
    text = (out / JOURNAL_NAME).read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[-2:] == ["#### My summary", "##### Details"]
