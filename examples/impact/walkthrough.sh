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
    --decision recht_op_krediet --decision max_per_jaar --by opleiding --plot "$OUT/lll.svg"

echo
echo "== 2. kinderopvangtoeslag on 1 January 2026: what does it cost, per income decile?"
lexproof population statutes/kinderopvang/kinderopvang.law --rows "$ROWS" --seed 1 --out "$OUT/ko.parquet"
lexproof impact statutes/kinderopvang/kinderopvang.law --population "$OUT/ko.parquet" \
    --from 2025-12-31 --to 2026-01-01 --decision toeslag --by toetsingsinkomen:deciles --plot "$OUT/ko.svg"
echo
echo "plots: $OUT/lll.svg $OUT/ko.svg"
