"""Hostile input (issue 11): case files and statute texts built to crash lexproof, stall it or
flood its output. Each must end in a clean diagnostic (``file:line:col: error: ...``), exit 2,
in bounded time and with bounded output.

The runs are real processes (``python -m lexproof``) with a timeout, so a hang fails the
test instead of stalling the suite, and so the output measured is what a CI log would get."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from lexproof.dsl.ir import Type
from lexproof.dsl.values import parse_value

REPO = Path(__file__).resolve().parent.parent
MAX_OUTPUT = 100_000  # bytes of stdout + stderr: generous, the floods were 120 MB and more
MAX_SECONDS = 60

STATUTE = """\
statute S
facts F {
  x: int
  m: money
  r: rate
}
decision d: bool [art. 1] otherwise x > 0
"""


def run(*args: str) -> tuple[int, str, str, float]:
    """Exit code, stdout, stderr and seconds of a lexproof process."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "LEXPROOF_CACHE": "off"}
    env.pop("LEXPROOF_DEBUG", None)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "lexproof", *args],
        capture_output=True, text=True, timeout=MAX_SECONDS, env=env, cwd=REPO,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - start


def assert_clean_rejection(result: tuple[int, str, str, float], path: Path, line: int, column: int, fragment: str) -> str:
    """Exit 2, a positioned message with ``fragment``, no traceback, bounded output."""
    code, stdout, stderr, _ = result
    output = stdout + stderr
    assert code == 2, output[:2000]
    assert "Traceback" not in output and "internal error" not in output, output[:2000]
    assert len(output.encode()) < MAX_OUTPUT, f"{len(output)} bytes of output"
    expected = f"{path}:{line}:{column}: error: "
    assert expected in stderr, stderr[:2000]
    message = stderr[stderr.index(expected):].splitlines()[0]
    assert fragment in message, message
    return stderr


@pytest.fixture
def statute(tmp_path: Path) -> Path:
    path = tmp_path / "s.law"
    path.write_text(STATUTE, encoding="utf-8")
    return path


def eval_case(statute: Path, case: Path) -> tuple[int, str, str, float]:
    return run("eval", str(statute), "--case", str(case), "--date", "2025-01-01")


