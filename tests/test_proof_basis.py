"""What a proof "rests on", checked by a second route on every proved property of the bundled
statutes (and the examples).

A proof's basis (``details.basis``: the articles, parameter values, defaults and lemmas it
cites) must be

- sufficient: in every version the property was proved in, the claim follows from the basis
  alone (the solver, given only the basis's tracking literals, finds no counterexample), and
- without padding: no entry is provably superfluous: without it, some version has a
  counterexample, or the solver cannot tell within its budget (the verifier keeps what it
  cannot show to be superfluous, so that a proof never rests on less than it needs).

The verifier gets there by core minimization and, for properties over several versions, by
trying the basis of an earlier version first. This test asks the solver afresh, entry by entry,
and so does not share that logic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lexproof.verifier import api
from lexproof.verifier.properties import describe_tracker, obligation, property_versions
from lexproof.verifier.solving import Budget, check

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 6, 1)
FOLDERS = sorted(p for p in (ROOT / "statutes").iterdir() if p.is_dir())


def _proved(folder: Path):
    program = api.load(folder)
    for result in api.check(program, date=DAY, builtin=False, examples=False):
        if result.status == "proved":
            statute = program.statutes[result.statute]
            prop = next(p for p in statute.properties if p.span == result.location)  # names repeat across amendments
            yield statute, prop, result


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_proof_basis_is_sufficient_and_each_entry_is_needed(folder: Path) -> None:
    proofs = list(_proved(folder))
    assert proofs, f"no proved property in {folder.name}: the test would check nothing"
    for statute, prop, result in proofs:
        _assert_basis_sound(statute, prop, result)


# The limit changes from 40 to 60 and the amendment narrows the rule: in 2030 the proof needs
# no limit at all. A basis carried over from 2010 by name would cite 'grens = 60' as well.
PARAMETER_NOT_NEEDED_LATER = """
statute S
facts F { leeftijd: int 0..100 }
parameter grens: int [art. 2]
  = 40 from 2000-01-01
  = 60 from 2020-01-01
decision recht: bool [art. 1] otherwise false
rule r [art. 1]: recht = true if leeftijd < grens
property onder [on 2010-01-01, on 2030-01-01]: for every F claim recht implies leeftijd < 45
amendment a "change" amends S in force 2020-01-01
  replace rule r [art. 1]: recht = true if leeftijd < 30 and leeftijd < grens
"""


def test_a_basis_carried_to_a_later_version_does_not_pick_up_a_value_it_does_not_need(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text(PARAMETER_NOT_NEEDED_LATER, encoding="utf-8")
    ((statute, prop, result),) = list(_proved(path))
    # By hand: 2010 needs r, the default and grens = 40; 2030 needs r (leeftijd < 30) and the default.
    assert result.details["basis"] == ["art. 1 S (rule r)", "art. 1 S: recht otherwise", "art. 2 S: grens = 40"]
    _assert_basis_sound(statute, prop, result)


def _assert_basis_sound(statute, prop, result) -> None:
    basis = set(result.details["basis"])
    needed: set[str] = set()
    undecided: set[str] = set()  # removing it: the solver ran out of budget in some version
    for versions in property_versions(statute, prop, DAY):
        ob = obligation(statute, prop, versions, Budget())
        texts = {
            literal: describe_tracker(ob.encoder, ob.encoder.tracker_of(literal))
            for literal in ob.encoder.assumptions()
        }
        goals = [ob.want_premise, ob.want_failure]
        in_basis = [literal for literal, text in texts.items() if text in basis]
        assert check(ob.solver, *in_basis, *goals) == "unsat", (
            f"{prop.name}: its basis does not prove it in {[v.label for v in versions.values()]}"
        )
        for entry in basis - needed:
            without = [literal for literal in in_basis if texts[literal] != entry]
            answer = check(ob.solver, *without, *goals)
            if answer == "sat":
                needed.add(entry)
            elif answer == "unknown":  # the verifier keeps what its solver cannot show to be superfluous
                undecided.add(entry)
    padding = basis - needed - undecided
    assert not padding, f"{prop.name}: cites {sorted(padding)} but provably needs them in no version"
