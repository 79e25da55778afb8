"""Citations as Dutch law writes them (docs/language.md, section 9): book-and-article numbers,
items (sub, onderdeel, onder, aanhef en onder, onder 2°), chapters and paragraphs, and the act
named before or after the provision. Each form: its structure in the AST, how it is shown
(human, JSON, SARIF), the formatter's round trip, repeal by citation, and the diagnostics.
Every expected text below is written by hand from the rules in the docs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl import ast
from lexproof.dsl.check_amendments import citation_covers
from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import version_on
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.formatter import format_citation, format_text
from lexproof.dsl.parser import parse_text
from lexproof.verifier.cli import main
from lexproof.verifier.results import cite

REPO = Path(__file__).resolve().parent.parent
C = ast.Citation


def citation(text: str) -> ast.Citation:
    file = parse_text(f"statute S\nfacts F {{ x: bool }}\ndecision d: bool\nrule r {text}: d = true\n", "c.law")
    return file.sections[0].items[-1].citation


def syntax_error(text: str) -> tuple[int, int, str]:
    """(line, column, message) of the one error in a rule citing ``text`` (on line 3)."""
    source = f"statute S\ndecision d: bool otherwise false\nrule r {text}: d = true\n"
    with pytest.raises(LexproofError) as info:
        check_files([parse_text(source, "c.law")])
    (diagnostic,) = info.value.diagnostics
    return diagnostic.span.line, diagnostic.span.column, diagnostic.message


# --- structure -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[art. 4:84]", C("art", "4:84")),
        ("[artikel 6:162 lid 2 BW]", C("art", "6:162", "2", statute="BW", statute_after=True)),
        ("[art. 7A:1576]", C("art", "7A:1576")),
        ("[art. 3.16b lid 2 sub c]", C("art", "3.16b", "2", "c")),
        ("[art. 2 lid 1 sub 1°]", C("art", "2", "1", "1°")),
        ("[art. 1 onderdeel f]", C("art", "1", sub="f", sub_word="onderdeel")),
        ("[art. 3 lid 1 onder b]", C("art", "3", "1", "b", sub_word="onder")),
        ("[art. 3 lid 1 aanhef en onder b]", C("art", "3", "1", "b", sub_word="aanhef en onder")),
        ("[art. 2 lid 1 sub a onder 2°]", C("art", "2", "1", "a", onder="2°")),
        ("[art. 1 onderdeel f onder 4° LCW]",
         C("art", "1", sub="f", statute="LCW", sub_word="onderdeel", onder="4°", statute_after=True)),
        ("[art. 6 lid 1 sub a AVG]", C("art", "6", "1", "a", statute="AVG", statute_after=True)),
        ("[AVG art. 6 lid 1 sub a]", C("art", "6", "1", "a", statute="AVG")),
        ('["Kamerstuk 36 799" art. I]', C("art", "I", statute="Kamerstuk 36 799")),
        ('[art. I "Kamerstuk 36 799"]', C("art", "I", statute="Kamerstuk 36 799", statute_after=True)),
        ("[hoofdstuk 3]", C("hoofdstuk", "3")),
        ("[paragraaf 3.2]", C("paragraaf", "3.2")),
        ("[§ 6.2]", C("paragraaf", "6.2")),
        ("[afdeling 4.2.1 Awb]", C("afdeling", "4.2.1", statute="Awb", statute_after=True)),
        ("[titel 4.2 Awb]", C("titel", "4.2", statute="Awb", statute_after=True)),
        ("[bijlage I]", C("bijlage", "I")),
        ("[overweging 43 AVG]", C("overweging", "43", statute="AVG", statute_after=True)),
    ],
)
def test_structure(text: str, expected: ast.Citation) -> None:
    assert citation(text) == expected


def test_the_way_an_item_is_introduced_is_kept_but_is_the_same_item() -> None:
    """``sub a`` and ``onderdeel a`` are different texts (kept for the round trip) of one item."""
    assert citation("[art. 1 sub a]") != citation("[art. 1 onderdeel a]")
    assert citation("[art. 1 sub a]").sub == citation("[art. 1 onderdeel a]").sub == "a"


# --- how a citation is shown ---------------------------------------------------------------------


def _model(header: str):
    program = check_files([parse_text(f"{header}\nfacts F {{ x: bool }}\ndecision d: bool otherwise false\n", "m.law")])
    return next(iter(program.statutes.values()))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[art. 4:84]", "art. 4:84 Awb"),
        ("[art. 4:84 lid 1 aanhef en onder b]", "art. 4:84 lid 1 aanhef en onder b Awb"),
        ("[artikel 6:162 BW]", "art. 6:162 BW"),
        ("[art. 2 lid 1 sub a onder 2°]", "art. 2 lid 1 sub a onder 2° Awb"),
        ("[art. 6 lid 1 sub a AVG]", "art. 6 lid 1 sub a AVG"),
        ("[WEB art. 7.2.7 lid 3]", "WEB art. 7.2.7 lid 3"),
        ('["Kamerstuk 36 799" art. I]', "Kamerstuk 36 799 art. I"),
        ("[paragraaf 3.2]", "§ 3.2 Awb"),
        ("[hoofdstuk 3]", "hoofdstuk 3 Awb"),
        ("[afdeling 4.2.1]", "afdeling 4.2.1 Awb"),
        ("[bijlage I]", "bijlage I Awb"),
        # A citation naming its own statute shows the statute's short name.
        ("[art. 4:84 Algemene_wet]", "art. 4:84 Awb"),
        ('["Kamerstuk 36 799, nr. 2"]', "Kamerstuk 36 799, nr. 2"),
    ],
)
def test_shown_with_the_short_name_separated(text: str, shown: str) -> None:
    statute = _model('statute Algemene_wet "Algemene wet bestuursrecht" cite Awb')
    assert cite(statute, citation(text)) == shown


def test_statute_without_cite_label_is_shown_by_its_name() -> None:
    statute = _model("statute WSF2000")
    assert cite(statute, citation("[art. 3.16b lid 2 sub c]")) == "art. 3.16b lid 2 sub c WSF2000"
    assert cite(statute, citation("[§ 6.2]")) == "§ 6.2 WSF2000"


CONFLICT = """\
statute Algemene_wet "Algemene wet bestuursrecht" cite Awb
facts F { x: bool }
decision d: bool [afdeling 4.4.1] otherwise false
rule a [art. 4:84 lid 1 aanhef en onder b]: d = true if x
rule b [art. 6:162 lid 2 sub a onder 2° BW]: d = false if x
"""
ARTICLES = ["art. 4:84 lid 1 aanhef en onder b Awb", "art. 6:162 lid 2 sub a onder 2° BW"]


def _check(path: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(path), "--only", "conflict", "--no-cache", *options])
    return result.exit_code, result.stdout


def test_human_json_and_sarif_show_the_citations(tmp_path: Path) -> None:
    path = tmp_path / "awb.law"
    path.write_text(CONFLICT, encoding="utf-8")
    code, human = _check(path)
    assert code == 1, human
    assert "rules a [art. 4:84 lid 1 aanhef en onder b Awb] and b [art. 6:162 lid 2 sub a onder 2° BW]" in human
    assert "articles: " + ", ".join(ARTICLES) in human

    code, text = _check(path, "--format", "json")
    (conflict,) = [r for r in json.loads(text)["results"] if r["kind"] == "conflict"]
    assert conflict["articles"] == ARTICLES

    code, text = _check(path, "--format", "sarif")
    (result,) = [r for r in json.loads(text)["runs"][0]["results"] if r["ruleId"] == "LP101"]
    assert "Articles: " + ", ".join(ARTICLES) + "." in result["message"]["text"]


def test_bundled_bill_and_example_show_separated_names() -> None:
    """Before: 'Kamerstuk36799 art. I' and 'art. 6 lid 1 sub a AVGToestemming'."""
    code, out = _check(REPO / "statutes" / "gegevensuitwisseling")
    assert "Kamerstuk 36 799 art. I" in out and "Kamerstuk36799" not in out
    program_out = CliRunner().invoke(
        main, ["check", str(REPO / "examples" / "lawyer" / "consent_disagreement"), "--only", "conflict", "--no-cache"]
    ).stdout
    assert "[art. 6 lid 1 sub a AVG] and toestemming_overheid_ongeldig [overweging 43 AVG]" in program_out
    assert "AVGToestemming]" not in program_out and "AVGToestemming (rule" not in program_out


# --- formatter -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "formatted"),
    [
        ("[art. 4:84]", "[art. 4:84]"),
        ("[artikel 6:162 lid 2 BW]", "[art. 6:162 lid 2 BW]"),
        ("[art 1 onderdeel f onder 4° LCW]", "[art. 1 onderdeel f onder 4° LCW]"),
        ("[art. 3 lid 1 aanhef en onder b]", "[art. 3 lid 1 aanhef en onder b]"),
        ('["Kamerstuk 36 799" art. I]', '["Kamerstuk 36 799" art. I]'),
        ('[art. I "Kamerstuk 36 799"]', '[art. I "Kamerstuk 36 799"]'),
        ('["AVG" art. 6]', "[AVG art. 6]"),
        ('[art. 6 "lid"]', '[art. 6 "lid"]'),
        ("[paragraaf 3.2]", "[§ 3.2]"),
        ("[hoofdstuk 3 Awb]", "[hoofdstuk 3 Awb]"),
    ],
)
def test_formatter_round_trip(text: str, formatted: str) -> None:
    parsed = citation(text)
    assert format_citation(parsed) == formatted
    assert citation(formatted) == parsed


def test_formatter_keeps_citations_in_a_file() -> None:
    source = (
        'statute Algemene_wet cite Awb\nfacts F { x: bool }\ndecision d: bool [hoofdstuk 4] otherwise false\n'
        "rule a [art. 4:84 lid 1 aanhef en onder b]: d = true if x\n"
        'amendment A amends Algemene_wet in force 2030-01-01\n  repeal [art. 4:84 lid 1 onderdeel b]\n'
    )
    formatted = format_text(source, "f.law")
    assert "decision d: bool [hoofdstuk 4] otherwise false" in formatted
    assert "rule a [art. 4:84 lid 1 aanhef en onder b]:" in formatted
    assert "  repeal [art. 4:84 lid 1 onderdeel b]" in formatted
    assert parse_text(formatted, "f.law").sections == parse_text(source, "f.law").sections


# --- repeal by citation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("general", "specific", "covers"),
    [
        ("[art. 4:84]", "[art. 4:84]", True),
        ("[art. 4:84]", "[art. 4:84 lid 2 sub a]", True),
        ("[art. 4:84]", "[art. 4:8]", False),
        ("[art. 4:84]", "[art. 4:841]", False),
        ("[art. 4:84]", "[art. 4]", False),
        ("[art. 4]", "[art. 4:84]", False),
        ("[art. 4:84]", "[art. 84]", False),
        ("[art. 4:84]", "[art. 4.84]", False),
        ("[art. 4:84]", "[Awb art. 4:84]", False),
        ("[art. 1 sub a]", "[art. 1 onderdeel a]", True),
        ("[art. 1 onder a]", "[art. 1 aanhef en onder a]", True),
        ("[art. 1 sub a]", "[art. 1 sub a onder 2°]", True),
        ("[art. 1 sub a onder 2°]", "[art. 1 sub a onder 2°]", True),
        ("[art. 1 sub a onder 2°]", "[art. 1 sub a onder 1°]", False),
        ("[art. 1 sub a onder 2°]", "[art. 1 sub a]", False),
        ("[art. 1 sub 1°]", "[art. 1 sub 1]", False),
        ("[Awb art. 4:84]", "[art. 4:84 Awb]", True),
        ("[hoofdstuk 3]", "[art. 3]", False),
        ("[paragraaf 3.2]", "[§ 3.2]", True),
        ("[art. 4 S]", "[art. 4 lid 1]", True),
        ("[art. 4]", "[S art. 4 lid 1]", True),
        ("[art. 4 T]", "[art. 4]", False),
    ],
)
def test_citation_covers(general: str, specific: str, covers: bool) -> None:
    assert citation_covers(citation(general), citation(specific), ("S",)) is covers


REPEAL = """\
statute Algemene_wet cite Awb
facts F { x: bool }
decision d: bool otherwise false
rule boek [art. 4:84]: d = true if x
rule boek_lid [art. 4:84 lid 2 sub a onder 2°]: d = true if x
rule ander_boek [art. 4:8]: d = true if x
rule gewoon [art. 4]: d = true if x
rule eigen [art. 5 onderdeel b Awb]: d = true if x
rule ander [art. 5 onderdeel b BW]: d = true if x
amendment A amends Algemene_wet in force 2030-01-01
  repeal [art. 4:84]
  repeal [art. 5 sub b]
