"""Synthetic statutes for the benchmarks: deterministic by seed, realistic in shape.

    python benchmarks/generate.py 1000 --seed 1 --out /tmp/s1000     # writes statute.law, amendment.law

Shape (what a statute book of N rules looks like, not one decision with N rules):

* A few facts groups (1 at N=100, 2 at N=1,000, 6 at N=10,000) of 20-60 facts each: enums,
  bools, ints with ranges (ages, counts, years), money with ranges, rates, dates.
* Chapters ("modules") of 3-5 decisions with a handful of rules each, on a subset of one
  group's facts:
    - an eligibility decision (bool, ``otherwise false``): 1-3 base rules and an exception
      chain 0-3 deep (each exception overrides every earlier rule with the opposite value);
      every tenth chapter is a "definitions" chapter whose eligibility other chapters read;
    - a classification (an enum decision without ``otherwise``): rules partition an enum fact,
      with an occasional exception (lex specialis) inside one part;
    - an amount (money, ``otherwise €0``) that reads the eligibility and the classification:
      bracket tables (flat and marginal), ``min``/``max``, parameters, percentages;
    - sometimes a duration (int) and a rate (flat table), cited as Dutch law does
      (``§ 3.4``, ``art. 3:4 lid 1 aanhef en onder a``, ``art. 3:4 lid 2 onderdeel b onder 1°``,
      ``hoofdstuk 3``, ``art. 3.5 sub a Besluit``).
* Dated parameters and bracket tables shared by the whole statute (flat money tables with
  alternating ``up to`` and ``below`` bounds); one cumulative table per three bracket tables,
  each read by a decision ``stapelbedrag_K`` of its own; bool facts with a typical value have
  it as their default (``= false``).
* Planted findings in about ``--defects`` (default 2%) of the chapters: a gap (a part of the
  partition forgotten), a dead rule, a redundant rule, a conflict (overlapping parts).
* One amendment (in force 2027-01-01) that replaces, inserts and repeals rules in a few
  percent of the chapters and sets a parameter; it also adds a fact, an enum value, a decision,
  a table, a bracket of a marginal table, and ends a parameter from 2031.
* Two properties: ``poort_<k>`` (proved: a chapter's eligibility implies its gate condition)
  and ``toeslag_onder_grens`` (expect counterexample: a hardship clause lets through exactly
  one combination of six facts: regio, woonsituatie, mantelzorg, heeft_partner, leeftijd =
  the pension age, and an income above the limit).

The generator is pure Python and deterministic: the same (N, seed) gives the same text.
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

STATUTE = "SYNTH"
AMENDMENT = "wijziging_2027"
AMENDMENT_DATE = "2027-01-01"
CHECK_DATE = "2026-01-01"
PLANTED_PROPERTY = "toeslag_onder_grens"
PLANTED_DECISION = "toeslag"
PLANTED_FACTS = ("inkomen", "leeftijd", "regio", "woonsituatie", "mantelzorg", "heeft_partner")

GROUP_NAMES = ["Aanvrager", "Huishouden", "Werkgever", "Onderneming", "Woning", "Voertuig", "Zorgvrager", "Leerling"]
DEFECT_KINDS = ["conflict", "gap", "dead", "redundant"]


@dataclass
class Fact:
    name: str
    kind: str  # enum bool int money rate date
    enum: str | None = None
    low: object = None
    high: object = None
    typical: object = None
    scale: str = ""  # int: age / count / years; money: small / medium / large
    default: object = None  # '= VALUE': what an example or case file may leave out

    def declaration(self, enums: dict[str, list[str]]) -> str:
        if self.kind == "enum":
            text = f"{self.name}: {self.enum}"
        elif self.kind == "bool":
            text = f"{self.name}: bool"
        elif self.kind == "int":
            text = f"{self.name}: int {self.low}..{self.high}"
        elif self.kind == "money":
            text = f"{self.name}: money {money(self.low)}..{money(self.high)}"
        elif self.kind == "rate":
            text = f"{self.name}: rate 0..1"
        else:
            text = f"{self.name}: date {self.low}..{self.high}"
        if self.default is not None:
            text += f" = {self.default}"
        if self.typical is not None:
            text += f" typical {self.typical}"
        return text


@dataclass
class Rule:
    name: str
    decision: str
    citation: str
    value: str
    condition: str | None
    exceptions: list[str] = field(default_factory=list)
    bool_value: bool | None = None  # for bool decisions
    facts: list = field(default_factory=list)  # the facts its own atoms read (base rules)
    extra: list = field(default_factory=list)  # atoms it must keep (gate, definition)

    def text(self, indent: str = "") -> str:
        head = f"{indent}rule {self.name} [{self.citation}]"
        if self.exceptions:
            head += " except " + ", ".join(self.exceptions)
        body = f"{head}:\n{indent}  {self.decision} = {self.value}"
        if self.condition:
            body += f"\n{indent}  if {self.condition}"
        return body


@dataclass
class Decision:
    name: str
    type: str
    default: str | None
    citation: str
    rules: list[Rule] = field(default_factory=list)


@dataclass
class Module:
    index: int
    group: int
    decisions: list[Decision] = field(default_factory=list)
    definitions: bool = False
    defect: str | None = None
    eligibility: str = ""
    gate: tuple[str, str, int] | None = None
    facts: set[str] = field(default_factory=set)
    recht_facts: set[str] = field(default_factory=set)


def money(value: object) -> str:
    amount = int(value)  # type: ignore[call-overload]
    return "€" + f"{amount:_}"


class Generator:
    def __init__(self, n_rules: int, seed: int = 1, defects: float = 0.02) -> None:
        self.n = n_rules
        self.rng = random.Random(f"lexproof-bench-{seed}-{n_rules}")
        self.defect_rate = defects
        self.enums: dict[str, list[str]] = {}
        self.groups: list[tuple[str, list[Fact]]] = []
        self.int_params: list[str] = []
        self.money_params: list[str] = []
        self.params_text: list[str] = []
        self.money_tables: list[str] = []
        self.cumulative_tables: list[str] = []
        self.rate_tables: list[str] = []
        self.tables_text: list[str] = []
        self.modules: list[Module] = []
        self.rule_count = 0
        self.planted: dict[str, str] = {}
        self.defects: dict[str, int] = {"gap": 0, "dead": 0, "redundant": 0, "conflict": 0}
        self.gate: tuple[str, str, int] | None = None  # decision, condition, group
        self.result_enums: list[str] = []
        self.definition_facts: dict[str, set[str]] = {}

    # --- vocabulary ---------------------------------------------------------------------------
    def _make_enums(self) -> None:
        count = max(6, self.n // 250)
        for index in range(count):
            size = self.rng.randint(3, 8)
            self.enums[f"Soort{index}"] = [f"s{index}_{chr(ord('a') + k)}" for k in range(size)]
        # Result types of classification decisions.
        for index in range(max(3, count // 4)):
            size = self.rng.randint(3, 5)
            name = f"Klasse{index}"
            self.enums[name] = [f"k{index}_{chr(ord('a') + k)}" for k in range(size)]
            self.result_enums.append(name)
        # The anchors of the planted counterexample (group 0).
        self.enums["Regio"] = ["noord", "oost", "zuid", "west", "midden", "caribisch"]
        self.enums["Woonsituatie"] = ["alleen", "met_partner", "met_kinderen", "bij_ouders", "instelling"]

    def _make_groups(self) -> None:
        n_groups = max(1, min(len(GROUP_NAMES), round(math.sqrt(self.n / 250))))
        input_enums = [e for e in self.enums if e.startswith("Soort")]
        for g in range(n_groups):
            facts: list[Fact] = []
            if g == 0:
                facts += [
                    Fact("inkomen", "money", low=0, high=100_000, typical=money(28_000), scale="medium"),
                    Fact("leeftijd", "int", low=0, high=120, typical=40, scale="age"),
                    Fact("regio", "enum", enum="Regio"),
                    Fact("woonsituatie", "enum", enum="Woonsituatie"),
                    Fact("mantelzorg", "bool", typical="false", default="false"),
                    Fact("heeft_partner", "bool"),
                ]
            size = self.rng.randint(20, 60) if self.n >= 1000 else 24
            kinds = ["enum"] * 30 + ["bool"] * 25 + ["int"] * 20 + ["money"] * 15 + ["rate"] * 5 + ["date"] * 5
            index = 0
            while len(facts) < size:
                kind = self.rng.choice(kinds)
                name = f"g{g}_{kind[0]}{index}"
                index += 1
                if kind == "enum":
                    facts.append(Fact(name, "enum", enum=self.rng.choice(input_enums)))
                elif kind == "bool":
                    usual = "false" if self.rng.random() < 0.5 else None
                    facts.append(Fact(name, "bool", typical=usual, default=usual))
                elif kind == "int":
                    scale = self.rng.choice(["age", "count", "years"])
                    high = {"age": 120, "count": 12, "years": 50}[scale]
                    typical = {"age": 40, "count": 1, "years": 5}[scale]
                    facts.append(Fact(name, "int", low=0, high=high, typical=typical, scale=scale))
                elif kind == "money":
                    scale = self.rng.choice(["small", "medium", "large"])
                    high = {"small": 20_000, "medium": 100_000, "large": 1_000_000}[scale]
                    facts.append(Fact(name, "money", low=0, high=high, scale=scale,
                                      typical=money(high // 4) if self.rng.random() < 0.5 else None))
                elif kind == "rate":
                    facts.append(Fact(name, "rate"))
                else:
                    facts.append(Fact(name, "date", low="2015-01-01", high="2035-12-31"))
            self.groups.append((GROUP_NAMES[g], facts))

    def _make_parameters(self) -> None:
        count = max(4, self.n // 100)
        for index in range(count):
            if index % 2 == 0:
                name = f"leeftijdsgrens_{index}"
                base = self.rng.randint(18, 65)
                values = [f"= {base} from 2015-01-01", f"= {base + 1} from 2024-01-01"]
                self.int_params.append(name)
                self.params_text.append(f"parameter {name}: int [art. 1.{index + 1}]\n  " + "\n  ".join(values))
            else:
                name = f"normbedrag_{index}"
                base = self.rng.randint(10, 400) * 100
                values = [f"= {money(base)} from 2015-01-01", f"= {money(base + base // 20)} from 2025-01-01"]
                self.money_params.append(name)
                self.params_text.append(f"parameter {name}: money [art. 1.{index + 1}]\n  " + "\n  ".join(values))
        self.params_text.append("parameter aow_leeftijd: int [art. 1.0 lid 1]\n  = 66 from 2018-01-01\n  = 67 from 2024-01-01")
        self.params_text.append("parameter toeslaggrens: money [art. 1.0 lid 2]\n  = €30_000")

    def _make_tables(self) -> None:
        count = max(3, self.n // 200)
        for index in range(count):
            kind = index % 3
            bounds = sorted(self.rng.sample(range(5, 200), self.rng.randint(3, 6)))
            rows = []
            if kind == 0:  # flat money -> rate
                name = f"percentage_tabel_{index}"
                for bound in bounds:
                    rows.append(f"  up to {money(bound * 500)}: {self.rng.randint(10, 100)}%")
                rows.append(f"  above: {self.rng.randint(0, 40)}%")
                self.tables_text.append(f"table {name} [bijlage {index + 1}]: money -> rate {{\n" + "\n".join(rows) + "\n}")
                self.rate_tables.append(name)
            elif kind == 1:  # flat money -> money
                name = f"bedrag_tabel_{index}"
                for row, bound in enumerate(bounds):
                    keyword = "below" if row % 2 else "up to"  # exclusive and inclusive bounds
                    rows.append(f"  {keyword} {money(bound * 500)}: {money(self.rng.randint(1, 50) * 100)}")
                rows.append("  above: €0")
                self.tables_text.append(f"table {name} [bijlage {index + 1}]: money -> money {{\n" + "\n".join(rows) + "\n}")
                self.money_tables.append(name)
            else:  # marginal money -> money (tax)
                name = f"heffing_tabel_{index}"
                for bound in bounds:
                    rows.append(f"  up to {money(bound * 500)}: {self.rng.randint(5, 45)}.{self.rng.randint(0, 9)}%")
                rows.append(f"  above: {self.rng.randint(40, 52)}%")
                self.tables_text.append(f"table {name} [bijlage {index + 1}]: money -> money marginal {{\n" + "\n".join(rows) + "\n}")
                self.money_tables.append(name)

        self._make_cumulative_tables(count)

    def _make_cumulative_tables(self, count: int) -> None:
        """One cumulative table (each bracket reached adds an amount) per three bracket tables,
        each read by a decision of its own. Built without the random generator, so the rest
        of the statute is what it was before cumulative tables existed."""
        for index in range(max(1, count // 3)):
            name = f"stapel_tabel_{index}"
            rows = [f"  below {money((k + 1) * 10_000 + index * 500)}: {money((k + 1) * 50)}" for k in range(4)]
            rows.append("  above: €25")
            self.tables_text.append(
                f"table {name} [bijlage S{index + 1}]: money -> money cumulative {{\n" + "\n".join(rows) + "\n}"
            )
            self.cumulative_tables.append(name)

    # --- expressions --------------------------------------------------------------------------
    def atom(self, fact: Fact, positive: bool | None = None) -> str:
        rng = self.rng
        if fact.kind == "enum":
            values = self.enums[fact.enum]  # type: ignore[index]
            k = rng.randint(1, len(values) - 1)
            chosen = sorted(rng.sample(values, k), key=values.index)
            if k == 1:
                return f"{fact.name} = {chosen[0]}"
            if rng.random() < 0.2:
                return f"{fact.name} not in {{{', '.join(chosen)}}}"
            return f"{fact.name} in {{{', '.join(chosen)}}}"
        if fact.kind == "bool":
            return fact.name if (positive if positive is not None else rng.random() < 0.6) else f"not {fact.name}"
        if fact.kind == "int":
            if fact.scale == "age" and self.int_params and rng.random() < 0.5:
                return f"{fact.name} {rng.choice(['>=', '<'])} {rng.choice(self.int_params)}"
            threshold = rng.randint(int(fact.low) + 1, int(fact.high) - 1)  # type: ignore[call-overload]
            return f"{fact.name} {rng.choice(['>=', '<', '<=', '>'])} {threshold}"
        if fact.kind == "money":
            if fact.scale == "medium" and self.money_params and rng.random() < 0.4:
                return f"{fact.name} {rng.choice(['<=', '>'])} {rng.choice(self.money_params)}"
            threshold = rng.randint(1, 99) * int(fact.high) // 100  # type: ignore[call-overload]
            return f"{fact.name} {rng.choice(['<=', '>'])} {money(threshold)}"
        if fact.kind == "rate":
            return f"{fact.name} {rng.choice(['>=', '<'])} {rng.randint(1, 99)}%"
        year = rng.randint(2016, 2034)
        return f"{fact.name} {rng.choice(['>=', '<'])} {year}-{rng.randint(1, 12):02d}-01"

    def condition(self, facts: list[Fact], size: int, extra: list[str] | None = None) -> str:
        chosen = self.rng.sample(facts, min(size, len(facts)))
        atoms = (extra or []) + [self.atom(f) for f in chosen]
        if len(atoms) >= 3 and self.rng.random() < 0.15:  # an occasional disjunction
            return " and ".join(atoms[:-2]) + f" and ({atoms[-2]} or {atoms[-1]})"
        return " and ".join(atoms)

    def money_value(self, facts: list[Fact]) -> str:
        rng = self.rng
        money_facts = [f for f in facts if f.kind == "money"]
        if not money_facts:
            return f"{rng.randint(1, 20)} * {rng.choice(self.money_params)}"
        f = rng.choice(money_facts)
        choice = rng.random()
        if choice < 0.35 and self.money_tables:
            return f"{rng.choice(self.money_tables)}({f.name})"
        if choice < 0.55:
            return f"min({f.name}, {rng.randint(1, 12)} * {rng.choice(self.money_params)})"
        if choice < 0.7:
            return f"{f.name} * {rng.randint(5, 95)}%"
        if choice < 0.85:
            return f"max(€0, {f.name} - {money(rng.randint(1, 9) * int(f.high) // 10)})"
        return f"{rng.randint(1, 12)} * {rng.choice(self.money_params)}"

    # --- chapters -----------------------------------------------------------------------------
    def module(self, index: int, group: int, definitions_pool: list[tuple[str, int]]) -> Module:
        rng = self.rng
        module = Module(index, group, definitions=(index % 10 == 0))
        chapter = index + 2
        _, group_facts = self.groups[group]
        depends = [d for d, g in definitions_pool if g == group]
        uses_definition = bool(depends) and not module.definitions and rng.random() < 0.5
        definition = rng.choice(depends) if uses_definition else None
        # A chapter reads its own subset of the group's facts; not those of the definition it
        # reads (otherwise random conditions contradict it and rules come out dead).
        avoid = self.definition_facts.get(definition or "", set())
        available = [f for f in group_facts if f.name not in avoid]
        if len(available) < 8 or not any(f.kind == "enum" for f in available):
            definition, available = None, list(group_facts)  # a small group: no definition
        facts = rng.sample(available, min(len(available), rng.randint(8, 14)))
        # The classification partitions an enum fact and reads one more; the eligibility
        # rules do not read those, so the two decisions are independent.
        part_fact = next((f for f in facts if f.kind == "enum"), None)
        if part_fact is None:
            part_fact = rng.choice([f for f in available if f.kind == "enum"])
        else:
            facts.remove(part_fact)
        class_fact = next((f for f in facts if f.kind != "enum"), facts[0])
        facts.remove(class_fact)
        module.facts = {f.name for f in facts} | {part_fact.name, class_fact.name}
        # What the eligibility reads, directly or through its definition: an amendment's new
        # exclusion reads something else (else it may override every rule, making them dead).
        module.recht_facts = {f.name for f in facts} | set(avoid if definition else ())
        # Defects on a fixed schedule (proportional to size, so growth exponents stay fair).
        if math.floor((index + 1.5) * self.defect_rate) > math.floor((index + 0.5) * self.defect_rate):
            module.defect = DEFECT_KINDS[math.floor((index + 1.5) * self.defect_rate) % len(DEFECT_KINDS)]
        gated = self.gate is None and not module.definitions and index >= 5 and group == 0
        gate_atom = None
        gate_facts = [f for f in facts if f.kind in ("enum", "int", "money")]
        gated = gated and bool(gate_facts)
        if gated:
            gate_atom = self.atom(gate_facts[0])
            if gate_atom.startswith("not "):
                gate_atom = gate_atom[4:]

        # 1. eligibility
        recht = Decision(f"h{chapter}_recht", "bool", "false", f"art. {chapter}.1")
        module.eligibility = recht.name
        n_base = rng.randint(1, 3)
        # Base rules read disjoint facts (so none subsumes another); exclusions read facts of
        # their own (so none is implied by the rule it overrides).
        pool = [f for f in facts if not (gate_atom and f is gate_facts[0])]
        exc_pool, base_pool = pool[:3], pool[3:]
        for k in range(n_base):
            extra = []
            if gate_atom:
                extra.append(gate_atom)
            if definition and k == 0:
                extra.append(definition)
            size = min(rng.randint(1, 3), len(base_pool)) if base_pool else 0
            if size == 0 and (k > 0 or not extra):
                break
            mine, base_pool = base_pool[:size], base_pool[size:]
            condition = self.condition(mine, size, extra)
            recht.rules.append(Rule(f"h{chapter}_recht_{k + 1}", recht.name, f"art. {chapter}.1 lid {k + 1}",
                                    "true", condition, bool_value=True, facts=mine, extra=extra))
        n_base = len(recht.rules)
        if module.defect == "redundant":
            base = recht.rules[0]
            subsumed = f"{base.condition} and {self.atom(rng.choice(exc_pool))}"
            recht.rules.append(Rule(f"h{chapter}_recht_dubbel", recht.name, f"art. {chapter}.1 lid {n_base + 1}",
                                    "true", subsumed, bool_value=True))
        if module.defect == "dead":
            ints = [f for f in group_facts if f.kind == "int"]
            if ints:
                f = rng.choice(ints)
                high = int(f.high)  # type: ignore[call-overload]
                recht.rules.append(Rule(f"h{chapter}_recht_dood", recht.name, f"art. {chapter}.1 lid {n_base + 1}",
                                        "true", f"{f.name} > {high * 2 // 3} and {f.name} < {high // 3}", bool_value=True))
            else:
                module.defect = None
        # Exception chain: an exclusion (false) overrides every rule granting the right; an
        # exception to it restores the right for part of one base rule's cases (lex specialis
        # refines, it does not grant on its own); a further exclusion overrides all of those.
        depth = rng.choice([0, 1, 1, 2, 2, 3])
        for level in range(depth):
            value = level % 2 == 1  # false, true, false
            targets = [r.name for r in recht.rules if r.bool_value != value]
            if value:
                restored = rng.choice([r for r in recht.rules[:n_base]])
                condition = f"{restored.condition} and {self.atom(exc_pool[2])}"
            else:  # each level reads a fact of its own
                condition = self.atom(exc_pool[level // 2])
            recht.rules.append(Rule(f"h{chapter}_recht_uitz{level + 1}", recht.name,
                                    f"art. {chapter}.1 lid {n_base + level + 2}",
                                    "true" if value else "false", condition, targets, bool_value=value))
        module.decisions.append(recht)
        if gated:
            module.gate = (recht.name, gate_atom, group)  # type: ignore[assignment]
        if module.definitions:
            return module

        # 2. classification: partition an enum fact
        values = self.enums[part_fact.enum]  # type: ignore[index]
        result_enum = rng.choice(self.result_enums)
        results = self.enums[result_enum]
        n_parts = rng.randint(2, min(4, len(values)))
        shuffled = values[:]
        rng.shuffle(shuffled)
        cuts = sorted(rng.sample(range(1, len(values)), n_parts - 1))
        parts = [shuffled[a:b] for a, b in zip([0] + cuts, cuts + [len(values)])]
        soort = Decision(f"h{chapter}_soort", result_enum, None, f"art. {chapter}.2")
        if module.defect == "gap" and len(parts) >= 2:
            parts = parts[:-1]
        elif module.defect == "gap":
            module.defect = None
        for k, part in enumerate(parts):
            part = sorted(part, key=values.index)
            cond = f"{part_fact.name} = {part[0]}" if len(part) == 1 else f"{part_fact.name} in {{{', '.join(part)}}}"
            soort.rules.append(Rule(f"h{chapter}_soort_{k + 1}", soort.name, f"art. {chapter}.2 lid {k + 1}",
                                    results[k % len(results)], cond))
        if rng.random() < 0.5:
            k = rng.randrange(len(soort.rules))
            part = sorted(parts[k], key=values.index)
            extra = self.atom(class_fact)
            value = results[(k + 1) % len(results)]
            cond = (f"{part_fact.name} = {part[0]}" if len(part) == 1 else
                    f"{part_fact.name} = {rng.choice(part)}") + f" and {extra}"
            soort.rules.append(Rule(f"h{chapter}_soort_bijz", soort.name, f"art. {chapter}.2 lid {len(parts) + 1}",
                                    value, cond, [soort.rules[k].name]))
        module.decisions.append(soort)

        # 3. amount: reads eligibility and classification
        bedrag = Decision(f"h{chapter}_bedrag", "money", "€0", f"art. {chapter}.3")
        # Amounts read money facts the eligibility does not constrain (else some come out
        # constant and their rules redundant).
        value_pool = [f for f in available if f.kind == "money" and f.name not in module.facts]
        used_results = sorted({r.value for r in soort.rules}, key=results.index)
        groups = [used_results[i::2] for i in range(min(2, len(used_results)))]
        if rng.random() < 0.4 or len(groups) < 2:
            groups = [used_results]
        for k, chosen in enumerate(groups):
            sel = f"{soort.name} = {chosen[0]}" if len(chosen) == 1 else f"{soort.name} in {{{', '.join(chosen)}}}"
            if len(groups) == 1:
                sel = ""
            condition = recht.name + (f" and {sel}" if sel else "")
            bedrag.rules.append(Rule(f"h{chapter}_bedrag_{k + 1}", bedrag.name, f"art. {chapter}.3 lid {k + 1}",
                                     self.money_value(value_pool), condition))
        if module.defect == "conflict":
            # A later insertion that overlaps the first part and computes something else.
            bedrag.rules.append(Rule(f"h{chapter}_bedrag_extra", bedrag.name, f"art. {chapter}.3 lid {len(groups) + 1}",
                                     f"{rng.randint(1, 9)} * {rng.choice(self.money_params)}",
                                     f"{recht.name} and {self.atom(rng.choice(facts))}"))
        module.decisions.append(bedrag)

        # 4. duration (int), sometimes
        if rng.random() < 0.5:
            duur = Decision(f"h{chapter}_duur", "int", "0", f"§ {chapter}.4")
            ints = [f for f in facts if f.kind == "int"]
            value = f"{rng.choice(self.int_params)} - {rng.randint(10, 17)}"
            duur.rules.append(Rule(f"h{chapter}_duur_1", duur.name, f"art. {chapter}:4 lid 1 aanhef en onder a", value, recht.name))
            if ints:
                f = rng.choice(ints)
                duur.rules.append(Rule(f"h{chapter}_duur_2", duur.name, f"art. {chapter}:4 lid 2 onderdeel b onder 1°",
                                       f"max({f.name}, {rng.randint(1, 5)})", f"not {recht.name} and {self.atom(class_fact)}"))
            module.decisions.append(duur)

        # 5. a rate from a table, sometimes
        money_facts = [f for f in facts if f.kind == "money"]
        if money_facts and rng.random() < 0.3:
            pct = Decision(f"h{chapter}_percentage", "rate", "0%", f"hoofdstuk {chapter}")
            pct.rules.append(Rule(f"h{chapter}_percentage_1", pct.name, f"art. {chapter}.5 sub a Besluit",
                                  f"{rng.choice(self.rate_tables)}({rng.choice(money_facts).name})", recht.name))
            module.decisions.append(pct)
        return module

    def planted_module(self) -> Module:
        """The chapter with the six-fact counterexample (group 0)."""
        module = Module(-1, 0)
        toeslag = Decision(PLANTED_DECISION, "bool", "false", "art. 1.0")
        toeslag.rules.append(Rule("toeslag_basis", PLANTED_DECISION, "art. 1.0 lid 3", "true",
                                  "inkomen <= toeslaggrens and not heeft_partner", bool_value=True))
        toeslag.rules.append(Rule("toeslag_partner", PLANTED_DECISION, "art. 1.0 lid 4", "true",
                                  "inkomen <= toeslaggrens and heeft_partner and leeftijd >= aow_leeftijd",
                                  bool_value=True))
        # Hardship clause: a mantelzorger in the Caribbean Netherlands living in an institution,
        # without a partner, in the year they reach the pension age. It forgets the income limit.
        toeslag.rules.append(Rule("toeslag_hardheid", PLANTED_DECISION, "art. 1.0 lid 5", "true",
                                  "regio = caribisch and woonsituatie = instelling and mantelzorg\n"
                                  "     and not heeft_partner and leeftijd = aow_leeftijd",
                                  bool_value=True))
        module.decisions.append(toeslag)
        return module

    # --- the whole statute ----------------------------------------------------------------------
    def generate(self) -> tuple[str, str]:
        self._make_enums()
        self._make_groups()
        self._make_parameters()
        self._make_tables()
        planted = self.planted_module()
        self.modules.append(planted)
        self.rule_count = sum(len(d.rules) for d in planted.decisions)
        definitions_pool: list[tuple[str, int]] = []
        index = 0
        while self.rule_count < self.n:
            group = index % len(self.groups)
            module = self.module(index, group, definitions_pool)
            count = sum(len(d.rules) for d in module.decisions)
            if self.rule_count + count > self.n:  # trim the last chapter to hit N exactly
                surplus = self.rule_count + count - self.n
                while surplus > 0 and module.decisions:
                    last = module.decisions[-1]
                    # A classification has no 'otherwise': dropping one of its rules would make a
                    # gap nobody planted, so it goes as a whole (the next chapter fills up).
                    if len(module.decisions) > 1 and (len(last.rules) <= surplus or last.default is None):
                        surplus -= len(last.rules)
                        module.decisions.pop()
                        continue
                    # Drop rules nobody names in an exception, from the end.
                    named = {t for d in module.decisions for r in d.rules for t in r.exceptions}
                    removable = [r for r in last.rules[1:] if r.name not in named]
                    if not removable:
                        break
                    last.rules.remove(removable[-1])
                    surplus -= 1
                if surplus > 0:
                    index += 1
                    continue  # try another chapter shape
                count = sum(len(d.rules) for d in module.decisions)
                carrier = {"gap": "_soort", "conflict": "_bedrag"}.get(module.defect or "", "_recht")
                if not any(d.name.endswith(carrier) for d in module.decisions):
                    module.defect = None
            if module.defect:
                self.defects[module.defect] += 1
            if module.gate is not None and self.gate is None:
                self.gate = module.gate
            if module.definitions:
                definitions_pool.append((module.eligibility, group))
                self.definition_facts[module.eligibility] = module.facts
            self.modules.append(module)
            self.rule_count += count
            index += 1
        return self._statute_text(), self._amendment_text()

    def _statute_text(self) -> str:
        out = [
            f"-- Synthetic statute for lexproof benchmarks: {self.rule_count} rules, "
            f"{sum(len(m.decisions) for m in self.modules)} decisions.",
            "-- Generated by benchmarks/generate.py; do not edit.",
            "",
            f'statute {STATUTE} "Synthetische wet ({self.n} regels)"',
            "",
        ]
        for name, values in self.enums.items():
            out.append(f"enum {name} {{ {', '.join(values)} }}")
        out.append("")
        for group, facts in self.groups:
            out.append(f"facts {group} {{")
            out.extend("  " + f.declaration(self.enums) for f in facts)
            out.append("}")
            out.append("")
        out.extend(self.params_text)
        out.append("")
        out.extend(self.tables_text)
        out.append("")
        for index, table in enumerate(self.cumulative_tables):
            out.append(f"decision stapelbedrag_{index}: money [bijlage S{index + 1}]")
            out.append(f"rule stapel_{index} [bijlage S{index + 1}]: stapelbedrag_{index} = {table}(inkomen)")
        out.append("")
        for module in self.modules:
            for decision in module.decisions:
                default = f" otherwise {decision.default}" if decision.default is not None else ""
                out.append(f"decision {decision.name}: {decision.type} [{decision.citation}]{default}")
            for decision in module.decisions:
                for rule in decision.rules:
                    out.append(rule.text())
            out.append("")
        # Properties: one that holds, one with the planted counterexample.
        if self.gate is not None:
            decision, gate, group = self.gate
            out.append(f"property poort [on {CHECK_DATE}]:\n  for every {self.groups[group][0]}\n"
                       f"  claim {decision} implies {gate}")
        out.append(f"property {PLANTED_PROPERTY} [on {CHECK_DATE}] expect counterexample:\n"
                   f"  for every {self.groups[0][0]}\n  claim {PLANTED_DECISION} implies inkomen <= toeslaggrens")
        return "\n".join(out) + "\n"

    def _amendment_text(self) -> str:
        """Replace / insert / repeal in a few percent of the chapters, set one parameter."""
        rng = random.Random(self.rng.random())
        chapters = [m for m in self.modules if m.index >= 0 and not m.definitions and m.decisions
                    and (self.gate is None or m.eligibility != self.gate[0])]
        n_replace = max(2, self.n // 250)
        n_insert = max(1, self.n // 500)
        n_repeal = max(1, self.n // 1000)
        chosen = rng.sample(chapters, min(len(chapters), n_replace + n_insert + n_repeal))
        lines = [
            'import "statute.law"',
            "",
            f'amendment {AMENDMENT} "Wijzigingswet {AMENDMENT_DATE[:4]}" amends {STATUTE} in force {AMENDMENT_DATE}',
        ]
        for k, module in enumerate(chosen):
            recht = module.decisions[0]
            _, group_facts = self.groups[module.group]
            if k < n_replace:
                old = recht.rules[0]
                if not old.facts:
                    continue
                # The same facts with other thresholds and value sets: an amended article.
                condition = self.condition(old.facts, len(old.facts), old.extra)
                new = Rule(old.name, old.decision, old.citation, old.value, condition)
                lines.append("  replace " + new.text("  ").lstrip())
            elif k < n_replace + n_insert:
                targets = [r.name for r in recht.rules if r.bool_value is True]
                fresh = [f for f in group_facts if f.name not in module.recht_facts] or group_facts
                new = Rule(f"{recht.name}_wijz", recht.name, f"art. {module.index + 2}.1a", "false",
                           self.atom(rng.choice(fresh)), targets)
                lines.append("  insert " + new.text("  ").lstrip())
            else:
                named = {t for r in recht.rules for t in r.exceptions}
                candidates = [r for r in recht.rules if r.name not in named and r is not recht.rules[0]]
                if not candidates:
                    continue
                lines.append(f"  repeal rule {candidates[-1].name}")
        lines.append(f"  set parameter {self.money_params[0]} = {money(rng.randint(10, 400) * 100)}")
        lines.extend(self._growth_lines(rng))
        return "\n".join(lines) + "\n"

    def _growth_lines(self, rng: random.Random) -> list[str]:
        """What the amendment adds (docs/language.md, "Amendments that add"): a fact, an enum
        value, a decision with a table of its own and a rule reading them, a bracket of a
        marginal table, and the end of a parameter (from 2031, after every checked date)."""
        group, facts = self.groups[0]
        enum_fact = next(f for f in facts if f.kind == "enum" and f.enum == "Regio")
        lines = [
            f"  add facts {group} {{ nieuw_recht: bool typical false }}",
            "  add enum Regio { buitenland }",
            "  add decision nieuwe_toeslag: money [art. 99.1] otherwise €0",
            "  add table nieuwe_tabel [bijlage 99]: money -> money { up to €10_000: €500  above: €0 }",
            f"  insert rule nieuwe_toeslag_regel [art. 99.2]:\n    nieuwe_toeslag = nieuwe_tabel(inkomen)"
            f" if nieuw_recht and {enum_fact.name} != buitenland",
        ]
        heffing = [name for name in self.money_tables if name.startswith("heffing_tabel_")]
        if heffing:  # bounds are multiples of €500; €250 more is a bound no table has
            lines.append(f"  add rows to table {heffing[0]} {{ up to {money(rng.randint(10, 190) * 500 + 250)}: 0% }}")
        lines.append("  set parameter toeslaggrens = no value from 2031-01-01")
        return lines

    def summary(self) -> dict:
        return {
            "rules": self.rule_count,
            "decisions": sum(len(m.decisions) for m in self.modules),
            "chapters": len(self.modules),
            "facts": sum(len(f) for _, f in self.groups),
            "groups": len(self.groups),
            "parameters": len(self.int_params) + len(self.money_params) + 2,
            "tables": len(self.money_tables) + len(self.rate_tables) + len(self.cumulative_tables),
            "cumulative_tables": len(self.cumulative_tables),  # each read by one more rule and decision
            "planted_defects": dict(self.defects),
        }


DATES_STATUTE = "Termijnen"


def dates_statute_text(n_rules: int) -> str:
    """A separate statute whose rules read the peildatum and the calendar functions: one chapter
    (3 facts, 4 decisions, 3 rules) per 50 rules of the main statute. An age on the peildatum
    (``years_between``), a term in months, the first day of the next month, the day and month
    of a birth date; an age limit that changes in 2027, so the built-in checks cover three periods,
    each on every day it stands for (the peildatum is an unknown day of the period)."""
    lines = [
        f"statute {DATES_STATUTE}",
        "parameter grens: int [art. 1]",
        "  = 18 from 2020-01-01",
        "  = 21 from 2027-01-01",
    ]
    for i in range(max(1, n_rules // 50)):
        lines += [
            f"facts Aanvraag{i} {{",
            f"  geboortedatum_{i}: date 1950-01-01..2020-12-31",
            f"  aanvraagdatum_{i}: date 2020-01-01..2030-12-31",
            f"  termijn_{i}: int 1..12",
            "}",
            f"decision leeftijd_{i}: int [art. {i + 2}.1] otherwise years_between(geboortedatum_{i}, peildatum)",
            f"decision einde_{i}: date [art. {i + 2}.2] otherwise aanvraagdatum_{i} + termijn_{i} months",
            f"decision ingang_{i}: date [art. {i + 2}.3] otherwise first_day_of_next_month(aanvraagdatum_{i})",
            f"decision recht_{i}: bool [art. {i + 2}.4] otherwise false",
            f"rule basis_{i} [art. {i + 2}.4 lid 1]:",
            f"  recht_{i} = true if leeftijd_{i} >= grens and peildatum <= einde_{i}",
            f"rule te_vroeg_{i} [art. {i + 2}.4 lid 2] except basis_{i}:",
            f"  recht_{i} = false if peildatum < ingang_{i}",
            f"rule schrikkel_{i} [art. {i + 2}.4 lid 3] except te_vroeg_{i}:",
            f"  recht_{i} = true if month(geboortedatum_{i}) = 2 and day(geboortedatum_{i}) = 29",
        ]
    return "\n".join(lines) + "\n"


ARITH_STATUTE = "Uurtoeslag"


def arith_statute_text(n_rules: int) -> str:
    """A separate statute of products and rounding (issue 12): one chapter (5 facts, 5
    decisions, 4 rules) per 20 rules of the main statute. Each chapter is the kinderopvang
    formula: a percentage from a table on the income (a decision with five values), the hours
    capped at 230 times the price capped at a maximum (two bounded whole numbers), rounded to
    whole cents; a supplement of ``kinderen x bedrag`` (a bounded int times a parameter); a yearly
    amount rounded down to whole euros; a threshold on it. The maxima change in 2026, so the
    built-in checks cover two periods."""
    lines = [
        f"statute {ARITH_STATUTE}",
        "enum Opvangsoort { dagopvang, bso }",
        "parameter max_dag: money [art. 1 lid 1]",
        "  = €10.71 from 2025-01-01",
        "  = €11.23 from 2026-01-01",
        "parameter max_bso: money [art. 1 lid 2]",
        "  = €9.52 from 2025-01-01",
        "  = €9.98 from 2026-01-01",
        "parameter max_uren: int [art. 1 lid 3] = 230",
        "parameter per_kind: money [art. 1 lid 4] = €25",
        "parameter drempel: money [art. 1 lid 5] = €11_000",
        "table kot [bijlage I]: money -> rate {",
        "  up to €56_413: 96%", "  up to €75_000: 80%", "  up to €100_000: 64%", "  up to €125_000: 50%",
        "  above: 36.5%",
        "}",
    ]
    for i in range(max(1, n_rules // 20)):
        a = f"{i + 2}"
        lines += [
            f"facts Opvang{i} {{",
            f"  uren_{i}: int 0..300",
            f"  uurprijs_{i}: money €0..€25",
            f"  inkomen_{i}: money €0..€250_000",
            f"  kinderen_{i}: int 0..4",
            f"  soort_{i}: Opvangsoort",
            "}",
            f"decision percentage_{i}: rate [art. {a}.1] otherwise kot(inkomen_{i})",
            f"decision kosten_{i}: money [art. {a}.2]",
            f"  otherwise min(uren_{i}, max_uren) * min(uurprijs_{i}, if soort_{i} = dagopvang then max_dag else max_bso)",
            f"decision toeslag_{i}: money [art. {a}.3] otherwise €0",
            f"rule basis_{i} [art. {a}.3 lid 1]:",
            f"  toeslag_{i} = round(percentage_{i} * kosten_{i}, €0.01) if kinderen_{i} > 0",
            f"rule gezin_{i} [art. {a}.3 lid 2] except basis_{i}:",
            f"  toeslag_{i} = round(percentage_{i} * kosten_{i} + kinderen_{i} * per_kind, €0.01) if kinderen_{i} >= 3",
            f"decision jaarbedrag_{i}: money [art. {a}.4] otherwise round_down(12 * toeslag_{i}, €1)",
            f"decision hoog_{i}: bool [art. {a}.5] otherwise false",
            f"rule hoog_regel_{i} [art. {a}.5 lid 1]: hoog_{i} = true if jaarbedrag_{i} >= drempel",
            f"rule geen_kind_{i} [art. {a}.5 lid 2] except hoog_regel_{i}: hoog_{i} = false if inkomen_{i} > €200_000",
        ]
    return "\n".join(lines) + "\n"


ITEMS_STATUTE = "Gezinnen"


def items_statute_text(n_rules: int) -> str:
    """A separate statute with repeated items (docs/language.md section 21): one chapter per 10
    rules of the main statute (so N rules in all), each a household of up to 4 children with
    up to 2 contracts each. Per chapter: an amount per child (three rules, the first child by
    hours gets more: ``rank``), the household's total (``sum``), a count with a filter, the
    most expensive contract (``max`` over a nested kind), and a right with an exception that
    reads ``all`` and ``any``; ten rules, five of them per item."""
    lines = [f"statute {ITEMS_STATUTE}", "parameter grens: money [art. 1] = €50_000"]
    for i in range(max(1, n_rules // 10)):
        a = f"art. {i + 2}"
        lines += [
            f"facts Huishouden{i} {{ inkomen_{i}: money €0..€150_000  alleenstaand_{i}: bool }}",
            f"items kind_{i} up to 4 {{ leeftijd_{i}: int 0..17  uren_{i}: int 0..230 }}",
            f"items contract_{i} up to 2 per kind_{i} {{ uurprijs_{i}: money €0..€15 }}",
            f"decision per_kind_{i}: money per kind_{i} [{a}.1] otherwise €0",
            f"rule volgend_{i} [{a}.1 lid 1]: per_kind_{i} = €100 if leeftijd_{i} < 12",
            f"rule eerste_{i} [{a}.1 lid 2] except volgend_{i}: per_kind_{i} = €150 if leeftijd_{i} < 12 and rank(kind_{i} by uren_{i}) = 1",
            f"rule oud_{i} [{a}.1 lid 3]: per_kind_{i} = €50 if leeftijd_{i} >= 12 and alleenstaand_{i}",
            f"decision duurste_{i}: money per kind_{i} [{a}.2] otherwise €0",
            f"rule duurste_{i} [{a}.2 lid 1]: duurste_{i} = max(contract_{i}: uurprijs_{i}) if count(contract_{i}) > 0",
            f"rule gratis_{i} [{a}.2 lid 2] except duurste_{i}: duurste_{i} = €0 if alleenstaand_{i} and inkomen_{i} < €10_000",
            f"decision totaal_{i}: money [{a}.3] otherwise €0",
            f"rule totaal_{i} [{a}.3]: totaal_{i} = sum(kind_{i}: per_kind_{i}) if inkomen_{i} < grens",
            f"decision jong_{i}: int [{a}.4] otherwise 0",
            f"rule jong_{i} [{a}.4]: jong_{i} = count(kind_{i} where leeftijd_{i} < 12)",
            f"decision recht_{i}: bool [{a}.5] otherwise false",
            f"rule recht_{i} [{a}.5 lid 1]: recht_{i} = true if any(kind_{i}: leeftijd_{i} < 12) and inkomen_{i} < grens",
            f"rule geen_recht_{i} [{a}.5 lid 2] except recht_{i}: recht_{i} = false if all(kind_{i}: duurste_{i} = €0)",
            f"rule hoog_{i} [{a}.6]: totaal_{i} = €25 if inkomen_{i} >= grens and alleenstaand_{i}",
        ]
    return "\n".join(lines) + "\n"


LINKED_RULES = 100  # rules per statute of linked.law
LINKED_DATES = ("2027-01-01", "2027-07-01", "2028-01-01", "2028-07-01")


def linked_statutes_text(n_rules: int) -> str:
    """Statutes that read each other (docs/language.md section 22): N/100 statutes (at least
    2) of 100 rules each, ``X0``, ``X1``, ...; each after the first uses the one before it and
    one further back. Per statute: ten definitions ``b0..b9`` (bool, five rules each on
    disjoint age bands, over the shared facts), and ten decisions ``d0..d9`` (int, five rules
    each on disjoint income bands) that read definitions of the statutes it uses, as the WSF
    reads the WEB. Every fourth statute names the age ``jaren`` and maps the others' name to it
    (``same fact``); every tenth declares a ``same question`` with a statute it uses; each has
    an amendment (four in-force dates in all) that replaces one definition rule, which changes
    the outcomes of its readers. No findings are planted; the disjoint bands keep the rules free
    of conflicts, gaps, dead and redundant rules within each statute."""
    count = max(2, n_rules // LINKED_RULES)
    age_name: dict[int, str] = {}
    lines: list[str] = []
    for i in range(count):
        used = sorted({i - 1, (i * 7) % i if i > 1 else i - 1}) if i else []
        age = "jaren" if i % 4 == 3 else "leeftijd"
        age_name[i] = age
        lines += ["", f"statute X{i}"]
        if used:
            lines.append("uses " + ", ".join(f"X{u}" for u in used))
        lines.append(f"facts Persoon {{ {age}: int 0..120  inkomen: money €0..€200_000  gehuwd: bool }}")
        lines += [f"same fact X{u}.{age_name[u]} = {age}" for u in used if age_name[u] != age]
        lines.append("parameter grens: money [art. 1] = €30_000 from 2020-01-01 = €32_000 from 2026-01-01")
        for k in range(10):
            lines.append(f"decision b{k}: bool [art. {k + 2}] otherwise false")
            for j in range(5):
                married = "gehuwd" if (k + j) % 2 else "not gehuwd"
                lines.append(f"rule b{k}_{j} [art. {k + 2} lid {j + 1}]: b{k} = true "
                             f"if {age} >= {18 + 10 * j} and {age} < {28 + 10 * j} and {married}")
        for k in range(10):
            lines.append(f"decision d{k}: int [art. {k + 20}] otherwise 0")
            for j in range(5):
                source = f"X{used[(k + j) % len(used)]}.b{(k + j) % 10}" if used else f"b{(k + j) % 10}"
                high = f" and inkomen < €{(j + 1) * 20_000:_}" if j < 4 else ""
                lines.append(f"rule d{k}_{j} [art. {k + 20} lid {j + 1}]: d{k} = {j + 1} "
                             f"if inkomen >= €{j * 20_000:_}{high} and {source}")
        if used and i % 10 == 9:
            lines.append(f"same question q{i}: X{used[-1]}.b1, b0 priority lex superior X{used[-1]}")
        lines += [f"amendment w{i} amends X{i} in force {LINKED_DATES[i % len(LINKED_DATES)]}",
                  f"  replace rule b{i % 10}_0 [art. {i % 10 + 2} lid 1]: b{i % 10} = true "
                  f"if {age} >= 16 and {age} < 28 and {'gehuwd' if i % 2 else 'not gehuwd'}"]
    return "\n".join(lines[1:]) + "\n"


HOUSEHOLD_STATUTE = "Kinderopvang"


def household_statute_text(n_rules: int) -> str:
    """Repeated items with products and rounding, shaped like benefit law (issue 12's 10,000-rule
    target): one chapter per 10 rules (N rules in all), each a household of up to 4 children
    with up to 2 contracts each. The kinderopvang formula per child: the costs are
    ``min(uren, max_uren) x min(uurprijs, max_uurprijs)`` rounded to whole cents (a product of
    two bounded whole numbers), times a percentage from a table on the household's income (a
    decision of five values), rounded again; the first child by hours (``rank``) gets a
    supplement; the household's total is rounded down to whole euros (``sum``), plus ``count x
    bedrag`` for the children under 4; a right reads the total (so the chain runs uurprijs ->
    kosten -> per_kind -> totaal -> recht), ``any``, ``all`` and ``max`` over the contracts.
    The maximum price changes in 2025, 2026 and 2027 and the threshold in 2026, so the checks
    cover four periods; an amendment of 2027 replaces a rule in every fifth chapter."""
    lines = [
        f"statute {HOUSEHOLD_STATUTE}",
        "parameter grens: money [art. 1 lid 1]",
        "  = €50_000 from 2024-01-01",
        "  = €52_500 from 2026-01-01",
        "parameter max_uurprijs: money [art. 1 lid 2]",
        "  = €9.12 from 2024-01-01",
        "  = €10.25 from 2025-01-01",
        "  = €10.71 from 2026-01-01",
        "  = €11.23 from 2027-01-01",
        "parameter max_uren: int [art. 1 lid 3] = 230",
        "parameter toeslag_eerste: money [art. 1 lid 4] = €15.50",
        "parameter per_peuter: money [art. 1 lid 5] = €12",
        "table kot [bijlage I]: money -> rate {",
        "  up to €25_000: 96%", "  up to €50_000: 80%", "  up to €75_000: 64%", "  up to €100_000: 50%",
        "  above: 33.3%",
        "}",
    ]
    for i in range(max(1, n_rules // 10)):
        a = f"art. {i + 2}"
        lines += [
            f"facts Huishouden{i} {{ inkomen_{i}: money €0..€150_000  alleenstaand_{i}: bool }}",
            f"items kind_{i} up to 4 {{ leeftijd_{i}: int 0..17  uren_{i}: int 0..300  uurprijs_{i}: money €0..€15 }}",
            f"items contract_{i} up to 2 per kind_{i} {{ prijs_{i}: money €0..€15 }}",
            f"decision percentage_{i}: rate [{a}.1] otherwise kot(inkomen_{i})",
            f"decision kosten_{i}: money per kind_{i} [{a}.2]",
            f"  otherwise round(min(uren_{i}, max_uren) * min(uurprijs_{i}, max_uurprijs), €0.01)",
            f"decision per_kind_{i}: money per kind_{i} [{a}.3] otherwise €0",
            f"rule volgend_{i} [{a}.3 lid 1]: per_kind_{i} = round(percentage_{i} * kosten_{i}, €0.01) if leeftijd_{i} < 12",
            f"rule eerste_{i} [{a}.3 lid 2] except volgend_{i}:",
            f"  per_kind_{i} = round(percentage_{i} * kosten_{i}, €0.01) + toeslag_eerste"
            f" if leeftijd_{i} < 12 and rank(kind_{i} by uren_{i}) = 1",
            f"rule oud_{i} [{a}.3 lid 3]: per_kind_{i} = €50 if leeftijd_{i} >= 12 and alleenstaand_{i}",
            f"decision duurste_{i}: money per kind_{i} [{a}.4] otherwise €0",
            f"rule duurste_{i} [{a}.4 lid 1]: duurste_{i} = max(contract_{i}: prijs_{i}) if count(contract_{i}) > 0",
            f"rule gratis_{i} [{a}.4 lid 2] except duurste_{i}: duurste_{i} = €0 if alleenstaand_{i} and inkomen_{i} < €10_000",
            f"decision totaal_{i}: money [{a}.5] otherwise €0",
            f"rule totaal_{i} [{a}.5 lid 1]: totaal_{i} = round_down(sum(kind_{i}: per_kind_{i}), €1)"
            f" + count(kind_{i} where leeftijd_{i} < 4) * per_peuter if inkomen_{i} < grens",
            f"rule hoog_{i} [{a}.5 lid 2]: totaal_{i} = €25 if inkomen_{i} >= grens and alleenstaand_{i}",
            f"decision jong_{i}: int [{a}.6] otherwise 0",
            f"rule jong_{i} [{a}.6]: jong_{i} = count(kind_{i} where leeftijd_{i} < 12)",
            f"decision recht_{i}: bool [{a}.7] otherwise false",
            f"rule recht_{i} [{a}.7 lid 1]: recht_{i} = true if any(kind_{i}: leeftijd_{i} < 12) and totaal_{i} > €0",
            f"rule geen_recht_{i} [{a}.7 lid 2] except recht_{i}: recht_{i} = false if all(kind_{i}: duurste_{i} = €0)",
        ]
    return "\n".join(lines) + "\n" + household_amendment_text(n_rules)


def household_amendment_text(n_rules: int) -> str:
    """The 2027 amendment of ``household_statute_text``: in every fifth chapter the rule for
    older children gives more to single parents (a replaced rule, so those chapters' decisions
    differ between the versions before and after it)."""
    lines = [f'amendment huishouden_2027 "Wijziging kinderopvang 2027" amends {HOUSEHOLD_STATUTE} in force 2027-01-01']
    for i in range(0, max(1, n_rules // 10), 5):
        lines += [
            f"  replace rule oud_{i} [art. {i + 2}.3 lid 3]:",
            f"    per_kind_{i} = €60 if leeftijd_{i} >= 12 and alleenstaand_{i}",
        ]
    return "\n".join(lines) + "\n"


def write_statute(n_rules: int, out: Path, seed: int = 1, defects: float = 0.02) -> dict:
    """Write ``statute.law``, ``amendment.law``, ``dates.law``, ``arith.law``, ``items.law`` and
    ``linked.law`` and ``household.law`` into ``out``; return a summary."""
    generator = Generator(n_rules, seed, defects)
    statute, amendment = generator.generate()
    out.mkdir(parents=True, exist_ok=True)
    (out / "statute.law").write_text(statute, encoding="utf-8")
    (out / "amendment.law").write_text(amendment, encoding="utf-8")
    (out / "dates.law").write_text(dates_statute_text(n_rules), encoding="utf-8")
    (out / "arith.law").write_text(arith_statute_text(n_rules), encoding="utf-8")
    (out / "items.law").write_text(items_statute_text(n_rules), encoding="utf-8")
    (out / "linked.law").write_text(linked_statutes_text(n_rules), encoding="utf-8")
    (out / "household.law").write_text(household_statute_text(n_rules), encoding="utf-8")
    summary = generator.summary()
    summary["bytes"] = len(statute.encode()) + len(amendment.encode())
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rules", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defects", type=float, default=0.02)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(write_statute(args.rules, args.out, args.seed, args.defects))


if __name__ == "__main__":
    main()
