"""The bundled kinderopvangtoeslag, on the amounts rather than the percentages.

The comparisons of two households (one child more, more income) and of the law before and after
the new system are proved on the amounts within the default solver budget, since two cases and
two versions share the encoding of what they decide alike (verifier/sharing.py): the equal hours
x prices of the two households are one product term. Each test here would come back 'unknown'
without that (the solver had to prove that the two copies of the bits of equal products are
equal). The soundness tests break the statute so that each property is false, and check that the
counterexample is found and that the evaluator, independently, agrees with it.

The household's monthly allowance never exceeding 96% of its costs (one household) still needs
twice the default budget; a test keeps it proved with a larger one."""

from __future__ import annotations

import datetime as dt
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from lexproof.dsl.evaluator import Evaluator
from lexproof.verifier import api
from lexproof.verifier.encoding import Encoder
from lexproof.verifier.properties import check_property, property_versions
from lexproof.verifier.results import Result
from lexproof.verifier.solving import Budget, check, new_solver, read_cases

ROOT = Path(__file__).resolve().parents[1]
DAY = dt.date(2026, 6, 1)

AMOUNT_PROPERTY = """

property toeslag_hoogstens_96_procent_van_de_kosten [on 2026-06-01]:
  for every Huishouden
  claim toeslag_per_maand <= 96% * vergoede_kosten
"""


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "kinderopvang"
    shutil.copytree(ROOT / "statutes" / "kinderopvang", copy)
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _check(folder: Path, name: str, budget: Budget | None = None) -> Result:
    """One property of the statutes in ``folder``, with ``budget`` (default: lexproof's)."""
    program = api.load(folder)
    for statute in program.statutes.values():
        for prop in statute.properties:
            if prop.name == name:
                return check_property(statute, prop, DAY, budget or Budget())
    raise AssertionError(f"no property {name}")


def test_the_96_percent_bound_on_the_amounts_is_proved_in_the_statute_in_two_steps() -> None:
    """In the bundled statute, at the default budget: per child, then from every child to the
    household. Together they are the one-step property of the test below (which needs a larger
    budget): the second assumes exactly what the first proves."""
    folder = ROOT / "statutes" / "kinderopvang"
    per_child = _check(folder, "per_kind_hoogstens_96_procent_van_de_kosten")
    household = _check(folder, "huishouden_hoogstens_96_procent_van_de_kosten")
    assert (per_child.status, household.status) == ("proved", "proved")
    text = (folder / "kinderopvang.law").read_text(encoding="utf-8")
    step = "all(kind: toeslag_kind <= 96% * vergoede_kosten_kind)"
    assert f"  claim {step}\n" in text and f"  assume {step}\n" in text


