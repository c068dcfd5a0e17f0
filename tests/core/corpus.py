"""A small bibliography of every shape issue 15 names: each entry type, names with
particles, suffixes and corporate names, dates of each precision, hostile text."""

from __future__ import annotations

from papershelf.core.fields import PaperFields

CORPUS: list[tuple[str, PaperFields]] = [
    ("vaswani2017attention", PaperFields(
        title="Attention Is All You Need", authors=["Ashish Vaswani", "Shazeer, Noam"],
        entry_type="inproceedings", venue="Advances in Neural Information Processing Systems",
        volume="30", pages="5998–6008", publisher="Curran Associates, Inc.", published="2017",
        editors=["Guyon, I.", "von Luxburg, U."], doi="10.5555/3295222.3295349",
        arxiv_id="1706.03762")),
    ("lecun1998gradient", PaperFields(
        title="Gradient-Based Learning Applied to Document Recognition",
        authors=["LeCun, Yann", "Bottou, Léon"], authors_truncated=True, entry_type="article",
        venue="Proceedings of the IEEE", volume="86", number="11", pages="2278–2324",
        published="1998-11")),
    ("beethoven1808", PaperFields(
        title="Symphony No. 5 in {C} minor", authors=["van Beethoven, Ludwig"],
        entry_type="book", publisher="Breitkopf & Härtel", published="1808",
        isbn="978-3-16-148410-0", extra={"address": "Leipzig", "edition": "First"})),
    ("king1963letter", PaperFields(
        title="Letter from Birmingham Jail", authors=["King, Jr., Martin Luther"],
        entry_type="misc", published="1963-04-16", url="https://example.org/a?b=1&c=%20")),
    ("chnm2006zotero", PaperFields(
        title="Zotero: 100% free, #1 & only_one $x_1$",
        authors=["{Center for History and New Media}"],
        entry_type="techreport", institution="George Mason University", number="TR-7",
        published="2006")),
    ("doe2020thesis", PaperFields(
        title="On {NASA} and Things", authors=["de la Fontaine, Jean"], entry_type="phdthesis",
        institution="Université de Paris", published="2020-09",
        abstract="First paragraph with a lone { brace.\n\nSecond with $\\widehat v_{ij}$ and }.")),
    ("smith2021chapter", PaperFields(
        title="A Chapter", authors=["Ann Smith"], entry_type="incollection",
        venue="The Big Book", editors=["{Editors United}"], pages="1–20", publisher="Springer",
        published="2021-03-04")),
]  # fmt: skip
