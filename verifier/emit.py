"""Counterexamples as executable example blocks, so a found case becomes a regression test
(CrossHair-style: a counterexample you can run)."""

from __future__ import annotations

from lexproof.dsl.values import format_value
from lexproof.verifier.results import Result


def literal(value: object, type_) -> str:
    """A value in the statute language's literal syntax."""
    text = format_value(value, type_)
    if type_.kind == "money":
        return text.replace(",", "_")
    return text


def example_blocks(results: list[Result]) -> str:
    blocks = []
    for result in results:
        for index, witness in enumerate(result.witnesses):
            statute = witness.statute
            for case_name, facts in witness.facts.items():
                for (slot, case), outcomes in witness.outcomes.items():
                    if case != case_name:
                        continue
                    version = witness.versions[slot]
                    spec = _version_spec(version)
                    name = f"{result.name} {case_name or ''} {slot or ''} {index + 1}".split()
                    title = " ".join(name).replace('"', "'")
                    fact_text = ",\n  ".join(f"{n} = {literal(v, statute.facts[n].type)}" for n, v in facts.items())
                    expected = [
                        f"{n} = {literal(o.value, statute.decisions[n].type)}"
                        for n in outcomes if not witness.focus or n in witness.focus
                        for o in (outcomes[n],) if o.defined
                    ]
                    if not expected:
                        continue
                    blocks.append(
                        f"-- from {result.kind} {result.name} ({result.status}) at {result.location}\n"
                        f'example "{title}"{spec} {{\n  {fact_text}\n}} expect {", ".join(expected)}\n'
                    )
    return "\n".join(blocks)


def _version_spec(label: str) -> str:
    """'WSF2000 on 2027-09-01 (with a, b)' -> ' [on 2027-09-01]'. The amendments in force on
    that date apply by themselves; an amendment applied ahead of its date cannot be named by
    date alone, so the caller should move the block into that amendment's file."""
    parts = label.split(" on ")
    if len(parts) < 2:
        return ""
    date = parts[1].split(" ")[0]
    return f" [on {date}]"