def write_case(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    return path


# --- case JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_case_with_a_non_finite_number(tmp_path: Path, statute: Path, constant: str) -> None:
    """Was: exit 4 for Infinity ('cannot convert Infinity to integer ratio'); NaN got through as
    a Python message. JSON has no such numbers."""
    case = write_case(tmp_path, '{"x": 1,\n "m": ' + constant + ', "r": 0}')
    assert_clean_rejection(eval_case(statute, case), case, 2, 7, f"{constant} is not a number in JSON")


def test_case_with_an_integer_of_5000_digits(tmp_path: Path, statute: Path) -> None:
    """Was: exit 4 (Python refuses to convert more than 4,300 digits)."""
    case = write_case(tmp_path, '{"x": ' + "9" * 5000 + ', "m": 1, "r": 0}')
    assert_clean_rejection(eval_case(statute, case), case, 1, 7, "more than 1000 digits")


def test_case_with_a_huge_exponent(tmp_path: Path, statute: Path) -> None:
    """Was: a hang (the exact value of 1e-999999999 has a billion digits)."""
    case = write_case(tmp_path, '{"x": 1, "m": 1, "r": 1e-999999999}')
    result = eval_case(statute, case)
    assert_clean_rejection(result, case, 1, 23, "1e-999999999 has more than 1000 digits")
    assert result[3] < MAX_SECONDS


@pytest.mark.parametrize("text", ['"1' + "0" * 5000 + '"', '"1/' + "3" * 5000 + '"'])
def test_case_with_a_huge_number_in_a_string(tmp_path: Path, statute: Path, text: str) -> None:
    """Numbers may also come as strings ("€1,118.00", "1/3"): the same bound, at the key."""
    case = write_case(tmp_path, '{"x": 1, "m": 1,\n "r": ' + text + "}")
    stderr = assert_clean_rejection(eval_case(statute, case), case, 2, 2, "r: expected a number of at most 1000 digits")
    assert len(stderr) < 2000  # the value is quoted cut short


def test_case_with_10000_unknown_keys_on_one_line(tmp_path: Path, statute: Path) -> None:
    """Was: 66 s and 6.5 GB (every diagnostic searched the text and quoted the whole line)."""
    keys = ", ".join(f'"k{i}": 1' for i in range(10_000))
    case = write_case(tmp_path, "{" + keys + ', "x": 1, "m": 1, "r": 0}')
    result = eval_case(statute, case)
    stderr = assert_clean_rejection(result, case, 1, 2, "'k0' is not a fact of S")
    assert f"{case}:1:11: error: 'k1' is not a fact of S" in stderr  # each key at its own column
    assert "… and 9950 more errors" in stderr
    assert stderr.rstrip().endswith("10000 errors")
    assert result[3] < 30


def test_case_with_a_key_of_a_megabyte(tmp_path: Path, statute: Path) -> None:
    case = write_case(tmp_path, '{"x": 1, "m": 1, "r": 0, "' + "k" * 1_000_000 + '": 1}')
    assert_clean_rejection(eval_case(statute, case), case, 1, 26, "is not a fact of S")


@pytest.mark.parametrize("where", ["top", "value"])
def test_case_nested_100000_deep(tmp_path: Path, statute: Path, where: str) -> None:
    """Was: 'error: the input is nested too deeply to process', without a position."""
    nested = "[" * 100_000 + "]" * 100_000
    if where == "top":
        case = write_case(tmp_path, nested)
        column = 101
    else:
        case = write_case(tmp_path, '{"x": ' + nested + ', "m": 1, "r": 0}')
        column = 106
    assert_clean_rejection(eval_case(statute, case), case, 1, column, "nested more than 100 levels deep")


def test_case_that_is_not_json_still_has_a_position(tmp_path: Path, statute: Path) -> None:
    case = write_case(tmp_path, '{"x": 1,\n "m": 1, "r": }')
    assert_clean_rejection(eval_case(statute, case), case, 2, 15, "not valid JSON")


def test_a_quote_inside_a_string_is_not_a_token(tmp_path: Path, statute: Path) -> None:
    """The scan for bad tokens skips strings: brackets, NaN and long digit runs inside a
    string value are the value's business (here: not an int)."""
    case = write_case(tmp_path, '{"x": "[[[ NaN \\" ' + "9" * 2000 + '", "m": 1, "r": 0}')
    stderr = assert_clean_rejection(eval_case(statute, case), case, 1, 2, "x: expected")
    assert "nested" not in stderr and "not a number in JSON" not in stderr


# --- statute text -------------------------------------------------------------------------------


def test_statute_on_one_line_with_1500_errors(tmp_path: Path) -> None:
    """Was: 120 MB on stderr (every diagnostic quoted the whole 53 KB line)."""
    facts = " ".join(f"feit_nummer_{i:05d}_abcdef: Onbekend" for i in range(1500))
    path = tmp_path / "s.law"
    path.write_text(f"statute S facts F {{ {facts} }} decision d: bool [art. 1] otherwise true", encoding="utf-8")
    assert len(path.read_bytes()) > 50_000
    result = run("check", str(path))
    stderr = assert_clean_rejection(result, path, 1, 47, "unknown type 'Onbekend'")
    assert "… and 1450 more errors" in stderr
    assert stderr.rstrip().endswith("1500 errors")


def test_the_quoted_window_keeps_the_caret_under_the_error(tmp_path: Path) -> None:
    """Far into a long line the quote is a window with … at both ends, and the caret still
    points at the offending text."""
    before = " ".join(f"a{i}: int" for i in range(3000))
    after = " ".join(f"b{i}: int" for i in range(3000))
    path = tmp_path / "s.law"
    path.write_text(f"statute S facts F {{ {before} z: Onbekend {after} }} decision d: bool [art. 1] otherwise true")
    code, stdout, stderr, _ = run("check", str(path))
    assert code == 2, stderr
    lines = stderr.splitlines()
    quoted, caret = lines[1], lines[2]
    assert len(quoted) < 200 and quoted.count("…") == 2
    start = caret.index("^")
    assert quoted[start : start + len("Onbekend")] == "Onbekend"
    assert caret[start:].strip() == "^" + "~" * (len("Onbekend") - 1)


def test_statute_with_a_name_of_a_megabyte(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text("statute S\nfacts F {\n  a: " + "X" * 1_000_000 + "\n}\n", encoding="utf-8")
    assert_clean_rejection(run("check", str(path)), path, 3, 6, "unknown type 'XXXX")


def test_a_product_of_many_literals_is_shown_without_crashing(tmp_path: Path) -> None:
    """Each literal is short, their product has 6,000 digits: Python refuses to print it (was:
    exit 4 in eval and check)."""
    factors = " * ".join(["999_999_999_999_999_999_999_999_999_999"] * 200)
    path = tmp_path / "s.law"
    path.write_text(
        "statute S\nfacts F {\n  x: int 1..5\n}\n"
        f"decision d: int [art. 1] otherwise x * {factors}\n"
        'example "e" [on 2025-01-01] { x = 1 } expect d = 1\n',
        encoding="utf-8",
    )
    case = write_case(tmp_path, '{"x": 1}')
    code, stdout, stderr, _ = run("eval", str(path), "--case", str(case), "--date", "2025-01-01")
    assert code == 0, stderr[:2000]
    assert re.search(r"d = a whole number of about 6000 digits", stdout), stdout[:2000]
    code, stdout, stderr, _ = run("test", str(path))
    assert code == 1, stderr[:2000]
    assert "d: expected 1, got a whole number of about 6000 digits" in stdout, stdout[:2000]


def test_a_constant_of_too_many_digits_is_a_positioned_error(tmp_path: Path) -> None:
    factors = " * ".join(["999_999_999_999_999_999_999_999_999_999"] * 200)
    path = tmp_path / "s.law"
    path.write_text(
        "statute S\nfacts F {\n  x: int\n}\n"
        f"parameter p: int [art. 2] = {factors} from 2020-01-01\n"
        "decision d: bool [art. 1] otherwise x > p\n",
        encoding="utf-8",
    )
    assert_clean_rejection(run("check", str(path)), path, 5, 29, "more than 1000 digits")


def test_date_option_out_of_range() -> None:
    for day in ("10000-01-01", "0000-12-31"):
        code, stdout, stderr, _ = run("check", "statutes/lll", "--date", day)
        assert code == 2, stderr
        assert f"<command line>:1:1: error: --date expects a date YYYY-MM-DD, got '{day}'" in stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_case_file_without_end(statute: Path) -> None:
    """Was: read until memory ran out (a device, or a symlink to one in a pull request)."""
    result = eval_case(statute, Path("/dev/zero"))
    assert_clean_rejection(result, Path("/dev/zero"), 1, 1, "the case file is larger than 10,000,000 bytes")


def test_case_file_that_is_not_utf8_has_a_position(tmp_path: Path, statute: Path) -> None:
    case = tmp_path / "case.json"
    case.write_bytes(b'{"x": 1,\n "m": "\xff", "r": 0}')
    assert_clean_rejection(eval_case(statute, case), case, 2, 8, "the case file is not UTF-8 text")


def test_a_statute_expression_too_long_to_read_has_its_position(tmp_path: Path) -> None:
    """x + 1 + 1 + ... without brackets nests the parse tree 30,000 deep (was: 'the file is
    nested too deeply to read' at 1:1, wherever the expression was)."""
    path = tmp_path / "s.law"
    path.write_text(
        "statute S\nfacts F {\n  x: int\n}\ndecision d: int [art. 1] otherwise x" + " + 1" * 30_000 + "\n",
        encoding="utf-8",
    )
    assert_clean_rejection(run("check", str(path)), path, 5, 36, "nested too deeply")


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (10**5000, "at most 1000 digits, got a whole number of about 5000 digits"),
        (Fraction(10**2000, 3), "at most 1000 digits, got a fraction of about 2000 digits"),
        (Decimal("1e-999999999"), "at most 1000 digits"),
        (Decimal("Infinity"), "expected a finite number, got Infinity"),
        (float("nan"), "expected a finite number, got NaN"),
        ("€" + "9" * 5000, "at most 1000 digits"),
    ],
    ids=["int", "fraction", "exponent", "infinity", "nan", "text"],  # the values' own repr would fail
)
def test_api_case_values_are_bounded_too(raw: object, fragment: str) -> None:
    """``api.evaluate`` takes Python values, not only JSON: the same bounds, a ValueError with
    a short message (was: OverflowError, a hang, or a later crash printing the value)."""
    with pytest.raises(ValueError) as error:
        parse_value(raw, Type("money"))
    assert fragment in str(error.value)
    assert len(str(error.value)) < 200