def test_the_monthly_allowance_never_exceeds_96_percent_of_the_costs(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    law = copy / "kinderopvang.law"
    law.write_text(law.read_text(encoding="utf-8") + AMOUNT_PROPERTY, encoding="utf-8")
    result = _check(copy, "toeslag_hoogstens_96_procent_van_de_kosten", Budget.from_seconds(60))
    assert result.status == "proved", result.status
    # what it rests on names the articles of the amounts: the costs that count (art. 1.7)
    assert any("1.7" in article for article in result.articles)


# --- the three comparisons, on the amounts, within the default budget -------------------------

@pytest.mark.parametrize("name", [
    "een_kind_meer_verlaagt_de_toeslag_nooit",  # a second child never lowers the allowance
    "toeslag_eerste_kind_daalt_met_inkomen",  # the first child's allowance never rises with income
    "niemand_met_grond_krijgt_minder",  # the new system: nobody with a ground receives less
])
def test_a_comparison_on_the_amounts_is_proved_within_the_default_budget(name: str) -> None:
    result = _check(ROOT / "statutes" / "kinderopvang", name)
    assert result.status == "proved", (result.status, result.message)
    # the amounts rest on the costs that count (art. 1.7) and the 230 hours (Besluit art. 8a)
    assert any("1.7" in article for article in result.articles), result.articles
    assert any("8a" in article for article in result.articles), result.articles


# --- soundness: a broken statute gives a counterexample the evaluator confirms ------------------

def _confirmed(result: Result) -> dict:
    """The counterexample's facts (lexproof has replayed them in the evaluator already; each
    test evaluates them again itself)."""
    assert result.status == "counterexample", (result.status, result.message)
    (witness,) = result.witnesses
    return witness.facts


def test_a_next_child_column_below_the_first_child_column_is_refuted(tmp_path: Path) -> None:
    """Broken: from €118,964 to €122,857 a next child gets 50%, below the first child's 60.6%.
    Then a new child with more hours (the new first child) turns the old child into a next
    child, and the household can get less. The evaluator must agree on the pair found."""
    copy = _copy(tmp_path)
    law = copy / "kinderopvang.law"
    _edit(law, "  up to €122_857: 87.9%\n", "  up to €122_857: 50%\n")
    result = _check(copy, "een_kind_meer_verlaagt_de_toeslag_nooit")
    facts = _confirmed(result)
    statute = api.load(copy).statutes["Kinderopvangtoeslag"]
    versions = property_versions(statute, _property(statute, "een_kind_meer_verlaagt_de_toeslag_nooit"), DAY)[0]
    evaluator = Evaluator(versions, facts)
    before = evaluator.decision("toeslag_per_maand", "a", None)
    after = evaluator.decision("toeslag_per_maand", "b", None)
    assert before.value > after.value  # one child more, less money: by the evaluator, not the solver
    assert len(facts["b"]["kind"]) == len(facts["a"]["kind"]) + 1
    assert facts["b"]["kind"][:-1] == facts["a"]["kind"]  # the same children, one more listed last


def test_hours_that_depend_on_income_are_not_shared_between_two_incomes(tmp_path: Path) -> None:
    """Broken: above €100,000 up to 300 hours count instead of 230. The costs that count then
    read the income (through three decisions and the Awir), so two households differing only
    in income must not share them: the solver must find two such households whose costs
    differ, and the evaluator must agree on them. (The whole property's counterexample is
    beyond the default budget: 'unknown', never 'proved'.)"""
    copy = _copy(tmp_path)
    _edit(copy / "kinderopvang.law", "  vergoedbare_uren = min(opvanguren, max_uren_per_maand)\n",
          "  vergoedbare_uren = min(opvanguren, if toetsingsinkomen > €100_000 then 300 else max_uren_per_maand)\n")
    statute = api.load(copy).statutes["Kinderopvangtoeslag"]
    prop = _property(statute, "toeslag_eerste_kind_daalt_met_inkomen")
    versions = property_versions(statute, prop, DAY)[0]
    encoder = _tied_encoder(statute, prop, versions)
    (cost_a, _), (cost_b, _) = encoder.decision("vergoede_kosten", "a"), encoder.decision("vergoede_kosten", "b")
    assert not cost_a.eq(cost_b)
    solver = new_solver(encoder, Budget())
    assert check(solver, *encoder.assumptions(), cost_a != cost_b) == "sat"
    facts = read_cases(encoder, solver.model())
    evaluator = Evaluator(versions, facts)
    assert facts["a"]["kind"] == facts["b"]["kind"]  # the same children and contracts
    assert evaluator.decision("vergoede_kosten", "a", None).value != evaluator.decision("vergoede_kosten", "b", None).value
    assert _check(copy, prop.name).status in ("unknown", "counterexample")


def _tied_encoder(statute, prop, versions) -> Encoder:
    """An encoder of two households differing only in what ``prop`` names, as a property has."""
    encoder = Encoder(statute, versions, ("a", "b"))
    encoder.tie_cases("a", "b", [n for n in statute.facts if n not in prop.differing_only_in])
    encoder.tie_items("a", "b", statute.top_kinds())
    return encoder


def test_an_amendment_that_lowers_a_price_cap_is_not_shared_between_the_versions(tmp_path: Path) -> None:
    """Broken: the new system also caps the dagopvang hourly price at €5. The costs that count
    then differ before and after, so the versions must not share them: a household with
    dagopvang above €5 an hour and 96% before gets less after. The evaluator must agree."""
    copy = _copy(tmp_path)
    _edit(copy / "nieuw_stelsel.law", "  -- Paid to the organisation instead of the parent.\n",
          "  replace rule prijs_dagopvang [Besluit art. 4]:\n"
          "    uurprijs_telt = min(uurprijs, €5)\n"
          "    if soort = dagopvang\n\n"
          "  -- Paid to the organisation instead of the parent.\n")
    result = _check(copy, "niemand_met_grond_krijgt_minder")
    facts = _confirmed(result)
    statute = api.load(copy).statutes["Kinderopvangtoeslag"]
    versions = property_versions(statute, _property(statute, "niemand_met_grond_krijgt_minder"), DAY)[0]
    evaluator = Evaluator(versions, facts)
    assert evaluator.decision("recht_op_toeslag", None, "before").value is True
    assert evaluator.decision("toeslag_per_maand", None, "before").value > evaluator.decision("toeslag_per_maand", None, "after").value


def _property(statute, name: str):
    (prop,) = [p for p in statute.properties if p.name == name]
    return prop


# --- what is shared, and what is not ---------------------------------------------------------------

def test_two_incomes_share_the_costs_but_not_the_allowance() -> None:
    """Two households differing only in income: the costs that count (hours x price) are one
    term in both; the first child's allowance, which reads the income, is not."""
    statute = api.load(ROOT / "statutes" / "kinderopvang").statutes["Kinderopvangtoeslag"]
    prop = _property(statute, "toeslag_eerste_kind_daalt_met_inkomen")
    versions = property_versions(statute, prop, DAY)[0]
    encoder = _tied_encoder(statute, prop, versions)
    assert encoder.decision("vergoede_kosten", "a")[0].eq(encoder.decision("vergoede_kosten", "b")[0])
    assert not encoder.decision("toeslag_eerste_kind", "a")[0].eq(encoder.decision("toeslag_eerste_kind", "b")[0])
    assert not encoder.fact_term("inkomen_aanvrager", "a").eq(encoder.fact_term("inkomen_aanvrager", "b"))


# --- the table lookup with equal rows tested once ---------------------------------------------------

EQUAL_ROWS = """
statute Rijen
facts Aanvraag { inkomen: money €0..€100  kosten: money €0..€50 }
parameter grens: money [art. 1] = €30
table t [art. 1]: money -> rate {
  below €10: 5%
  up to €10: 7%
  up to €20: 7%
  up to grens: 7%
  up to €40: 9%
  up to €50: 9%
  above: 9%
}
table zonder_boven [art. 2]: money -> rate {
  up to €10: 3%
  up to €20: 3%
}
decision p: rate [art. 1] otherwise t(inkomen)
decision bedrag: money [art. 1] otherwise t(inkomen) * kosten
decision q: rate [art. 2] otherwise zonder_boven(inkomen)
"""


def test_a_lookup_with_equal_consecutive_rows_agrees_with_the_evaluator_at_every_bound() -> None:
    """Rows with the same value are one test in the encoding (``Encoder._rows``); at each bound,
    a cent either side, for the lookup and for an amount multiplied by it, the encoding gives
    what the evaluator gives (a 'below' row next to an 'up to' row of the same bound, a
    parameter bound, the 'above' row, and a table without one, undefined above its last row)."""
    from test_soundness import encoding_disagreements

    from lexproof.dsl.check_program import check_files
    from lexproof.dsl.consolidate import version_on
    from lexproof.dsl.parser import parse_text

    (statute,) = check_files([parse_text(EQUAL_ROWS, "r.law")]).statutes.values()
    points = sorted({Fraction(v) + d for v in (0, 10, 20, 30, 40, 50, 100) for d in (Fraction(-1, 100), 0, Fraction(1, 100))
                     if 0 <= Fraction(v) + d <= 100})
    cases = [{"inkomen": x, "kosten": Fraction(1234, 100)} for x in points]
    assert encoding_disagreements(statute, version_on(statute, DAY), cases) == []
    # and the rows were merged: 4 tests (below €10, up to €20, up to grens, up to €50) instead
    # of 6; the row up to €20 stays, since grens is a parameter, not a numeral above it, and the
    # last row stays tested (merged into the fallback, a generated statute's lookup lost every
    # test and z3 took over 100 s where it had taken 6)
    lookup = Encoder(statute, {None: version_on(statute, DAY)}).node(statute.decisions["p"].default, None, None)[0]
    assert lookup.sexpr().count("(ite ") == 4, lookup.sexpr()


def test_the_bijlage_agrees_with_the_evaluator_at_every_bracket() -> None:
    """The real 2026 table, both columns, through the merged rows: at each upper end of a
    bracket and a cent above it, the encoded percentages are the evaluator's."""
    import z3

    statute = api.load(ROOT / "statutes" / "kinderopvang").statutes["Kinderopvangtoeslag"]
    versions = property_versions(statute, _property(statute, "eerste_kind_daalt_met_inkomen"), DAY)[0]
    encoder = Encoder(statute, versions)
    columns = ("percentage_voor_eerste_kind", "percentage_voor_volgend_kind")
    terms = {name: encoder.decision(name) for name in columns}
    solver = new_solver(encoder, Budget())
    income = encoder.raw_fact("inkomen_aanvrager", None)
    bounds = [Fraction(row.value) for row in statute.tables["percentage_eerste_kind"].bounds]  # type: ignore[attr-defined]
    assert len(bounds) == 68  # and the row "above"
    for x in [value for bound in bounds for value in (bound, bound + Fraction(1, 100))]:
        facts = {"inkomen_aanvrager": x, "inkomen_partner": Fraction(0), "gehuwd_of_geregistreerd": False,
                 "samenwonend_met_gezamenlijk_kind": False, "grond_aanvrager": "werk", "grond_partner": "geen",
                 "gewerkte_uren_minst_werkende": 100, "kind": []}
        evaluator = Evaluator(versions, {None: facts})
        assert check(solver, *encoder.assumptions(), income == int(x * 100)) == "sat"
        model = solver.model()
        for name, (value, defined) in terms.items():
            assert z3.is_true(model.eval(defined, model_completion=True))
            assert encoder.decode(statute.decisions[name].type, model.eval(value, model_completion=True)) == \
                evaluator.decision(name, None, None).value, (name, x)
