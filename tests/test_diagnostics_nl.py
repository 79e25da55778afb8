"""Diagnostics in Dutch (``--lang nl``, verifier/diagnostic_messages.py): the message is
translated, the position, the quoted line, the caret and the word ``error:`` (which editors and
CI read) are not, and the machine formats keep the English text. The Dutch expected here is
written by hand from the English message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.source import Span
from lexproof.verifier import api
from lexproof.verifier.cli import main
from lexproof.verifier.diagnostic_messages import diagnostic_text, error_count, render_error

BROKEN = Path(__file__).resolve().parent / "broken"

BAD = """\
statute S

facts F { x: int 0..10 }

decision d: bool [art. 1] otherwise false

rule r [art. 1]:
  d = true
  if y > 3
"""


def _cli(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(main, list(args), env=env or {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"})
    return result.exit_code, result.stdout, result.stderr


def test_check_in_dutch_translates_the_message_not_the_position(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text(BAD, encoding="utf-8")
    code_nl, _, err_nl = _cli("check", str(path), "--lang", "nl")
    code_en, _, err_en = _cli("check", str(path), "--lang", "en")
    assert code_nl == code_en == 2
    assert err_nl.splitlines()[0] == f"{path}:9:6: error: onbekende naam 'y'"
    assert err_en.splitlines()[0] == f"{path}:9:6: error: unknown name 'y'"
    assert err_nl.splitlines()[1:3] == err_en.splitlines()[1:3] == ["    9 |   if y > 3", "      |      ^"]
    assert err_nl.splitlines()[-1] == "1 fout" and err_en.splitlines()[-1] == "1 error"


def test_the_locale_chooses_dutch_and_json_stays_english(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text(BAD, encoding="utf-8")
    code, _, err = _cli("check", str(path), env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "nl_NL.UTF-8"})
    assert code == 2 and "error: onbekende naam 'y'" in err
    code, out, err = _cli("check", str(path), "--lang", "nl", "--format", "json")
    assert code == 2 and "onbekende naam" in err
    assert [e["message"] for e in json.loads(out)["errors"]] == ["unknown name 'y'"]


def test_syntax_errors_in_dutch() -> None:
    cases = {
        "unexpected ']'; expected an article number (3.16b, 4:84)":
            "onverwacht ']'; verwacht: een artikelnummer (3.16b, 4:84)",
        "unexpected '='; expected an expression (equality is written with a single '=')":
            "onverwacht '='; verwacht: een uitdrukking (gelijkheid schrijft u met één '=')",
        "unexpected end of file; expected ',' or '}'": "onverwacht einde van het bestand; verwacht: ',' of '}'",
        "unexpected character '&'; expected a name, ')' or ... (write 'and', 'or', 'not')":
            "onverwacht teken '&'; verwacht: een naam, ')' of ... (schrijf 'and', 'or', 'not')",
        "unexpected 'rule'; expected an expression ('rule' starts a new declaration, so what comes before it is incomplete)":
            "onverwacht 'rule'; verwacht: een uitdrukking ('rule' begint een nieuwe declaratie, dus wat ervoor staat "
            "is onvolledig)",
        # a quoted token of the language is not translated, even when it reads as English
        "unexpected 'recht'; expected 'except' or ':'": "onverwacht 'recht'; verwacht: 'except' of ':'",
    }
    for english, dutch in cases.items():
        assert diagnostic_text(english, "nl") == dutch
        assert diagnostic_text(english, "en") == english


def test_declarations_and_values_in_dutch() -> None:
    cases = {
        "unknown name 'recht2'; did you mean 'recht'?": "onbekende naam 'recht2'; bedoelt u 'recht'?",
        "'x' is already declared as a facts group": "'x' is al gedeclareerd als feitengroep",
        "declared here": "hier gedeclareerd",
        "rule 'basis' is defined twice": "regel 'basis' is twee keer gedefinieerd",
        "x = 130 is above its range 0..120": "x = 130 ligt boven het bereik 0..120",
        "expected a value of type bool, found int": "verwacht een waarde van type bool, gevonden: int",
        "'wo' is not a value of enum Soort (values: mbo, hbo)": "'wo' is geen waarde van enum Soort (waarden: mbo, hbo)",
    }
    for english, dutch in cases.items():
        assert diagnostic_text(english, "nl") == dutch
    # a message no pattern knows is shown as written, never dropped
    assert diagnostic_text("some new message nobody translated", "nl") == "some new message nobody translated"


def test_the_count_and_the_cut_off_in_dutch() -> None:
    assert (error_count(1, "nl"), error_count(3, "nl"), error_count(3, "en")) == ("1 fout", "3 fouten", "3 errors")
    many = LexproofError([Diagnostic(Span("f.law", line, 1, line, 2), f"unknown name 'n{line}'")
                          for line in range(1, 53)])
    text = render_error(many, "nl")
    assert text.splitlines()[-1] == "… en nog 2 fouten"
    assert "f.law:1:1: error: onbekende naam 'n1'" in text


def _head(line: str) -> str:
    """A rendered line up to its message ('f.law:3:1: error: '), or the whole line (a quoted
    source line, a caret line, a note without a place)."""
    match = re.match(r".*?: (?:error|note|warning): |  note: ", line)
    return match[0] if match else line


def test_the_broken_corpus_in_dutch_keeps_every_position() -> None:
    """Every diagnostic of tests/broken/: the Dutch rendering has the same lines as the English
    one except the message after 'error: ' / 'note: '; most messages are translated."""
    translated = total = 0
    for path in sorted(BROKEN.glob("*.law")):
        try:
            api.load(str(path))
        except LexproofError as error:
            english, dutch = error.render().splitlines(), render_error(error, "nl").splitlines()
            assert len(english) == len(dutch), path.name
            for line_en, line_nl in zip(english, dutch):
                assert _head(line_en) == _head(line_nl), (path.name, line_en, line_nl)
            for diagnostic in error.diagnostics:
                total += 1
                translated += diagnostic_text(diagnostic.message, "nl") != diagnostic.message
    assert total >= 100
    assert translated / total >= 0.95, f"only {translated} of {total} diagnostics have a Dutch text"


@pytest.mark.parametrize(("english", "dutch"), [
    ("rule 'b' decides e but its exception target 'a' decides d",
     "regel 'b' beslist e, maar de regel waarop hij een uitzondering is, 'a', beslist d"),
    ("which version? write before.d or after.d", "welke versie? schrijf before.d of after.d"),
    ("'mbo' is both a fact and a value of enum Soort; rename one",
     "'mbo' is zowel een feit als een waarde van enum Soort; hernoem er een"),
    ("round() rounds a number or an amount, not date", "round() rondt een getal of een bedrag af, geen date"),
    ("the typical value of e must be a value of E (a, b)", "de typische waarde van e moet een waarde van E zijn (a, b)"),
    ("count() counts the items of one case; in a property over two cases put the count in a decision "
     "(rule r [art. N]: aantal = count(kind)) and compare x.aantal with y.aantal",
     "count() telt de items van één geval; zet in een eigenschap over twee gevallen de telling in een "
     "beslissing (rule r [art. N]: aantal = count(kind)) en vergelijk x.aantal met y.aantal"),
])
def test_checker_messages_in_dutch(english: str, dutch: str) -> None:
    """Messages of the checker, translated by hand; the names and values stay as written."""
    assert diagnostic_text(english, "nl") == dutch


CASE_STATUTE = """\
statute S
enum Soort { mbo, hbo }
facts F { x: int 0..120  s: Soort  m: money €0..€5_000 }
items kind up to 2 { uren: int 0..10 }
decision d: bool [art. 1] otherwise false
"""


@pytest.mark.parametrize("case, dutch", [
    ('{"x": 2, "s": "wo", "m": 10}', '1:10: error: s: verwacht een van mbo, hbo, niet "wo"'),
    ('{"x": "2.5", "s": "hbo", "m": 10}', '1:2: error: x: verwacht een geheel getal, niet "2.5"'),
    ('{"x": 2, "s": "hbo", "m": true}', "1:22: error: m: verwacht een getal, niet true"),
    ('{"x": 2, "s": "hbo", "m": "abc"}',
     '1:22: error: m: verwacht een bedrag zoals 1118.00, "€1.118,00" of "€1,118.00", niet "abc"'),
    ('{"x": 2, "s": "hbo", "m": 10.001}', "1:22: error: m: geld is in hele centen, niet 10.001"),
    ('{"x": 2, "s": "hbo", "m": "€1.409"}',
     "1:22: error: m: \"€1.409\" is dubbelzinnig: '.' kan duizendtallen scheiden (Nederlands '1.409', Engels "
     "'1,409') of decimalen; schrijf het zonder scheidingsteken voor duizendtallen (1409 of 1.409), of met de "
     'decimalen ("1.409,00", "1,409.00")'),
    ('{"x": 2, "s": "hbo", "m": 1, "n": 2}', "1:30: error: 'n' is geen feit van S"),
    ('{"x": 2, "s": "hbo", "m": 1, "x": 3}', "1:30: error: 'x' staat twee keer in één object"),
    ('{"x": 2, "s": "hbo"}', "1:1: error: het geval geeft geen waarde voor: m"),
    ('[1]', "1:1: error: een geval is een JSON-object van namen van feiten en hun waarden"),
    ('{"x": 2, "s": "hbo", "m": 1, "kind": [{"uren": "veel"}]}',
     '1:40: error: kind[1].uren: verwacht een getal, niet "veel"'),  # at the key, as for x
    ('{"x": 2, "s": "hbo", "m": 1, "kind": [{}]}', "1:39: error: kind[1] geeft geen waarde voor: uren"),
])
def test_case_file_errors_in_dutch(tmp_path: Path, case: str, dutch: str) -> None:
    """A case file's errors in Dutch, at the same position as in English (the case file is where
    a drafter writes '€1.409,00'; its errors were English only)."""
    statute = tmp_path / "s.law"
    statute.write_text(CASE_STATUTE, encoding="utf-8")
    path = tmp_path / "c.json"
    path.write_text(case, encoding="utf-8")
    code, out, err = _cli("eval", str(statute), "--case", str(path), "--date", "2025-01-01", "--lang", "nl")
    assert code == 2 and out == ""
    assert f"{path}:{dutch}" in err.splitlines()
    _, _, english = _cli("eval", str(statute), "--case", str(path), "--date", "2025-01-01", "--lang", "en")
    assert f"{path}:{dutch.split(': error: ')[0]}: error: " in english