# --- line breaks the parser does not count --------------------------------------------------------


@pytest.mark.parametrize("odd", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"],
                         ids=["form-feed", "vt", "fs", "nel", "line-sep", "para-sep"])
def test_a_character_python_reads_as_a_line_break_does_not_shift_the_quoted_lines(tmp_path: Path, odd: str) -> None:
    """The parser ends a line at '\\n' only; the quoted lines came from ``str.splitlines``, which
    also breaks at a form feed, a lone CR, U+2028 and more. One of those in a comment shifted
    every later line: the error about 'y' on line 7 quoted rule q of line 6 instead (a
    hostile statute could show a reviewer other text than the one that is wrong). A lone CR
    ends a line, as in an editor: see the test below."""
    path = tmp_path / "s.law"
    path.write_text(
        "statute S\nfacts F { x: int 0..10 }\ndecision c: int [art. 1] otherwise 0\n"
        f"-- note{odd}more\n"
        "rule r [art. 1]: c = 1 if x > 5\nrule q [art. 2]: c = 2 if x < 3\nrule z [art. 3]: c = 2 if y < 3\n",
        encoding="utf-8", newline="",
    )
    stderr = assert_clean_rejection(run("check", str(path)), path, 7, 27, "unknown name 'y'")
    assert "    7 | rule z [art. 3]: c = 2 if y < 3\n" in stderr, stderr


