#!/usr/bin/env bash
# A CI pipeline runs the statutes' properties as tests, exactly as examples/ci/lexproof.yml does.
# Run from the repository root:  bash examples/ci/walkthrough.sh
# Then it shows how a careless change turns the build red with a readable counterexample.
set -u
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; echo "(exit code $?)"; }

# 1. The gate: every property, example and built-in check, with the exit code a CI branches on.
step lexproof check statutes/ --date 2026-01-01 --format junit --no-builtin
# 2. The same as pytest items: one test per example, property and built-in check.
step pytest statutes/ -q --lexproof-date 2026-01-01 -p no:cacheprovider
# 3. A careless edit: the amendment's rule replaces bol by bbl. Copy the statute (with the WEB it
#    reads, and the lexproof.toml that lets lll/ import ../web/), break it, re-run.
cp -r statutes/lll statutes/web statutes/lexproof.toml "$out/"
sed -i 's/if opleiding = mbo and WEB.beroepsopleiding$/if opleiding = mbo and WEB.beroepsbegeleidende_leerweg/' "$out/lll/uitbreiding_mbo.law"
step pytest "$out/lll" -q --lexproof-date 2026-01-01 -p no:cacheprovider -k "niemand_verliest and not careless"
rm -rf "$out"
