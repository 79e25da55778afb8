#!/usr/bin/env bash
# Walk-through: the impact of two changes on synthetic populations of 1 million (docs/impact.md).
# Run from anywhere: bash examples/impact/walkthrough.sh  (OUT=dir for the files; ROWS=n to change the size)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-$(mktemp -d)}
ROWS=${ROWS:-1000000}
lexproof() { python -m lexproof "$@"; }

echo "== 1. uitbreiding_mbo: who gains, in which leerweg, and what is the maximum credit per year?"
lexproof population statutes/lll --rows "$ROWS" --seed 1 --out "$OUT/lll.parquet"
lexproof impact statutes/lll --population "$OUT/lll.parquet" --amendment uitbreiding_mbo \
    --decision recht_op_krediet --decision max_per_jaar --by leerweg --plot "$OUT/lll.svg"

echo
echo "== 2. nieuw_stelsel (96% for every child): what does it cost, per decile of the applicant's income?"
lexproof population statutes/kinderopvang --rows "$ROWS" --seed 1 \
    --distributions examples/impact/kinderopvang_distributions.json --out "$OUT/ko.parquet"
lexproof impact statutes/kinderopvang --population "$OUT/ko.parquet" --amendment nieuw_stelsel \
    --decision toeslag_per_maand --by inkomen_aanvrager:deciles --plot "$OUT/ko.svg" --sweep inkomen_aanvrager
echo
echo "plots: $OUT/lll.svg $OUT/ko.svg"
