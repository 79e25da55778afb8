#!/usr/bin/env bash
# A drafter checks the hypothetical amendment that opens the levenlanglerenkrediet to every mbo
# leerweg (statutes/lll/uitbreiding_mbo.law), and sees a careless version of it caught.
# Run from the repository root:  bash examples/drafter/walkthrough.sh
set -u
cd "$(dirname "$0")/../.."
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; echo "(exit code $?)"; }

# 1. Today's law: a 40-year-old bbl student is refused, and the trace cites the articles.
step lexproof eval statutes/lll --case examples/drafter/bbl_student.json --date 2026-01-01
# 2. The same case with the amendment applied.
step lexproof eval statutes/lll --case examples/drafter/bbl_student.json --amendment uitbreiding_mbo
# 3. What the amendment guarantees: every property of the statute and the amendment.
step lexproof check statutes/lll/lll.law statutes/lll/uitbreiding_mbo.law --only conflict,gap
# 4. Who gains and who loses.
step lexproof diff statutes/lll --amendment uitbreiding_mbo --decision recht_op_krediet
# 5. The careless version (replaces bol by bbl instead of adding bbl) is caught:
#    its properties are declared 'expect counterexample', so check stays green and shows why.
step lexproof diff statutes/lll --amendment careless_amendment --decision recht_op_krediet
