"""Citation keys, LaTeX shown as text, and the folding that matches names."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.core.keys import base_key, first_significant_word, make_key, surname, unique_key
from papershelf.core.text import ascii_fold, caseless_glob, fold, latex_to_text

# --- keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ekin Akyürek", "akyurek"),
        ("Jeff Z. HaoChen", "haochen"),
        ("Adams Wei Yu", "yu"),
        ("Martin Luther King Jr.", "king"),
        ("Ernő Rubik", "rubik"),
        ("Zoë Kravitz-Núñez", "kravitznunez"),
        ("Søren Kierkegaard", "kierkegaard"),
        ("Vincent van Gogh", "gogh"),
        ("", ""),
    ],
)
def test_surname_is_ascii(name: str, expected: str) -> None:
    assert surname(name) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("What learning algorithm is in-context learning?", "learning"),
        ("The Power of Scale", "power"),
        ("On the Opportunities and Risks of Foundation Models", "opportunities"),
        ("A Theoretical Study of Inductive Biases", "theoretical"),
        ("How Does Sharpness-Aware Minimization Minimize Sharpness?", "sharpness"),
        ("Towards Understanding Transformers", "understanding"),
        ("DoReMi: Optimizing Data Mixtures", "doremi"),
        ("SAM 3: Segment Anything with Concepts", "sam"),
        ("$L_2$ Regularization Revisited", "regularization"),
        ("Über Künstliche Intelligenz", "uber"),
        ("The Of And", ""),
    ],
)
def test_first_significant_word_skips_stopwords(title: str, expected: str) -> None:
    assert first_significant_word(title) == expected


def test_base_key() -> None:
    title = "What learning algorithm is in-context learning? Investigations with linear models"
    assert base_key("Ekin Akyürek", 2022, title) == "akyurek2022learning"
    assert base_key(None, 2022, "Deep Nets") == "2022deep"
    assert base_key("Ada Lovelace", None, "Deep Nets") == "lovelacedeep"
    assert base_key(None, None, "The Of") == "paper"


def test_unique_key_suffixes() -> None:
    taken = {"smith2020deep"}
    assert unique_key("smith2020deep", taken.__contains__) == "smith2020deepa"
    taken |= {f"smith2020deep{c}" for c in "abcdefghijklmnopqrstuvwxyz"}
    assert unique_key("smith2020deep", taken.__contains__) == "smith2020deepaa"
    taken.add("smith2020deepaa")
    assert unique_key("smith2020deep", taken.__contains__) == "smith2020deepab"
    assert unique_key("free", taken.__contains__) == "free"


def test_make_key_gives_distinct_keys_for_same_author_year_word() -> None:
    taken: set[str] = set()
    made = []
    for _ in range(30):
        key = make_key(["Ada Lovelace"], 2020, "Deep Nets", taken.__contains__)
        taken.add(key)
        made.append(key)
    assert len(set(made)) == 30
    assert made[:3] == ["lovelace2020deep", "lovelace2020deepa", "lovelace2020deepb"]
    assert all(k.startswith("lovelace2020deep") for k in made)


@pytest.mark.parametrize(
    ("author", "title", "expected"),
    [
        ("Иван Иванов", "Война и мир", "ivanov2006voyna"),
        ("Γιώργος Παπαδόπουλος", "Μηχανική μάθηση", "papadopoylos2006michaniki"),
        ("王小明", "深度学习", "wangxiaoming2006shenduxuexi"),
        ("محمد الخوارزمي", "الجبر", "lkhwrzmy2006ljbr"),
        ("Łukasz Kaiser", "Attention", "kaiser2006attention"),
    ],
)
def test_keys_transliterate_other_scripts(author: str, title: str, expected: str) -> None:
    # Dropping non-Latin letters left "2006" alone, which reads as a paper id.
    assert base_key(author, 2006, title) == expected


def test_a_key_is_never_digits_alone() -> None:
    assert base_key(None, 2006, "Война и мир") == "2006voyna"  # no author, Cyrillic title
    assert base_key("Иван Иванов", None, "Война и мир") == "ivanovvoyna"
    assert base_key(None, None, "Война и мир") == "voyna"
    assert base_key(None, 2006, "") == "paper2006"
    assert base_key(None, None, "1984") == "paper1984"
    assert base_key(None, 2006, "١٩٨٤") == "paper20061984"  # Arabic-Indic digits too
    assert base_key("—", 2006, "…") == "paper2006"
    # Near-misses: digits with a letter are a key as they are.
    assert base_key(None, 2006, "GPT4 Explained") == "2006gpt4"
    assert base_key(None, 2022, "Deep Nets") == "2022deep"


@given(st.text(max_size=80), st.one_of(st.none(), st.integers(1000, 2999)), st.text(max_size=80))
def test_keys_are_always_plain_ascii(author: str, year: int | None, title: str) -> None:
    key = base_key(author, year, title)
    assert key
    assert key.isascii() and key.isalnum() and key == key.lower()
    assert not key.isdigit()


# --- LaTeX as text -------------------------------------------------------------------


def test_infinity_subscript() -> None:
    assert latex_to_text("$L_\\infty$") == "L∞"
    assert latex_to_text("robust in $L_\\infty$ norm") == "robust in L∞ norm"


def test_math_commands_leave_no_backslashes() -> None:
    text = latex_to_text("$\\mathcal{C}(f) \\ln n$")
    assert "\\" not in text
    assert "$" not in text
    assert "ln n" in text
    assert text.startswith(("C(f)", "\N{MATHEMATICAL SCRIPT CAPITAL C}(f)"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("$x^2$", "x²"),
        ("$s_0$", "s₀"),
        ("$O(T^2)$", "O(T²)"),
        ("$(1 - ε)$", "(1 - ε)"),
        ("$\\textit{nonlinear}$", "nonlinear"),
        ("$n$-gram", "n-gram"),
    ],
)
def test_small_math(source: str, expected: str) -> None:
    assert latex_to_text(source) == expected


def test_prose_is_left_alone() -> None:
    assert latex_to_text("improves 50% of the cases") == "improves 50% of the cases"
    # % is a LaTeX comment: it must not eat the rest of the sentence around math.
    mixed = latex_to_text("in $L_2$ we gain 50% of the accuracy, at $O(\\log n)$ cost")
    assert mixed == "in L₂ we gain 50% of the accuracy, at O(log n) cost"
    assert latex_to_text("no math at all") == "no math at all"


def test_prose_emphasis_keeps_its_words() -> None:
    assert latex_to_text("also known as \\emph{deep matrix factorization}.") == (
        "also known as deep matrix factorization."
    )
    assert latex_to_text("a \\textit{Neural} law") == "a Neural law"
    assert latex_to_text("$\\textit{pre-conditioned}$ SGD") == "pre-conditioned SGD"


def test_dollar_amounts_are_not_math() -> None:
    assert latex_to_text("training costs $5 to $10 per run") == "training costs $5 to $10 per run"
    assert latex_to_text("a single $ sign") == "a single $ sign"


def test_seed_abstracts_read_without_latex() -> None:
    from pathlib import Path

    seeds = Path(__file__).parents[2] / "seeds"
    for document in sorted(seeds.glob("*.txt")):
        shown = latex_to_text(document.read_text(encoding="utf-8"))
        assert "$" not in shown
        for command in ("\\infty", "\\mathcal", "\\ln", "\\mathsf", "\\textit", "\\log"):
            assert command not in shown, command


@given(st.text(max_size=300))
def test_latex_to_text_never_raises(value: str) -> None:
    assert isinstance(latex_to_text(value), str)


# --- folding ------------------------------------------------------------------------------


def test_fold_matches_case_accents_and_spacing() -> None:
    assert fold("Jeff Z. HaoChen") == fold("Jeff Z. Haochen") == "jeff z. haochen"
    assert fold("Ekin Akyürek") == "ekin akyurek"
    assert fold("  Tengyu   Ma ") == "tengyu ma"
    assert fold("STRASSE") == fold("Straße")
    assert fold("\uff34\uff48\uff45\uff4f\uff52\uff59") == "theory"  # full-width letters


def test_ascii_fold_keeps_only_letters_and_digits() -> None:
    assert ascii_fold("Akyürek") == "akyurek"
    assert ascii_fold("Kravitz-Núñez") == "kravitznunez"
    assert ascii_fold("R2-D2!") == "r2d2"
    assert ascii_fold("王小明") == "wangxiaoming"  # transliterated, not dropped


@pytest.mark.parametrize(
    ("key", "typed", "found"),
    [
        ("Иванов2006", "иванов2006", True),
        ("Иванов2006", "ИВАНОВ2006", True),
        ("Müller2020", "MÜLLER2020", True),
        ("ΣΟΦΟΣ", "σοφος", True),
        ("a*b?c[d]", "A*B?C[D]", True),
        ("Иванов2006", "Иванов200", False),  # the whole key, not a prefix
        ("Иванов2006", "Петров2006", False),
        ("axb", "a*b", False),  # GLOB's wildcards in what is typed are plain characters
        ("axb", "a?b", False),
    ],
)
def test_caseless_glob_matches_keys_in_any_case(key: str, typed: str, found: bool) -> None:
    conn = sqlite3.connect(":memory:")
    row = conn.execute("SELECT ? GLOB ?", (key, caseless_glob(typed))).fetchone()
    assert bool(row[0]) is found
