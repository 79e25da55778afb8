"""Hypothesis strategies for cases (lexproof.verifier.strategies): within the domain, accepted by api.evaluate."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from lexproof.dsl.checker import range_problem
from lexproof.verifier import api
from lexproof.verifier.strategies import case_to_json, cases, fact_values

ROOT = Path(__file__).resolve().parent.parent

STATUTE = """\
statute S "Strategiewet"

enum Soort { mbo, hbo, wo }

facts Aanvrager {
  leeftijd: int 18..67 typical 40
  soort: Soort typical hbo
  uren: number 0..60
  inkomen: money €0..€100_000.50
  toeslag: money
  aandeel: rate 0..1 typical 96%
  factor: rate
  start: date 2015-01-01..2035-12-31
  einde: date
  verschil: int
  student: bool
}

parameter grens: money [art. 2] = €30_000

decision recht: bool [art. 1] otherwise false
decision bedrag: money [art. 3] otherwise €0

rule basis [art. 1]: recht = true if soort in {hbo, wo} and inkomen <= grens and student
rule hoogte [art. 3]: bedrag = inkomen - grens if recht
"""

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("strategies") / "wet.law"
    path.write_text(STATUTE, encoding="utf-8")
    return api.load(path)


@pytest.fixture(scope="module")
def statute(program):
    return program.statutes["S"]


def _engine_value(statute, name: str, value: object) -> object:
    from lexproof.dsl.values import parse_value

    fact = statute.facts[name]
    return parse_value(value, fact.type, statute.enums.get(fact.type.enum or "", ()))


def test_cases_are_in_the_domain_and_evaluate(program, statute) -> None:
    @SETTINGS
    @given(cases(statute, "Aanvrager"))
    def check(case: dict) -> None:
        assert list(case) == list(statute.facts)
        assert isinstance(case["leeftijd"], int) and 18 <= case["leeftijd"] <= 67
        assert case["soort"] in ("mbo", "hbo", "wo")
        assert isinstance(case["uren"], Fraction) and 0 <= case["uren"] <= 60
        for money in ("inkomen", "toeslag"):
            assert isinstance(case[money], Fraction) and (case[money] * 100).denominator == 1
        assert Fraction(0) <= case["inkomen"] <= Fraction("100000.50")
        assert 0 <= case["aandeel"] <= 1
        assert isinstance(case["start"], dt.date) and dt.date(2015, 1, 1) <= case["start"] <= dt.date(2035, 12, 31)
        assert isinstance(case["einde"], dt.date)
        assert isinstance(case["student"], bool)
        for name, value in case.items():
            assert range_problem(statute.facts[name], _engine_value(statute, name, value)) is None, name
        result = api.evaluate(program, case, date="2025-01-01")
        assert result.outcomes["recht"].defined and result.outcomes["bedrag"].defined
        assert result.case["inkomen"] == case["inkomen"]

    check()


def test_overrides_fix_a_fact_or_give_its_strategy(program, statute) -> None:
    @SETTINGS
    @given(cases(statute, soort="hbo", inkomen="€1,234.56", start=dt.date(2020, 2, 29),
                 leeftijd=st.integers(30, 31), student=True))
    def check(case: dict) -> None:
        assert case["soort"] == "hbo"
        assert case["inkomen"] == Fraction(123456, 100)
        assert case["start"] == dt.date(2020, 2, 29)
        assert case["leeftijd"] in (30, 31)
        result = api.evaluate(program, case, date="2025-01-01")
        assert result.outcomes["recht"].value is True

    check()


def test_case_to_json_reads_back(statute) -> None:
    @SETTINGS
    @given(cases(statute))
    def check(case: dict) -> None:
        data = case_to_json(statute, case)
        assert isinstance(data["inkomen"], str) and isinstance(data["start"], str)
        read = api.read_case(statute, data)
        assert read == {name: _engine_value(statute, name, value) for name, value in case.items()}

    check()


def test_typical_value_is_where_shrinking_ends(statute) -> None:
    case = find(cases(statute), lambda c: True)
    assert case["leeftijd"] == 40
    assert case["aandeel"] == Fraction(96, 100)
    assert case["soort"] == "hbo"


def test_fact_values(statute) -> None:
    @SETTINGS
    @given(fact_values(statute, "inkomen"))
    def check(value: Fraction) -> None:
        assert (value * 100).denominator == 1 and 0 <= value <= Fraction("100000.50")

    check()
    with pytest.raises(ValueError, match="did you mean 'inkomen'"):
        fact_values(statute, "inkomn")


def test_bad_arguments_are_reported(program, statute) -> None:
    with pytest.raises(ValueError, match="did you mean 'Aanvrager'"):
        cases(statute, "Aanvrger")
    with pytest.raises(ValueError, match="'leeftjd' is not a fact of S; did you mean 'leeftijd'"):
        cases(statute, leeftjd=40)
    with pytest.raises(ValueError, match="above its range"):
        cases(statute, leeftijd=70)
    with pytest.raises(ValueError, match="soort: expected one of mbo, hbo, wo"):
        cases(statute, soort="havo")
    with pytest.raises(ValueError, match="whole cents"):
        cases(statute, inkomen="€1.0051")
    # one separator before three digits: English 1.005 or Dutch 1005 euro (issue 17)
    with pytest.raises(ValueError, match="ambiguous"):
        cases(statute, inkomen="€1.005")
    with pytest.raises(TypeError):
        cases(42)  # type: ignore[arg-type]


def test_program_and_path_are_accepted(program, statute, tmp_path: Path) -> None:
    for source in (program, tmp_path):
        (tmp_path / "wet.law").write_text(STATUTE, encoding="utf-8")
        case = find(cases(source), lambda c: True)
        assert set(case) == set(statute.facts)


def test_a_real_statute() -> None:
    program = api.load(ROOT / "statutes" / "lll")
    statute = program.statutes["WSF2000"]

    @SETTINGS
    @given(cases(statute, "Aanvrager", opleiding="mbo", leerweg="bbl"))
    def check(case: dict) -> None:
        after = api.evaluate(program, case, date="2027-09-01", amendment="uitbreiding_mbo")
        assert after.outcomes["recht_op_krediet"].defined

    check()
