#!/usr/bin/env bash
# A lawyer asks lexproof questions about data exchange (AVG art. 6) and childcare allowance,
# and reads the answers: a case that satisfies the question, or a proof that none exists.
# Run from the repository root:  bash examples/lawyer/walkthrough.sh
set -u
cd "$(dirname "$0")/../.."
ask() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; echo "(exit code $?)"; }

# Data exchange. Can DUO lawfully reach out proactively, once the SZW bill (36 799) is law?
# No: a proof, naming the articles it rests on. The bill covers UWV, SVB and gemeenten only.
ask lexproof query statutes/gegevensuitwisseling --statute AVG \
  "exists Verwerking: organisatie = duo and doel = proactieve_benadering and rechtmatig" \
  --amendment proactieve_dienstverlening_szw
# And UWV? Yes, with the case that shows how (sub c, the bill's article I).
ask lexproof query statutes/gegevensuitwisseling --statute AVG \
  "exists Verwerking: organisatie = uwv and doel = proactieve_benadering and rechtmatig" \
  --amendment proactieve_dienstverlening_szw
# Can any public authority rely on legitimate interest (sub f)? No: proof.
ask lexproof query statutes/gegevensuitwisseling --statute AVG \
  "exists Verwerking: overheidsorgaan and grondslag = gerechtvaardigd_belang and rechtmatig" --date 2026-06-01
# Two agencies read consent differently: shown as a conflict with a witness (exit code 1).
ask lexproof check examples/lawyer/consent_disagreement --only conflict

# Childcare (a household of up to 4 children, each with up to 2 contracts; Bijlage I 2026).
# Does anyone with an income above €100,000 still get more than 90% for a next child? Yes.
ask lexproof query statutes/kinderopvang --statute Kinderopvangtoeslag \
  "exists Huishouden: toetsingsinkomen > €100_000 and percentage_voor_volgend_kind > 90%" --date 2026-06-01
# Can hours of childcare that is not registered (LRK) count? No: proof.
ask lexproof query statutes/kinderopvang --statute Kinderopvangtoeslag \
  "exists Huishouden: any(kind: any(contract: not geregistreerd_in_lrk and opvanguren > 0))" --date 2026-06-01
# Three ways to have no right: the rules that explain it apply differently in each case.
ask lexproof query statutes/kinderopvang --statute Kinderopvangtoeslag \
  "exists Huishouden: not recht_op_toeslag" --date 2026-06-01 --max 3
# What the planned income-independent system changes for the first child, and for whom.
ask lexproof diff statutes/kinderopvang --amendment nieuw_stelsel --decision percentage_voor_eerste_kind
