"""Diagnostics for broken inputs: every file in tests/broken/ must be rejected with exit code 2,
at the position and with the words its header promises, quoted with a caret, in the language's
own words (no Lark token names), and never with a traceback.

Header lines at the top of each corpus file:

    -- expect: LINE:COL: fragment     an error at LINE:COL whose message contains fragment
    -- forbid: fragment               no error or note message may contain fragment
    -- xfail: BUG: reason             the file shows a known bug; its expect/forbid lines state
                                      the good behaviour, and the test is a strict xfail

Most files run in-process through click's CliRunner (fast); a few run as real subprocesses.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl.parser import parse_text
from lexproof.verifier.cli import main

REPO = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).resolve().parent / "broken"
CORPUS = sorted(BROKEN.glob("*.law"))

# Lark's own names for terminals and internals; a message that shows one leaks the parser.
LARK_NAMES_EXACT = re.compile(
    r"\b(LSQB|RSQB|LBRACE|RBRACE|LPAR|RPAR|COLON|COMMA|EQUAL|MORETHAN|LESSTHAN|DOT|ARTREF|STRING|DECIMAL)\b"
)
LARK_NAMES_ANYCASE = ("$end", "__anon", "token(", "_ambig", "unexpectedtoken", "unexpectedcharacters", "lsqb", "rbrace")

DIAGNOSTIC_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|note|warning): (?P<message>.*)$")
CARET_LINE = re.compile(r"^\s*\| *\^~*\s*$", re.MULTILINE)


@dataclass
class Header:
    expects: list[tuple[int, int, str]] = field(default_factory=list)
    forbids: list[str] = field(default_factory=list)
    xfail: str | None = None


def read_header(path: Path) -> Header:
    header = Header()
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    for line in text.splitlines():
        if line.startswith("-- expect:"):
            match = re.match(r"-- expect: (\d+):(\d+): (.+)$", line)
            assert match, f"{path.name}: malformed expect line {line!r}"
            header.expects.append((int(match[1]), int(match[2]), match[3]))
        elif line.startswith("-- forbid:"):
            header.forbids.append(line.removeprefix("-- forbid:").strip())
        elif line.startswith("-- xfail:"):
            header.xfail = line.removeprefix("-- xfail:").strip()
        else:
            break
    return header


def corpus_params():
    for path in CORPUS:
        header = read_header(path)
        marks = [pytest.mark.xfail(strict=True, reason=header.xfail)] if header.xfail else []
        yield pytest.param(path, id=path.stem, marks=marks)


@dataclass
class Diagnostic:
    file: str
    line: int
    col: int
    severity: str
    message: str


def diagnostics(stderr: str, base: Path) -> list[Diagnostic]:
    found = []
    for text in stderr.splitlines():
        match = DIAGNOSTIC_LINE.match(text)
        if match:
            found.append(Diagnostic(
                str((base / match["file"]).resolve()) if not match["file"].startswith("<") else match["file"],
                int(match["line"]), int(match["col"]), match["severity"], match["message"],
            ))
    return found


def run_in_process(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_subprocess(*args: str) -> tuple[int, str, str]:
    completed = subprocess.run(
        [sys.executable, "-m", "lexproof", *args], cwd=REPO, capture_output=True, text=True,
        encoding="utf-8", timeout=120,
    )
    return completed.returncode, completed.stdout, completed.stderr


def assert_rejected_as_declared(path: Path, code: int, stdout: str, stderr: str, base: Path) -> None:
    header = read_header(path)
    assert header.expects, f"{path.name} has no '-- expect:' line"
    assert code == 2, f"exit code {code}, expected 2\n{stdout}\n{stderr}"
    assert "Traceback" not in stdout + stderr
    assert "internal error" not in stderr
    found = diagnostics(stderr, base)
    errors = [d for d in found if d.severity == "error"]
    assert errors, f"no FILE:LINE:COL: error: line in\n{stderr}"
    target = str(path.resolve())
    for line, col, fragment in header.expects:
        assert any(
            d.file == target and d.line == line and d.col == col and fragment in d.message for d in errors
        ), f"expected {path.name}:{line}:{col}: error: ...{fragment}... in\n{stderr}"
    for fragment in header.forbids:
        assert not any(fragment in d.message for d in found), f"{fragment!r} should not appear in\n{stderr}"
    assert CARET_LINE.search(stderr), f"no caret line in\n{stderr}"
    for d in found:
        assert not LARK_NAMES_EXACT.search(d.message), f"Lark name in message: {d.message}"
        lowered = d.message.lower()
        assert not any(name in lowered for name in LARK_NAMES_ANYCASE), f"Lark internal in message: {d.message}"
    # The summary line counts the errors printed.
    count = len(errors)
    assert f"{count} error{'s' if count != 1 else ''}" in stderr


def test_corpus_is_large_and_well_formed():
    assert len(CORPUS) >= 40
    for path in CORPUS:
        header = read_header(path)
        assert header.expects, path.name
        if header.xfail is not None:
            assert header.xfail.startswith("BUG: "), path.name


@pytest.mark.parametrize("path", list(corpus_params()))
def test_broken_input_is_rejected_with_a_positioned_message(path: Path):
    code, stdout, stderr = run_in_process("check", str(path), "--date", "2025-01-01")
    assert_rejected_as_declared(path, code, stdout, stderr, Path.cwd())


# A few real subprocess runs: the module entry point, sys.exit codes and stream separation.
@pytest.mark.parametrize(
    "name",
    ["syntax_missing_citation", "syntax_deep_nesting", "types_money_plus_int", "structure_several_errors",
     "amend_leaves_dangling_except", "syntax_emoji"],
)
def test_broken_input_in_a_real_process(name: str):
    path = BROKEN / f"{name}.law"
    code, stdout, stderr = run_subprocess("check", str(path), "--date", "2025-01-01")
    assert_rejected_as_declared(path, code, stdout, stderr, REPO)
    assert stdout.strip() == "", "diagnostics belong on stderr"


def test_whole_broken_directory_reports_syntax_errors_of_several_files_together():
    code, stdout, stderr = run_subprocess("check", str(BROKEN), "--date", "2025-01-01")
    assert code == 2
    assert "Traceback" not in stdout + stderr
    files = {Path(d.file).name for d in diagnostics(stderr, REPO) if d.severity == "error"}
    # Parsing stops no file: the errors of independent syntax mistakes appear side by side.
    assert {"syntax_missing_citation.law", "syntax_bad_date.law", "syntax_stray_character.law"} <= files


def test_deep_nesting_in_a_real_process_is_not_a_recursion_error(tmp_path: Path):
    path = tmp_path / "deep.law"
    path.write_text(
        "statute S\nfacts F { x: int }\ndecision d: bool otherwise false\n"
        "rule r [art. 1]: d = true if " + "(" * 5000 + "x > 1" + ")" * 5000 + "\n",
        encoding="utf-8",
    )
    code, stdout, stderr = run_subprocess("check", str(path))
    assert code == 2
    assert "Traceback" not in stdout + stderr
    # The first bracket beyond the limit: column 30 opens the first, so the 101st is at 130.
    assert f"{path}:4:130: error: brackets nested more than 100 deep" in stderr


# --- empty and odd files ------------------------------------------------------------------------

# Decision: an empty file (or one with only comments) is a valid, empty program. The grammar
# allows it (start: import_decl* section*), a file of imports only is useful, and there is
# nothing to report. `check` exits 0.


@pytest.mark.parametrize("text", ["", "\n\n", "-- nothing here yet\n"])
def test_empty_file_parses_to_an_empty_program(text: str):
    parsed = parse_text(text, "empty.law")
    assert parsed.imports == ()
    assert parsed.sections == ()


def test_empty_file_checks_clean(tmp_path: Path):
    path = tmp_path / "empty.law"
    path.write_text("", encoding="utf-8")
    code, stdout, stderr = run_in_process("check", str(path))
    assert code == 0, stdout + stderr
    assert "error" not in stdout + stderr
    assert "Traceback" not in stdout + stderr


def test_crlf_line_endings_keep_positions(tmp_path: Path):
    path = tmp_path / "crlf.law"
    path.write_bytes(b"statute S\r\nfacts F { x: int }\r\ndecision d: bool otherwise false\r\nrule r [art. 1] d = true\r\n")
    code, _, stderr = run_in_process("check", str(path))
    assert code == 2
    assert f"{path}:4:17: error: unexpected 'd'; expected 'except' or ':'" in stderr


def test_tabs_keep_the_caret_under_the_offending_character(tmp_path: Path):
    path = tmp_path / "tabs.law"
    path.write_text("statute S\nfacts F {\tx: int }\ndecision d: bool otherwise false\nrule r [art. 1]:\td = true if\tx >\t#\n",
                    encoding="utf-8")
    code, _, stderr = run_in_process("check", str(path))
    assert code == 2
    assert f"{path}:4:34: error: unexpected character '#'" in stderr
    source, caret = [line for line in stderr.splitlines() if "|" in line][:2]
    # Tabs are shown as one space each, so the caret's column in the quote equals the column.
    assert source.split("| ", 1)[1][33] == "#"
    assert caret.split("| ", 1)[1].index("^") == 33


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path):
    path = tmp_path / "bom.law"
    path.write_bytes("\ufeffstatute S\nfacts F { x: int }\n".encode())
    code, stdout, stderr = run_in_process("check", str(path))
    assert code == 0, stderr


def test_utf8_byte_order_mark_is_at_least_a_positioned_error(tmp_path: Path):
    path = tmp_path / "bom.law"
    path.write_bytes("\ufeffstatute S\nfacts F { x: int }\n".encode())
    code, stdout, stderr = run_in_process("check", str(path))
    assert code in (0, 2)
    assert "Traceback" not in stdout + stderr
    if code == 2:
        assert f"{path}:1:1: error:" in stderr


def test_non_utf8_file_points_at_the_bad_byte(tmp_path: Path):
    path = tmp_path / "latin1.law"
    path.write_bytes(b"statute S\nfacts F { x: int }\n\xff\xfe\n")
    code, _, stderr = run_in_process("check", str(path))
    assert code == 2
    assert f"{path}:3:1: error: the file is not UTF-8 text" in stderr


def test_non_utf8_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "latin1.law"
    path.write_bytes(b"statute S\nfacts F { x: int }\n\xff\xfe\n")
    code, stdout, stderr = run_in_process("check", str(path))
    assert code == 2
    assert "Traceback" not in stdout + stderr
    assert "the file is not UTF-8 text" in stderr


def test_deep_not_chain_points_at_the_rule(tmp_path: Path):
    path = tmp_path / "nots.law"
    path.write_text("statute S\nfacts F { b: bool }\ndecision d: bool otherwise false\n"
                    "rule r [art. 1]: d = " + "not " * 3000 + "b\n", encoding="utf-8")
    code, stdout, stderr = run_subprocess("check", str(path))
    assert code == 2
    assert re.search(re.escape(str(path)) + r":4:\d+: error: ", stderr), stderr


def test_deep_not_chain_is_not_a_traceback(tmp_path: Path):
    path = tmp_path / "nots.law"
    path.write_text("statute S\nfacts F { b: bool }\ndecision d: bool otherwise false\n"
                    "rule r [art. 1]: d = " + "not " * 3000 + "b\n", encoding="utf-8")
    code, stdout, stderr = run_subprocess("check", str(path))
    assert code == 2
    assert "Traceback" not in stdout + stderr
    assert "nested too deeply" in stderr


# --- messages that are positioned right but say too little or too much ------------------------


def test_unknown_amendment_pair_is_reported_once():
    path = BROKEN / "properties_unknown_amendment_pair.law"
    code, _, stderr = run_in_process("check", str(path))
    assert code == 2
    assert stderr.count("unknown amendment 'nope'") == 1
    assert "1 error" in stderr


def test_dangling_except_after_repeal_names_the_amendment():
    path = BROKEN / "amend_leaves_dangling_except.law"
    code, _, stderr = run_in_process("check", str(path))
    assert code == 2
    errors = [d for d in diagnostics(stderr, Path.cwd()) if d.severity == "error"]
    notes = [d for d in diagnostics(stderr, Path.cwd()) if d.severity == "note"]
    # Either the message names amendment A, or a note points at its 'repeal rule a' (line 13).
    assert any("'A'" in d.message or "amendment A" in d.message for d in errors) or any(
        d.line == 13 and d.col == 3 for d in notes
    ), stderr


def test_messages_use_the_right_article():
    code, _, stderr = run_in_process("check", str(BROKEN / "names_duplicate_enum.law"))
    assert "already declared as an enum" in stderr
    code, _, stderr = run_in_process("check", str(BROKEN / "types_range_bound_type.law"))
    assert "the range of an int must be an int, not money" in stderr


def test_arithmetic_type_error_names_operands_in_source_order():
    _, _, stderr = run_in_process("check", str(BROKEN / "types_money_plus_int.law"))
    assert "cannot add money and int" in stderr


def test_error_in_an_imported_file_points_into_that_file(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    lib = tmp_path / "lib" / "wet.law"
    lib.write_text("statute S\nfacts F { x: int }\ndecision d: bool otherwise 1\nrule r [art. 1]: d = true\n",
                   encoding="utf-8")
    main_file = tmp_path / "wijziging.law"
    main_file.write_text('import "lib/wet.law"\namendment A amends S in force 2027-01-01\n  repeal rule r\n',
                         encoding="utf-8")
    code, stdout, stderr = run_in_process("check", str(main_file))
    assert code == 2
    assert "Traceback" not in stdout + stderr
    assert f"{lib}:3:28: error: expected a value of type bool, found int" in stderr
    assert "wijziging.law:" not in stderr
    assert "1 error" in stderr


def test_syntax_errors_in_two_imported_files_are_reported_together(tmp_path: Path):
    (tmp_path / "a.law").write_text("statute A\nfacts F { x int }\n", encoding="utf-8")
    (tmp_path / "b.law").write_text("statute B\nfacts G { y: int }\nrule r: d = true\n", encoding="utf-8")
    main_file = tmp_path / "main.law"
    main_file.write_text('import "a.law"\nimport "b.law"\nimport "c.law"\n', encoding="utf-8")
    code, _, stderr = run_in_process("check", str(main_file))
    assert code == 2
    assert f"{tmp_path / 'a.law'}:2:13: error: unexpected 'int'; expected ':'" in stderr
    assert f"{tmp_path / 'b.law'}:3:7: error: unexpected ':'" in stderr
    assert f"{main_file}:3:1: error: cannot import 'c.law': no such file" in stderr
    assert "3 errors" in stderr
