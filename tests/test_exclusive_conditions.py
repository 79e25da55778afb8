"""The conflict check's prefilter on comparisons (``checks._exclusive``): two rules whose
conditions compare one term exclusively (``inkomen < grens`` and ``inkomen >= grens``,
``leeftijd < 12`` and ``leeftijd >= 12``) are not asked about. A wrong 'exclusive' would hide a
real conflict, so it is checked against brute force over a grid of exact numbers, and on a
statute against the solver's own answer."""

from __future__ import annotations

import itertools
import operator
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from lexproof.dsl import ir
from lexproof.verifier import api
from lexproof.verifier.checks import _exclusive, _may_clash

TERMS = {
    "x": ir.FactRef("x", ir.MONEY),
    "y": ir.FactRef("y", ir.MONEY),
    "p": ir.ParamRef("p", ir.MONEY),
    "k": ir.ItemFactRef("k", ir.INT, "kind"),
}
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq, "!=": operator.ne}
GRID = [Fraction(n, 2) for n in range(0, 9)]  # 0, 1/2, ..., 4: halves find what whole numbers hide

operand = st.one_of(st.sampled_from(sorted(TERMS)), st.integers(0, 4).map(lambda n: Fraction(n)),
                    st.sampled_from([Fraction(3, 2), Fraction(5, 2)]))
atom = st.tuples(operand, st.sampled_from(sorted(OPS)), operand)
conjunction = st.lists(atom, min_size=1, max_size=3)


def _node(side) -> ir.Node:
    return TERMS[side] if isinstance(side, str) else ir.Const(ir.MONEY, side)


def _condition(atoms) -> ir.Node:
    nodes = [ir.Op(op, (_node(left), _node(right)), ir.BOOL) for left, op, right in atoms]
    return nodes[0] if len(nodes) == 1 else ir.Op("and", tuple(nodes), ir.BOOL)


def _holds(atoms, values: dict[str, Fraction]) -> bool:
    def value(side):
        return values[side] if isinstance(side, str) else side
    return all(OPS[op](value(left), value(right)) for left, op, right in atoms)


@settings(max_examples=400, deadline=None)
@given(conjunction, conjunction)
def test_exclusive_conditions_never_hold_together(first, second) -> None:
    a = SimpleNamespace(condition=_condition(first))
    b = SimpleNamespace(condition=_condition(second))
    if not _exclusive(a, b):
        return
    for combination in itertools.product(GRID, repeat=len(TERMS)):
        values = dict(zip(sorted(TERMS), combination))
        assert not (_holds(first, values) and _holds(second, values)), (first, second, values)


def test_the_comparisons_law_uses_are_seen_as_exclusive() -> None:
    def exclusive(first, second) -> bool:
        return _exclusive(SimpleNamespace(condition=_condition(first)), SimpleNamespace(condition=_condition(second)))

    three, twelve = Fraction(3), Fraction(12)
    # By hand: each pair below cannot hold at once.
    assert exclusive([("x", "<", "p")], [("x", ">=", "p"), ("y", ">", three)])
    assert exclusive([("p", ">", "x")], [("x", ">", "p")])  # written the other way round
    assert exclusive([("k", "<", twelve)], [("k", ">=", twelve)])
    assert exclusive([("x", "<=", three)], [(three, "<", "x")])
    assert exclusive([("x", "=", three)], [("x", "!=", three)]) is False  # '!=' is not an interval: not claimed
    assert exclusive([("x", "<", three), ("x", ">", three)], [("y", "=", three)])  # the first never holds
    # ... and these can.
    assert not exclusive([("x", "<", "p")], [("x", "<=", "p")])
    assert not exclusive([("x", "<", twelve)], [("x", ">", Fraction(11))])  # 11.5 (for money)
    assert not exclusive([("x", "<", "p")], [("y", ">=", "p")])


NUMERIC = """
statute N
parameter grens: money [art. 0] = €50_000
facts F { inkomen: money €0..€150_000  leeftijd: int 0..100  alleen: bool }
decision bedrag: int otherwise 0
rule laag [art. 1]: bedrag = 1 if inkomen < grens
rule hoog [art. 2]: bedrag = 2 if inkomen >= grens and alleen
rule jong [art. 3]: bedrag = 3 if leeftijd < 18
rule oud [art. 4]: bedrag = 4 if 18 <= leeftijd and inkomen > €60_000
"""


