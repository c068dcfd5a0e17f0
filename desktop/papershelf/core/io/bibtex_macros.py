"""BibTeX's ``@string`` macros across the files of one import, within a size budget.

BibTeX and biber read all the files of a document as one database: a macro defined in
``AuthorIDs.bib`` is known in ``Main.bib``. So every ``@string`` of an import is
declared first, in the order the files were given, and only then are values expanded:
a macro used before the file (or the line) defining it still resolves, and the order
of the files on the command line does not matter. The first definition of a name is
kept; a different one later is reported.

A name no file defines and no standard style knows (``jan``, ``cacm``) is reported and
left out, as BibTeX does ("undefined string"), never kept as the text of its name: a
name list of macros would otherwise import as authors called ``jsmith``.

What macros add is paid for before anything is built: each entry (or ``@string``) may
gain at most ``MAX_ENTRY_EXPANSION`` characters from macros, and the whole import the
larger of ``MIN_EXPANSION`` and its own length, so a few doubling macros cannot make
gigabytes, however many files they are spread over.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

MAX_ENTRY_EXPANSION = 1_000_000  # characters macros add to one entry (or one @string)

_VALUE_MARK = re.compile(r'(?<!\\)[{}"#]')
_HASH = re.compile(r"(?<!\\)#")
# A macro name as BibTeX reads one: no digit first, none of its delimiters. Anything
# else bare ("2019", garbage with spaces) is kept as written.
_NAME = re.compile(r"[^\d\s\"#%'(),={}][^\s\"#%'(),={}]*")

# What the standard styles (plain, abbrv, alpha, unsrt) define with MACRO{}: a file
# written for them may use these without defining them.
STYLE_MACROS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
    "acmcs": "ACM Computing Surveys", "acta": "Acta Informatica",
    "cacm": "Communications of the ACM",
    "ibmjrd": "IBM Journal of Research and Development", "ibmsj": "IBM Systems Journal",
    "ieeese": "IEEE Transactions on Software Engineering",
    "ieeetc": "IEEE Transactions on Computers",
    "ieeetcad": "IEEE Transactions on Computer-Aided Design of Integrated Circuits",
    "ipl": "Information Processing Letters", "jacm": "Journal of the ACM",
    "jcss": "Journal of Computer and System Sciences",
    "scp": "Science of Computer Programming", "sicomp": "SIAM Journal on Computing",
    "tocs": "ACM Transactions on Computer Systems",
    "tods": "ACM Transactions on Database Systems", "tog": "ACM Transactions on Graphics",
    "toms": "ACM Transactions on Mathematical Software",
    "toois": "ACM Transactions on Office Information Systems",
    "toplas": "ACM Transactions on Programming Languages and Systems",
    "tcs": "Theoretical Computer Science",
}  # fmt: skip

_UNDEFINED = "not defined"


class Problem(NamedTuple):
    """Something to tell the reader, where it was found."""

    source: int  # index of the file in the import
    line: int
    message: str


class Missing(NamedTuple):
    """A macro a value uses that gives nothing: undefined, or defined through itself."""

    name: str  # as written
    offset: int  # where in the raw value it is
    why: str  # "not defined", "defined through itself (a → b → a)"


class Expansion(NamedTuple):
    """A raw value as the pieces it stands for, not yet joined (so not yet paid for)."""

    pieces: list[str]
    from_macros: int  # characters the @string macros among the pieces add
    too_large: tuple[str, str] | None  # (macro, why) of a macro too large to define
    missing: list[Missing]


@dataclass
class _Definition:
    raw: str
    source: int
    line: int


def concatenated(raw: str) -> list[tuple[int, str]]:
    """The parts of a raw value joined by ``#`` outside braces and quotes, with where
    each starts; unstripped."""
    if _HASH.search(raw) is None:
        return [(0, raw)]  # most values, and every one Papershelf writes: no brace walk
    parts: list[tuple[int, str]] = []
    depth = 0
    in_quotes = False
    start = 0
    for match in _VALUE_MARK.finditer(raw):
        mark = match.group(0)
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth = max(depth - 1, 0)
        elif mark == '"' and depth == 0:
            in_quotes = not in_quotes
        elif mark == "#" and depth == 0 and not in_quotes:
            parts.append((start, raw[start : match.start()]))
            start = match.end()
    parts.append((start, raw[start:]))
    return parts


def _delimited(text: str) -> bool:
    return len(text) >= 2 and text[0] + text[-1] in ("{}", '""')


@dataclass
class Macros:
    """The @string macros of an import and what they have added to it."""

    budget: int  # characters macros (and crossref) may add to the whole import
    scope: str = "the file"  # how messages name what the budget is for
    values: dict[str, str] = field(default_factory=dict)
    too_large: dict[str, str] = field(default_factory=dict)  # name: the budget it would pass
    broken: dict[str, str] = field(default_factory=dict)  # name: why it gives nothing
    added: int = 0
    _definitions: dict[str, _Definition] = field(default_factory=dict)

    # -------------------------------------------------------------- definitions

    def declare(self, name: str, raw: str, source: int, line: int) -> str | None:
        """``@string{name = raw}`` seen at ``line`` of file ``source``; the first
        definition of a name is kept. Returns what to report about this one, if anything."""
        key = name.strip().lower()
        first = self._definitions.get(key)
        if first is None:
            self._definitions[key] = _Definition(raw, source, line)
            return None
        if first.raw.strip() == raw.strip() and first.source != source:
            return None  # the same abbreviations in two files: nothing to tell
        where = "" if first.source == source else f" (in another file, line {first.line})"
        return f"@string {name.strip()} defined again: the first{where} is used"

    def resolve_all(self, problem: Callable[[int, int, str], None]) -> None:
        """Expand every declared macro, each once, in the order they were declared.

        A macro defined in terms of one declared later is expanded after it (an explicit
        stack, not recursion: a hostile chain may be 100,000 long). A cycle gives nothing
        and is reported once; so is a macro a definition uses that nothing defines.
        """
        for name in self._definitions:
            if not self._settled(name):
                self._resolve(name, problem)

    def _settled(self, name: str) -> bool:
        return name in self.values or name in self.too_large or name in self.broken

    def _uses(self, name: str) -> Iterator[str]:
        """The declared macros a definition uses that are not expanded yet, one at a time
        (so that a definition of 100,000 parts is read once, not once per part)."""
        for _, part in concatenated(self._definitions[name].raw):
            used = part.strip().lower()
            if used in self._definitions and not self._settled(used):
                yield used

    def _resolve(self, name: str, problem: Callable[[int, int, str], None]) -> None:
        stack = [(name, self._uses(name))]
        on_stack = {name}
        while stack:
            current, uses = stack[-1]
            later = next((u for u in uses if not self._settled(u)), None)
            if later is None:
                stack.pop()
                on_stack.discard(current)
                self._define(current, problem)
            elif later not in on_stack:
                stack.append((later, self._uses(later)))
                on_stack.add(later)
            else:
                # A cycle: every macro on it gives nothing, and the ones that use it are
                # expanded with nothing in its place.
                names = [n for n, _ in stack]
                cycle = names[names.index(later) :]
                path = " → ".join([*cycle, later])
                for member in cycle:
                    self.broken[member] = f"defined through itself ({path})"
                    on_stack.discard(member)
                del stack[len(stack) - len(cycle) :]
                first = self._definitions[cycle[0]]
                problem(
                    first.source,
                    first.line,
                    f"@string {cycle[0]} is defined through itself ({path}); it is left empty",
                )

    def _define(self, name: str, problem: Callable[[int, int, str], None]) -> None:
        definition = self._definitions[name]
        expansion = self.expand(definition.raw)
        for missing in expansion.missing:
            if missing.why == _UNDEFINED:  # a cycle was reported where it was found
                said = f"@string {name} uses {missing.name}, which is not defined; left out"
                problem(definition.source, definition.line, said)
        why = self.past_budget(expansion, expansion.from_macros)
        if why is not None:
            self.too_large[name] = why
        else:
            self.values[name] = "".join(expansion.pieces)
            self.added += expansion.from_macros

    # -------------------------------------------------------------- values

    def expand(self, raw: str) -> Expansion:
        """A raw field value ('{A} # name # "B"') as the pieces it stands for."""
        text = raw.strip()
        if text[:1] == "{" and text[-1:] == "}" and "#" not in text:
            return Expansion([text[1:-1]], 0, None, [])  # most values: one braced part
        pieces: list[str] = []
        from_macros = 0
        too_large = None
        missing: list[Missing] = []
        for start, part in concatenated(raw):
            text = part.strip()
            name = text.lower()
            if _delimited(text):
                text = text[1:-1]
            elif name in self.values:
                text = self.values[name]
                from_macros += len(text)
            elif name in self.too_large:
                too_large = too_large or (text, self.too_large[name])
            elif name in self.broken or (name not in STYLE_MACROS and _NAME.fullmatch(text)):
                offset = start + len(part) - len(part.lstrip())
                missing.append(Missing(text, offset, self.broken.get(name, _UNDEFINED)))
                text = ""
            elif name in STYLE_MACROS:
                text = STYLE_MACROS[name]  # a few times what the file spells out, at most
            pieces.append(text)
        return Expansion(pieces, from_macros, too_large, missing)

    def past_budget(self, expansion: Expansion, entry_added: int) -> str | None:
        """The budget an expansion would pass ("over N characters to ..."), if any.

        ``entry_added``: what macros add to its entry (or @string) so far, this included.
        """
        if expansion.too_large is not None:
            return expansion.too_large[1]
        return self.past(entry_added)

    def past(self, entry_added: int) -> str | None:
        """The budget that adding ``entry_added`` characters to one entry would pass."""
        if entry_added > MAX_ENTRY_EXPANSION:
            return f"over {MAX_ENTRY_EXPANSION:,} characters to one entry"
        if self.added + entry_added > self.budget:
            return f"over {self.budget:,} characters to {self.scope}"
        return None
