"""Papers the capture tests look up, and the services that know them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from net_fixtures import ArxivEntry, ArxivService, CrossrefService, crossref_work
from net_server import FixtureServer

# The seeded paper 1 (akyurek2022learning), as arXiv has it: the whole author list.
AKYUREK = ArxivEntry(
    "2211.15661",
    "What learning algorithm is in-context learning? Investigations with linear models",
    ["Ekin Akyürek", "Dale Schuurmans", "Jacob Andreas", "Tengyu Ma", "Denny Zhou"],
    abstract="Neural sequence models, especially transformers, exhibit a remarkable\n"
    "capacity for in-context learning.",
    version=3,
    published="2022-11-28T18:59:51Z",
    updated="2023-05-17T00:00:00Z",
    primary="cs.LG",
    comment="ICLR 2023",
)
SCALING = ArxivEntry(
    "2303.16800",
    "Scaling Laws for Tiny Transformers with Very Long Contexts",
    ["Ada Lovelace", "Alan Turing"],
    abstract="We measure things.\n\nA second paragraph\n  wrapped over lines.",
    primary="cs.CL",
    doi="10.1234/tiny.2023.7",
    journal_ref="Journal of Tiny Models 3 (2023) 1-20",
    comment="20 pages, 4 figures",
)
OLD_STYLE = ArxivEntry(
    "hep-th/9901001",
    "Strings Before the Millennium",
    ["Edward Witten"],
    published="1999-01-01T00:00:00Z",
    updated="1999-01-02T00:00:00Z",
    primary="hep-th",
    categories=["hep-th"],
    version=1,
)
NATURE = crossref_work(
    "10.1038/nature14539",
    "Deep learning",
    [("Yann", "LeCun"), ("Yoshua", "Bengio"), ("Geoffrey", "Hinton")],
    orcids={"Bengio": "0000-0002-9322-3515"},
    affiliations={"LeCun": "Facebook AI Research"},
)
TINY = crossref_work(
    "10.1234/tiny.2023.7",
    "Scaling Laws for Tiny Transformers with Very Long Contexts",
    [("Ada", "Lovelace"), ("Alan", "Turing")],
    container="Journal of Tiny Models",
    volume="3",
    issue=None,
    page="1-20",
    issued=(2023, 6),
    abstract=None,
)


@dataclass
class Services:
    server: FixtureServer
    arxiv: ArxivService
    crossref: CrossrefService


@pytest.fixture
def services(fixture_server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> Services:
    """arXiv and Crossref on the local server; arXiv's 3 s pace scaled to 30 ms."""
    arxiv = ArxivService(fixture_server, [AKYUREK, SCALING, OLD_STYLE])
    crossref = CrossrefService(fixture_server, [NATURE, TINY])
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", arxiv.url)
    monkeypatch.setenv("PAPERSHELF_CROSSREF_API", crossref.url)
    monkeypatch.setenv("PAPERSHELF_NET_TIME_SCALE", "0.01")
    return Services(fixture_server, arxiv, crossref)