def test_a_trace_quotes_the_condition_of_its_own_rule_after_a_form_feed(tmp_path: Path) -> None:
    """The evaluator's trace quotes each failed condition from the source: after a form feed
    the quote was taken from the wrong line (here it was dropped: the columns did not fit)."""
    path = tmp_path / "s.law"
    path.write_text(
        "statute S\nfacts F { x: int 0..10 }\ndecision c: int [art. 1] otherwise 0\n-- note\x0c\n"
        "rule r [art. 1]: c = 1 if x > 5\nrule q [art. 2]: c = 2 if x < 3\n",
        encoding="utf-8", newline="",
    )
    case = write_case(tmp_path, '{"x": 1}')
    code, stdout, stderr, _ = run("eval", str(path), "--case", str(case), "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "r [art. 1 S] does not apply: 'x > 5' does not hold" in stdout, stdout


def test_crlf_lines_are_quoted_without_their_cr(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text("statute S\r\nfacts F { x: int 0..10 }\r\ndecision c: int [art. 1] otherwise y\r\n",
                    encoding="utf-8", newline="")
    stderr = assert_clean_rejection(run("check", str(path)), path, 3, 36, "unknown name 'y'")
    assert "    3 | decision c: int [art. 1] otherwise y\n" in stderr, stderr


# --- a case that says two things about one fact ---------------------------------------------------


@pytest.mark.parametrize("text, line, column", [
    ('{"x": 1, "m": 1, "r": 0,\n "x": 2}', 2, 2),
    ('{"facts": {"x": 1, "m": 1, "r": 0, "\\u0078": 2}}', 1, 36),  # the same key, escaped
    ('{"x": 1, "m": 1, "r": 0, "o": [{"a": 1}, {"a": 2, "b": "a:", "a": 3}]}', 1, 62),
])
def test_a_key_given_twice_is_an_error_at_the_second(tmp_path: Path, statute: Path, text: str, line: int,
                                                     column: int) -> None:
    """Was: Python's json kept the last value without a word, so lexproof evaluated x = 2 for a
    case file whose first line, the one a reviewer reads, says x = 1 (exit 0)."""
    case = write_case(tmp_path, text)
    assert_clean_rejection(eval_case(statute, case), case, line, column, "is given twice in one object")


def test_equal_keys_in_different_objects_are_fine(tmp_path: Path, statute: Path) -> None:
    case = write_case(tmp_path, '{"facts": {"x": 1, "m": 1, "r": 0}}')
    code, stdout, stderr, _ = eval_case(statute, case)
    assert code == 0, stdout + stderr
    assert "d = true" in stdout  # x > 0


@pytest.mark.parametrize("where", ["missing-folder", "a-directory"])
def test_an_emit_example_file_that_cannot_be_written_is_bad_input(tmp_path: Path, where: str) -> None:
    """Was: exit 4, 'internal error: FileNotFoundError' (or IsADirectoryError)."""
    path = tmp_path / "s.law"
    path.write_text("statute S\nfacts F { x: int 0..10 }\ndecision d: bool [art. 1] otherwise false\n"
                    "property p [on 2025-01-01]: for every F claim d\n", encoding="utf-8")
    target = tmp_path / "no" / "x.law" if where == "missing-folder" else tmp_path
    code, stdout, stderr, _ = run("check", str(path), "--emit-example", str(target))
    assert code == 2, stdout + stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert f"<command line>:1:1: error: --emit-example: cannot write '{target}'" in stderr, stderr


def test_a_lone_cr_ends_a_comment_for_check_as_it_does_for_fmt_and_editors(tmp_path: Path) -> None:
    """Was: the comment ran to the next '\\n', so 'check' did not see rule twee after the CR
    (exit 0, no conflict), while 'fmt --write' and an editor showed it as a rule of its own:
    formatting the file made a hidden rule live."""
    path = tmp_path / "s.law"
    path.write_text(
        "statute S\nfacts F { x: int 0..10 }\ndecision c: int [art. 1] otherwise 0\n"
        "rule een [art. 1 lid 1]: c = 1 if x > 5 -- a note\rrule twee [art. 1 lid 2]: c = 2 if x > 8\n",
        encoding="utf-8", newline="",
    )
    code, stdout, stderr, _ = run("check", str(path), "--date", "2025-01-01")
    assert code == 1, stdout + stderr
    assert "LP101 conflict c: een / twee" in stdout  # x = 9, 10: 1 vs 2
    assert "✓ twee [art. 1 lid 2 S] applies" in stdout
    code, stdout, stderr, _ = run("fmt", str(path))
    assert code == 0 and "rule twee" in stdout and "-- a note rule twee" not in stdout, stdout + stderr


def test_a_key_beside_facts_in_a_wrapped_case_is_an_error_not_ignored(tmp_path: Path) -> None:
    """Was: in ``{"facts": {...}, "x": 9}`` the top-level x was silently dropped (the case was
    evaluated with the x under "facts"), so a user who thought they had set x never learned it."""
    law = tmp_path / "s.law"
    law.write_text(STATUTE, encoding="utf-8")
    case = tmp_path / "case.json"
    case.write_text('{"facts": {"x": 1, "m": 0, "r": 0},\n "x": 9}', encoding="utf-8")
    message = assert_clean_rejection(run("eval", str(law), "--case", str(case)), case, 2, 2, "'x' stands beside")
    assert 'would not be read' in message
    # The wrapped form alone still works, and so does the bare one.
    case.write_text('{"facts": {"x": 1, "m": 0, "r": 0}}', encoding="utf-8")
    code, stdout, _stderr, _ = run("eval", str(law), "--case", str(case), "--format", "json")
    assert code == 0 and json.loads(stdout)["outcome"]["d"]["value"] is True