"""


def test_repeal_by_book_and_article_number_removes_only_that_article() -> None:
    program = check_files([parse_text(REPEAL, "r.law")])
    statute = program.statutes["Algemene_wet"]
    after = version_on(statute, dt.date(2030, 1, 1))
    assert sorted(r.name for r in after.rules) == ["ander", "ander_boek", "gewoon"]


def test_repeal_of_an_uncited_item_is_an_error() -> None:
    source = REPEAL.replace("repeal [art. 5 sub b]", "repeal [art. 4:84 lid 2 sub a onder 3°]")
    with pytest.raises(LexproofError) as info:
        check_files([parse_text(source, "r.law")])
    assert [d.message for d in info.value.diagnostics] == [
        "no rule of Algemene_wet cites art. 4:84 lid 2 sub a onder 3°"
    ]


# --- diagnostics ---------------------------------------------------------------------------------

_AFTER_ARTICLE = "expected 'aanhef', 'lid', 'onder', 'onderdeel', 'sub', a name, a quoted text (\"...\") or ']'"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("[art. 4:]", 3, 15,
         f"unexpected ':'; {_AFTER_ARTICLE} (a book-and-article number is written as one word, with "
         "the book before the colon and the article after it: art. 4:84)"),
        ("[art. 4: 84]", 3, 15,
         f"unexpected ':'; {_AFTER_ARTICLE} (a book-and-article number is written as one word, with "
         "the book before the colon and the article after it: art. 4:84)"),
        ("[art. :84]", 3, 14,
         "unexpected ':'; expected an article number (3.16b, 4:84) (write the book before the colon: art. 4:84)"),
        ("[Art. 3]", 3, 9,
         "unexpected 'Art': it is read as the name of an act (the words of a citation are written "
         "in lower case: [art ...])"),
        ("[Bijlage I]", 3, 9,
         "unexpected 'Bijlage': it is read as the name of an act (the words of a citation are written "
         "in lower case: [bijlage ...])"),
        ("[hoofdstuk 3 lid 1]", 3, 21,
         "unexpected 'lid'; a hoofdstuk has no lid or item (cite the article for those: [art. 3.2 lid 1])"),
        ("[§ 3.2 sub a]", 3, 15,
         "unexpected 'sub'; a paragraaf has no lid or item (cite the article for those: [art. 3.2 lid 1])"),
        ("[art. 3.16b lid 2 sub c sub d]", 3, 32,
         "unexpected 'sub'; a citation's parts come once each, in the order number, lid, item, onder "
         "(as in [art. 2 lid 1 sub a onder 2°])"),
        ("[art. 3 sub a lid 2]", 3, 22,
         "unexpected 'lid'; a citation's parts come once each, in the order number, lid, item, onder "
         "(as in [art. 2 lid 1 sub a onder 2°])"),
        ("[hoofdstuk 3:1]", 3, 19,
         "'3:1' is a book-and-article number, which only an article has (art. 3:1); a hoofdstuk is "
         "numbered like 3 or 4.2.1"),
        ("[art. 3 lid 1:2]", 3, 20,
         "a lid is numbered like 2 or 2a, not '1:2' (a book-and-article number belongs to the "
         "article: art. 4:84 lid 2)"),
        ("[art. 3 sub 1º]", 3, 21,
         "unexpected character 'º'; expected a name, a quoted text (\"...\") or ']' (a numbered item "
         "is written with the degree sign °: sub 1°)"),
        ("[art. 3 aanhef]", 3, 22,
         "unexpected ']'; expected 'en' (the aanhef is cited with the item that follows it: aanhef en onder b)"),
        ("[art. 3 onder]", 3, 21, "unexpected ']'; expected an item (a, 1°)"),
        ('["" art. 3]', 3, 9, 'the act\'s name is empty (write ["Kamerstuk 36 799" art. I])'),
    ],
)
def test_diagnostics(text: str, line: int, column: int, message: str) -> None:
    assert syntax_error(text) == (line, column, message)


def test_diagnostic_is_shown_with_a_caret(tmp_path: Path) -> None:
    path = tmp_path / "c.law"
    path.write_text("statute S\ndecision d: bool otherwise false\nrule r [art. 4:]: d = true\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3:15: error: unexpected ':'" in result.stderr
    assert "    3 | rule r [art. 4:]: d = true\n      |               ^" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