def test_the_prefilter_agrees_with_the_solver_on_a_statute(tmp_path: Path) -> None:
    path = tmp_path / "n.law"
    path.write_text(NUMERIC, encoding="utf-8")
    program = api.load(path)
    statute = program.statute()
    names = ["laag", "hoog", "jong", "oud"]
    # By hand: laag/hoog exclude each other (inkomen < grens vs >= grens), so do jong/oud
    # (leeftijd < 18 vs >= 18). laag/oud cannot clash either (inkomen < €50,000 vs > €60,000),
    # but only through the parameter's value, which the text alone does not show: the solver
    # is asked, and answers 'no conflict'.
    excluded = {("laag", "hoog"), ("jong", "oud")}
    for first, second in itertools.combinations(names, 2):
        assert _may_clash(statute.rules[first], statute.rules[second]) is ((first, second) not in excluded)
    conflicts = {r.name for r in api.check(program, properties=False, examples=False) if r.code == "LP101"}
    # Every other pair can apply together with different values: the solver finds each.
    assert conflicts == {"bedrag: laag / jong", "bedrag: hoog / jong", "bedrag: hoog / oud"}


SLOTS_AND_DAYS = """
statute N
facts F { x: int 0..4 }
parameter p: int [art. 1]
  = 1 from 2020-01-01
  = 3 from 2024-01-01
decision d: int [art. 2]
rule rd [art. 2]: d = x - 1 if x > 0
items k up to 2 { a: int 0..3 }
items c up to 2 per k { z: int 0..3 }
decision kd: int per k [art. 3] otherwise a
decision e: int per c [art. 4]
rule e1 [art. 4]: e = 1 if a < 2 and z >= 1
rule e2 [art. 4]: e = 2 if 2 > a and kd >= z
rule e3 [art. 4]: e = 3 if z < 1 and peildatum >= 2024-01-01
decision t: int [art. 5]
rule t1 [art. 5]: t = 1 if peildatum < 2025-06-01 and x < p
rule t2 [art. 5]: t = 2 if x >= 2 and 2025-06-01 > peildatum
rule t3 [art. 5]: t = 3 if d >= 1 and x >= p
rule t4 [art. 5]: t = 4 if 1 > d
"""


def test_the_prefilter_hides_no_conflict_at_item_slots_days_or_undefined_decisions(tmp_path, monkeypatch) -> None:
    """Terms whose value is one per rule evaluation: a parent item's fact and decision at a
    child's slot, the peildatum over the days a version stands for, a decision that may be
    undefined (d when x = 0). The conflicts are worked out by hand, and the solver finds the
    same with the comparisons prefilter switched off (a second method)."""
    path = tmp_path / "n.law"
    path.write_text(SLOTS_AND_DAYS, encoding="utf-8")
    program = api.load(path)
    statute = program.statute()
    # By hand: exclusive in the text (z >= 1 / z < 1; x < p / x >= p; d >= 1 / 1 > d) ...
    for first, second in [("e1", "e3"), ("t1", "t3"), ("t3", "t4")]:
        assert not _may_clash(statute.rules[first], statute.rules[second]), (first, second)
    # ... and these clash: e1/e2 at a = z = 1 (kd = a); e2/e3 at z = 0 from 2024; t1/t2 at x = 2
    # when p = 3 (from 2024), before 2025-06-01; t1/t4 at x = 1 (d = 0) when p = 3 (at x = 0, d is
    # undefined); t2/t3 at x >= max(2, p). t2/t4 cannot (x >= 2 makes d >= 1) but only the
    # solver sees it.
    expected = {"e: e1 / e2", "e: e2 / e3", "t: t1 / t2", "t: t1 / t4", "t: t2 / t3"}

    def conflicts() -> set[str]:
        return {r.name for r in api.check(api.load(path), properties=False, examples=False, only=("conflict",))
                if r.code == "LP101" and r.status == "conflict"}

    assert conflicts() == expected
    from lexproof.verifier import checks
    monkeypatch.setattr(checks, "_comparisons", lambda condition: ({}, {}))
    assert conflicts() == expected
