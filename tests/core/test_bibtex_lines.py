"""Reported line numbers are the lines an editor shows (issue 15).

For skipped entries, undefined macros and renamed keys, whatever the line ends (LF,
Windows' CRLF, classic Mac OS's CR), with or without a byte-order mark, in UTF-16, and
after comment blocks, a multi-line @preamble and multi-line entries. The file has the
shape BibDesk writes (a header of %% lines, tabs, date-added, a static group in a
@comment of XML) with JabRef's meta comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.core.io.bibtex import decode_bytes, parse_bibtex
from papershelf.core.io.importer import import_files
from papershelf.core.store.opening import open_library

BIBDESK = r"""%% This BibTeX bibliography file was created using BibDesk.
%% https://bibdesk.sourceforge.io/

%% Created for Ann Lee at 2021-03-04 10:00:00 +0100


%% Saved with string encoding Unicode (UTF-8)

@comment{jabref-meta: databaseType:bibtex;}

@comment{jabref-meta: grouping:
0 AllEntriesGroup:;
1 StaticGroup:Reading\;0\;1\;\;\;\;;
}

@preamble{ "\newcommand{\noopsort}[1]{} "
         # "\newcommand{\singleletter}[1]{#1} " }

@string{jmlr = {Journal of Machine Learning Research}}

@article{good1,
	author = {Lee, Ann},
	date-added = {2021-03-04 10:00:00 +0100},
	journal = jmlr,
	title = {A Good Entry},
	year = {2019}}

@article{broken,
	author = {Lee, Ann},
	title = {Missing its closing brace,
	year = {2019}

@article{2006,
	author = {Roe, Bo},
	title = {Key of Digits},
	year = {2006}}

@article{good1,
	author = {Roe, Bo},
	title = {Same Key, Another Paper},
	year = {2020}}

@inproceedings{macro,
	author = {Lee, Ann},
	booktitle = {Proceedings of } #
		undefinedconf,
	title = {An Undefined Macro on a Later Line},
	year = {2021}}

@comment{BibDesk Static Groups{
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<array>
	<dict>
		<key>group name</key>
		<string>To read</string>
		<key>keys</key>
		<string>good1,macro</string>
	</dict>
</array>
</plist>
}}

@misc{notitle,
	author = {Lee, Ann},
	year = {2022}}

@misc{last, title = {Last}, author = {Lee, Ann}, year = 2022}
"""


def line_of(marker: str) -> int:
    return BIBDESK[: BIBDESK.index(marker)].count("\n") + 1


def expected() -> list[str]:
    second_good1 = BIBDESK.index("@article{good1", BIBDESK.index("@article{good1") + 1)
    return [
        f"refs.bib:{line_of('@article{broken')}: malformed entry '@article{{broken' skipped",
        f"refs.bib:{line_of('undefinedconf')}: entry 'macro': field 'booktitle' uses @string "
        "undefinedconf, which is not defined; left out",
        f"refs.bib:{line_of('@misc{notitle')}: entry 'notitle': no title; skipped",
        f"entry '2006' (refs.bib:{line_of('@article{2006')}): a key of digits alone would "
        "read as a paper id",
        f"entry 'good1' (refs.bib:{BIBDESK[:second_good1].count(chr(10)) + 1}): another "
        "paper already has this key",
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_reported_lines_are_the_editors(tmp_path: Path, newline: str, encoding: str) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes(BIBDESK.replace("\n", newline).encode(encoding))
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        keys = {r["title"]: r["key"] for r in lib.records(lib.search(""))}
    assert sorted(keys) == [
        "A Good Entry", "An Undefined Macro on a Later Line", "Key of Digits", "Last",
        "Same Key, Another Paper",
    ]  # fmt: skip
    assert keys["A Good Entry"] == "good1"
    wanted = expected()
    assert len(report.problems) == len(wanted), report.problems
    for problem, start in zip(sorted(report.problems), sorted(wanted), strict=True):
        assert problem.startswith(start), (problem, start)


def test_a_stray_carriage_return_in_a_file_of_line_feeds_is_no_line_end() -> None:
    """As grep and vim count: a lone CR among LFs is a character of its line."""
    text = "@misc{a, title = {A\rB}}\n@misc{b, title = {B}, author = undefined}\n"
    result = parse_bibtex(text)
    assert result.problems[0][0] == 2


def test_a_byte_order_mark_in_the_middle_of_concatenated_files_is_dropped() -> None:
    one = "@misc{a, title = {A}}\n".encode("utf-8-sig")
    # ... and one pasted into a value, where it would be an invisible letter of the title.
    two = "@misc{b, title = {\ufeffB}, author = undefined}\n".encode("utf-8-sig")
    text, problems = decode_bytes(one + two)
    assert text is not None and problems == []
    result = parse_bibtex(text)
    assert [e.key for e in result.entries] == ["a", "b"]
    assert result.entries[1].fields["title"] == "B"
    assert [line for line, _ in result.problems] == [2]


def test_a_bom_before_text_that_is_not_utf8_is_not_read_as_letters() -> None:
    text, problems = decode_bytes(b"\xef\xbb\xbf@misc{a, title = {Caf\xe9}}\n")
    assert text == "@misc{a, title = {Café}}\n"
    assert problems == ["line 1: not UTF-8; read as Windows-1252 (check accented letters)"]
