"""Properties, examples and queries: proved, refuted with a replayed counterexample, vacuous,
or unknown, each with the articles it rests on."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field

import z3

from lexproof.dsl import ast, ir
from lexproof.dsl.consolidate import Version, resolve_spec, version_on
from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.evaluator import DecisionOutcome, Evaluator, Undefined
from lexproof.dsl.model import ExampleInfo, PropertyInfo, StatuteModel
from lexproof.dsl.values import format_value
from lexproof.verifier.encoding import Encoder, Tracker, fewer_gc_passes
from lexproof.verifier.errors import InternalError
from lexproof.verifier.results import Outcomes, Result, Witness, article_of, cite
from lexproof.verifier.sampling import random_case
from lexproof.verifier.solving import Budget, check, minimal_core, new_solver, read_cases, readable_model

SAMPLES_AFTER_PROOF = 12
PROVED_WORDING = ("holds for every case", "; rests on ", " (by the domain alone)")  # lead, joiner, if empty


def property_versions(
    statute: StatuteModel, prop: PropertyInfo, default_date: dt.date
) -> list[dict[str | None, Version]]:
    """The version slots each run of the property needs (one run per listed version)."""
    if prop.compare is not None:
        before, after = prop.compare
        return [{"before": resolve_spec(statute, before), "after": resolve_spec(statute, after)}]
    specs = prop.versions or (ast.VersionSpec("on", default_date),)
    return _read_only_present(prop, [{None: resolve_spec(statute, spec)} for spec in specs])


def _read_only_present(prop: PropertyInfo, runs: list[dict[str | None, Version]]) -> list[dict[str | None, Version]]:
    """The runs, unless the property reads in one what that version lacks (an amendment adds
    it): bad input, as on load for the versions it names (``lexproof.dsl.growth``)."""
    from lexproof.dsl.growth import property_problems

    problems = [d for versions in runs for d in property_problems(prop, versions)]
    if problems:
        raise LexproofError(problems)
    return runs


@fewer_gc_passes
def check_property(
    statute: StatuteModel, prop: PropertyInfo, default_date: dt.date, budget: Budget
) -> Result:
    """All listed versions must satisfy the property; the first failure is reported.

    A proof in several versions rests on the union of the versions' bases. Each version first
    tries the basis found so far: if it proves the claim there too, the costly core
    minimization (most of the proving time on the bundled statutes) is not needed again, and
    the union keeps no removable entry (see ``_check_in``)."""
    verdicts: list[Result] = []
    so_far = BasisSoFar()
    for versions in property_versions(statute, prop, default_date):
        verdict, used = _check_in(statute, prop, versions, budget, so_far)
        verdicts.append(verdict)
        so_far.keys |= used
        so_far.texts |= set(verdict.details.get("basis", ()))
    order = {"counterexample": 0, "unknown": 1, "vacuous": 2, "proved": 3}
    worst = min(verdicts, key=lambda r: order.get(r.status, 0))
    if worst.status == "proved" and len(verdicts) > 1:
        # The basis of every version (a parameter is cited once per value it had).
        basis = _sorted_basis({entry for v in verdicts for entry in v.details["basis"]})
        rests_on = sorted({entry for v in verdicts for entry in v.details.get("rests_on", ())})
        _explain_basis(worst, basis, *PROVED_WORDING)
        worst.details["rests_on"] = rests_on
        worst.version = "; ".join(v.version or "" for v in verdicts)
    return worst


def _focus(nodes: list[ir.Node]) -> tuple[str, ...]:
    names: list[str] = []
    for node in nodes:
        for sub in ir.walk(node):
            if isinstance(sub, ir.DecisionRef) and sub.name not in names:
                names.append(sub.name)
    return tuple(names)


@dataclass
class Obligation:
    """A property in one set of versions, ready to solve: the solver holds the statute (rules
    guarded by tracking literals) and the goal literals switch on the premise and the claim's
    negation. Unsat under ``trackers + goals`` is a proof; the core names what it rests on."""

    encoder: Encoder
    solver: z3.Solver
    premise: z3.BoolRef
    claim: z3.BoolRef
    want_premise: z3.BoolRef
    want_failure: z3.BoolRef
    antecedent: z3.BoolRef | None = None  # the claim's conditions before 'implies', if any


def _named_among(statute: StatuteModel, kind: str, names: tuple[str, ...]) -> bool:
    """Whether ``differing only in`` names the kind, one of its nested kinds, or a fact of
    their items: then the two cases' items of ``kind`` may differ."""
    pending = [kind]
    while pending:
        current = pending.pop()
        if current in names or any(fact in names for fact in statute.kinds[current].facts):
            return True
        pending.extend(statute.child_kinds(current))
    return False


def claim_antecedents(claim: ir.Node) -> list[ir.Node]:
    """The conditions of the claim's top-level implication chain: ``a implies b`` gives
    ``[a]``, ``a implies b implies c`` (that is ``a implies (b implies c)``) gives ``[a, b]``,
    anything else ``[]``. Such a claim is a premise in disguise (``assume a`` / ``claim b``),
    so it is vacuous when they can never hold together (with the premises): see
    ``_antecedent_vacuity``. Only the top level counts: an implication under ``and``, ``or``,
    ``not`` or ``if`` is one condition among others, not what the property is about."""
    found: list[ir.Node] = []
    node = claim
    while isinstance(node, ir.Op) and node.op == "implies":
        found.append(node.args[0])
        node = node.args[1]
    return found


def obligation(
    statute: StatuteModel, prop: PropertyInfo, versions: dict[str | None, Version], budget: Budget
) -> Obligation:
    cases: tuple[str | None, ...] = prop.cases or (None,)
    encoder = Encoder(statute, versions, cases)
    if prop.cases and prop.adding is not None:
        a, b = prop.cases
        encoder.tie_cases(a, b, list(statute.facts))
        encoder.tie_items(a, b, [kind for kind in statute.top_kinds() if kind != prop.adding])
        encoder.add_one_item(a, b, prop.adding)
    if prop.cases and prop.differing_only_in is not None:
        a, b = prop.cases
        encoder.tie_cases(a, b, [name for name in statute.facts if name not in prop.differing_only_in])
        # Items too: the same items of each kind the list does not name (itself or a fact of its items).
        encoder.tie_items(a, b, [kind for kind in statute.top_kinds() if not _named_among(statute, kind, prop.differing_only_in)])
    premise = z3.And([encoder.formula(node) for node in prop.assumptions] + [encoder.true])
    claim = encoder.formula(prop.claim)
    # Encoded now (the solver seals the encoder), asked only once the claim is proved.
    conditions = claim_antecedents(prop.claim)
    antecedent = z3.And([encoder.formula(node) for node in conditions]) if conditions else None
    add_definedness_lemmas(encoder, budget)
    solver = new_solver(encoder, budget, minimize_cores=True)
    want_premise = z3.Bool("goal!premise", encoder.ctx)
    want_failure = z3.Bool("goal!failure", encoder.ctx)
    solver.add(z3.Implies(want_premise, premise), z3.Implies(want_failure, z3.Not(claim)))
    return Obligation(encoder, solver, premise, claim, want_premise, want_failure, antecedent)


@dataclass
class BasisSoFar:
    """What the proofs in earlier versions rest on: trackers as (kind, name), and citations."""

    keys: set[tuple[str, str]] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)


def _check_in(
    statute: StatuteModel, prop: PropertyInfo, versions: dict[str | None, Version], budget: Budget,
    so_far: BasisSoFar,
) -> tuple[Result, set[tuple[str, str]]]:
    """The verdict in one set of versions, and what a proof rests on as (kind, name) of its
    trackers (empty unless proved).

    A proof first tries the trackers of ``so_far`` (by kind and name: a parameter may have
    another value here, a rule another citation). If they prove the claim, each entry they
    add to the citations so far is dropped unless it is needed given the rest, so every entry
    of the union stays needed in some version; otherwise the core is minimized afresh."""
    ob = obligation(statute, prop, versions, budget)
    encoder, solver, premise, claim = ob.encoder, ob.solver, ob.premise, ob.claim
    want_premise, want_failure = ob.want_premise, ob.want_failure
    cases = encoder.cases
    base = Result("property", prop.name, "unknown", prop.span, expected=prop.expect,
                  statute=statute.name, version="; ".join(v.label for v in versions.values()))
    trackers = encoder.assumptions()
    premise_status = check(solver, *trackers, want_premise)
    if premise_status == "unknown":
        base.message = "the solver ran out of budget deciding whether the premises can hold"
        return base, set()
    if premise_status == "unsat":
        base.status = "vacuous"
        _explain_unsat(base, encoder, solver, [want_premise],
                       "the premises can never hold together, so the claim says nothing", "; this rests on ", "")
        return base, set()
    goals = [want_premise, want_failure]
    # The basis of another version, as far as its rules exist here (an article repealed in
    # between has no tracker in this version).
    hinted = [literal for literal, _, t in encoder.tracked.values() if (t.kind, t.name) in so_far.keys]
    if so_far.keys and check(solver, *hinted, *goals) == "unsat":
        # Fewer assumptions than all trackers and still unsat: proved, on (part of) that basis.
        core = _without_new_padding(encoder, solver, hinted, goals, so_far.texts)
    else:
        status = check(solver, *trackers, *goals)
        if status == "unknown":
            base.message = "the solver ran out of budget (raise --timeout); nothing is proved"
            return base, set()
        core = minimal_core(solver, list(solver.unsat_core()), goals) if status == "unsat" else None
        if core is not None and len(cases) > 1:
            # z3's core.minimize is best effort: on two households that share the encoding of
            # what they decide alike it left definedness lemmas and a default the rest proves
            # without. A deletion pass drops those ("rests on" names only what is needed); on
            # one case it found nothing to drop and cost a third of the run.
            core = _without_new_padding(encoder, solver, core, goals, set())
    if core is not None:
        if ob.antecedent is not None and _antecedent_vacuity(ob, trackers, base, bool(prop.assumptions)):
            return base, set()
        base.status = "proved"
        _explain_basis(base, _articles(encoder, core), *PROVED_WORDING)
        base.details["rests_on"] = rested_articles(encoder, core)
        _sample_proof(statute, prop, versions, cases)
        return base, {(t.kind, t.name) for t in map(encoder.tracker_of, core)}
    model = readable_model(encoder, [premise, z3.Not(claim)], budget, solver.model())
    facts = read_cases(encoder, model)
    witness = replay(statute, prop, versions, facts)
    base.status = "counterexample"
    base.witnesses = [witness]
    base.articles = witness.deciding_articles()
    base.message = "fails for the case below"
    return base, set()


def _antecedent_vacuity(ob: Obligation, trackers: list, base: Result, premises: bool) -> bool:
    """For a proved claim ``a implies b``: whether ``a`` can hold (with the premises), as for
    ``assume a``. If not, the claim holds only because ``a`` never does: ``base`` becomes
    'vacuous' (or 'unknown' when the solver cannot tell) and True is returned. Asked after
    the proof, so a property with a counterexample gets the same one as before."""
    want = z3.Bool("goal!antecedent", ob.encoder.ctx)
    ob.solver.add(z3.Implies(want, ob.antecedent))
    status = check(ob.solver, *trackers, ob.want_premise, want)
    if status == "sat":
        return False
    if status == "unknown":
        base.message = ("the solver ran out of budget deciding whether the condition before 'implies' can hold "
                        "(raise --timeout); nothing is proved")
        return True
    base.status = "vacuous"
    _explain_unsat(base, ob.encoder, ob.solver, [ob.want_premise, want],
                   "the condition before 'implies' can never hold" + (" together with the premises" if premises else "")
                   + ", so the claim says nothing", "; this rests on ", "")
    return True


def _without_new_padding(encoder: Encoder, solver: z3.Solver, literals: list, goals: list, cited: set[str]) -> list:
    """``literals`` (which prove the goals) without those whose citation is new (not in
    ``cited``) and not needed given the rest: a deletion pass over the new ones only."""
    is_new = [describe_tracker(encoder, encoder.tracker_of(literal)) not in cited for literal in literals]
    keep = [True] * len(literals)
    for index in range(len(literals)):
        if not is_new[index]:
            continue
        keep[index] = False
        trial = [other for other, kept in zip(literals, keep) if kept]
        if check(solver, *trial, *goals) != "unsat":
            keep[index] = True  # needed here (or the solver could not tell: keep it, to be safe)
    return [literal for literal, kept in zip(literals, keep) if kept]


def add_definedness_lemmas(encoder: Encoder, budget: Budget) -> None:
    """For each encoded decision that is decided in every case (no gap, no conflict), add that
    fact as a tracked lemma. Sound (it is proved first); its purpose is explanation: a proof's
    core can then cite "X is always decided" instead of every rule X's definedness rests on.

    Each property proves its lemmas itself, in its own context, though properties of one
    version could share the answers: a shared answer made the property's solver state (and so
    the counterexample z3 picks) depend on which property asked first, and a run on several
    processes answered differently from a run on one. The checks cost about 1 ms each."""
    lemma_solver = new_solver(encoder, budget)
    trackers = encoder.assumptions()
    for (name, case, slot), (_value, defined) in list(encoder._decisions.items()):
        if check(lemma_solver, *trackers, z3.Not(defined)) == "unsat":
            encoder.track_lemma(name, case, slot, defined)
    # That solver is done with; the property's own, made next, holds every fact declared so far.
    encoder.sealed = False


def replay(
    statute: StatuteModel, prop: PropertyInfo, versions: dict[str | None, Version],
    facts: dict[str | None, dict[str, object]],
) -> Witness:
    """Run a counterexample through the evaluator; it must violate the property there too."""
    evaluator = Evaluator(versions, facts)
    premise_ok = all(_holds(evaluator, node) for node in prop.assumptions)
    claim_ok = _holds(evaluator, prop.claim)
    if not premise_ok or claim_ok:
        raise InternalError(
            f"property {prop.name}: the solver's counterexample does not replay in the evaluator "
            f"(premise {premise_ok}, claim {claim_ok}); case {facts}. This is a lexproof bug."
        )
    return _witness(statute, evaluator, versions, facts, _focus([*prop.assumptions, prop.claim]))


def _holds(evaluator: Evaluator, node: ir.Node) -> bool:
    try:
        return bool(evaluator.eval(node, None, None))
    except Undefined:
        return False


def _witness(statute, evaluator: Evaluator, versions, facts, focus) -> Witness:
    outcomes = {
        (slot, case): Outcomes(evaluator, statute.decisions, case, slot) for slot in versions for case in facts
    }
    if len(versions) == 2:
        # Show the intermediate decisions that changed too: that is where the cause lies.
        (first, second) = list(versions)
        for case in facts:
            for name in statute.decisions:
                a, b = outcomes[(first, case)][name], outcomes[(second, case)][name]
                if name not in focus and (a.status, a.value) != (b.status, b.value):
                    focus = (*focus, name)
    return Witness(statute, facts, {slot: v.label for slot, v in versions.items()}, outcomes, focus,
                   dates={slot: v.date for slot, v in versions.items()})


def _sample_proof(statute, prop: PropertyInfo, versions, cases) -> None:
    """Oracle 3: a proved property must also hold on random cases. Cheap insurance."""
    rng = random.Random(zlib.crc32(prop.name.encode()))
    for _ in range(SAMPLES_AFTER_PROOF):
        facts = {case: random_case(statute, rng, tuple(versions.values())) for case in cases}
        if prop.cases and prop.differing_only_in is not None:
            a, b = prop.cases
            for name in statute.facts:
                if name not in prop.differing_only_in:
                    facts[b][name] = facts[a][name]
            for kind in statute.top_kinds():  # the same items, as the encoding ties them
                if not _named_among(statute, kind, prop.differing_only_in):
                    facts[b][kind] = facts[a][kind]
        if prop.cases and prop.adding is not None:
            facts = _plus_one_item(statute, prop, facts, rng, tuple(versions.values()))
        evaluator = Evaluator(versions, facts)
        if all(_holds(evaluator, n) for n in prop.assumptions) and not _holds(evaluator, prop.claim):
            raise InternalError(
                f"property {prop.name} was proved but fails on the sampled case {facts}. This is a lexproof bug."
            )


def _plus_one_item(statute, prop: PropertyInfo, facts: dict, rng: random.Random, versions) -> dict:
    """The sampled pair as ``a, b adding one K`` has it: b is a, plus one random item of K last."""
    import copy

    from lexproof.verifier.sampling import random_items

    a, b = prop.cases
    kind = prop.adding
    first = copy.deepcopy(facts[a])
    first[kind] = first[kind][: statute.kinds[kind].maximum - 1]  # room for one more
    second = copy.deepcopy(first)
    extra = []
    while not extra:
        extra = random_items(statute, kind, rng, versions)
    second[kind] = second[kind] + extra[:1]
    return {a: first, b: second}


def _articles(encoder: Encoder, core: list[z3.ExprRef]) -> list[str]:
    """Core literals as what a lawyer cites: rules by article, parameters with their value,
    lemmas as 'X is always decided'."""
    texts: list[str] = []
    for literal in core:
        name = str(literal)
        if not name.startswith("track!"):
            continue
        tracker: Tracker = encoder.tracker_of(literal)
        text = describe_tracker(encoder, tracker)
        if text and text not in texts:
            texts.append(text)
    return _sorted_basis(texts)


def _sorted_basis(texts) -> list[str]:
    """Citations first (alphabetically), lemma notes last."""
    return sorted(texts, key=lambda t: (t.endswith("(checked separately)"), t))


def _explain_unsat(result: Result, encoder: Encoder, solver: z3.Solver, goals: list, lead: str,
                   joiner: str, when_empty: str) -> list[z3.ExprRef]:
    """What an unsat answer (a proof, a vacuous premise, an empty query) rests on; the core."""
    core = minimal_core(solver, list(solver.unsat_core()), goals)
    _explain_basis(result, _articles(encoder, core), lead, joiner, when_empty)
    result.details["rests_on"] = rested_articles(encoder, core)
    return core


def ruling_out(encoder: Encoder, core: list[z3.ExprRef]) -> list[str]:
    """The rules and parameter values of a core in the statute's own words, each with its
    citation: 'art. 1 lid 1 S: rule a [art. 1 lid 1]: d = true if x < grens', 'art. 2 S:
    grens = 50'. A query with no case shows them: they are what rules every case out."""
    from lexproof.dsl.source import source_text

    lines: list[str] = []
    for literal in core:
        if not str(literal).startswith("track!"):
            continue
        tracker: Tracker = encoder.tracker_of(literal)
        if tracker.kind == "rule" and tracker.rule is not None:
            text = f"{cite(encoder.statute, tracker.rule.citation)}: {source_text(tracker.rule.span, limit=200)}"
        else:
            text = describe_tracker(encoder, tracker)
        if text and text not in lines:
            lines.append(text)
    return sorted(lines)


def rested_articles(encoder: Encoder, core: list[z3.ExprRef]) -> list[str]:
    """The articles a core rests on, one entry per article (lid and item dropped: 'art. 6
    AVG' for every rule of art. 6 lid 1 sub a-f), for the short human output; the full list is
    ``details.basis``. Lemmas and entries without a citation are left out (they are in it)."""
    statute = encoder.statute
    labels: set[str] = set()
    for literal in core:
        if not str(literal).startswith("track!"):
            continue
        tracker: Tracker = encoder.tracker_of(literal)
        if tracker.kind == "rule" and tracker.rule is not None:
            citation = tracker.rule.citation
        elif tracker.kind == "parameter":
            citation = statute.parameters[tracker.name].citation
        elif tracker.kind == "default":
            citation = tracker.citation
        else:
            continue
        label = article_of(statute, citation)
        if label:
            labels.add(label)
    return sorted(labels)


def _explain_basis(result: Result, basis: list[str], lead: str, joiner: str, when_empty: str) -> None:
    """The basis of an unsat answer: citations in ``articles``, everything incl. lemma notes
    in ``details.basis``, and the message."""
    result.articles, lemmas = _split_basis(basis)
    result.details = {"basis": basis, "lemmas": lemmas}
    result.message = lead + (joiner + ", ".join(basis) if basis else when_empty)


def _split_basis(basis: list[str]) -> tuple[list[str], list[str]]:
    """(articles, lemmas): citations for the ``articles`` field, lemma notes apart."""
    lemmas = [b for b in basis if b.endswith("(checked separately)")]
    return [b for b in basis if b not in lemmas], lemmas


def describe_tracker(encoder: Encoder, tracker: Tracker) -> str | None:
    statute = encoder.statute
    if tracker.kind == "rule" and tracker.rule is not None:
        return f"{cite(statute, tracker.rule.citation)} (rule {tracker.rule.name})"
    if tracker.kind == "parameter":
        version = encoder.versions[tracker.slot]
        info = statute.parameters[tracker.name]
        value = format_value(version.parameters[tracker.name], info.type)
        where = f"{cite(statute, info.citation)}: " if info.citation else ""
        return f"{where}{tracker.name} = {value}"
    if tracker.kind == "lemma":
        return f"{tracker.name} is always decided (checked separately)"
    if tracker.kind == "default":
        where = cite(statute, tracker.citation)
        return f"{where + ': ' if where else ''}{tracker.name} otherwise"
    return None


# --- examples ---------------------------------------------------------------------------------


def run_example(statute: StatuteModel, example: ExampleInfo, default_date: dt.date) -> list[Result]:
    """One result per version the example names; 'passed' or 'failed' with what differed."""
    results = []
    specs = example.versions or (ast.VersionSpec("on", default_date),)
    for spec in specs:
        version = resolve_spec(statute, spec)
        _example_fits(statute, example, version)
        evaluator = Evaluator({None: version}, {None: example.case})
        mismatches = []
        for name, (expected, _span) in example.expected.items():
            outcome = _example_outcome(evaluator, example, version, name)
            type_ = statute.decision_info(_decision_part(name)).type
            tolerance = example.tolerances.get(name)
            if not outcome.defined or not _matches(outcome.value, expected, tolerance):
                got = format_value(outcome.value, type_) if outcome.defined else outcome.status
                within = f" ± {format_value(tolerance, type_)}" if tolerance is not None else ""
                mismatches.append(f"{name}: expected {format_value(expected, type_)}{within}, got {got}")
        witness = _witness(statute, evaluator, {None: version}, {None: example.case}, tuple(example.expected))
        result = Result(
            "example", example.name, "failed" if mismatches else "passed", example.span,
            message="; ".join(mismatches) if mismatches else "every expected outcome matches",
            articles=witness.deciding_articles(), witnesses=[witness], statute=statute.name,
            version=version.label,
        )
        results.append(result)
    return results


def _decision_part(name: str) -> str:
    """``kind[2].d`` -> ``d``; a case decision's name as it is."""
    return name.rsplit(".", 1)[-1]


def _matches(actual: object, expected: object, tolerance: object | None) -> bool:
    """An example's expected value matches exactly, or within ``± tolerance`` (inclusive)."""
    if tolerance is None:
        return actual == expected
    return abs(actual - expected) <= tolerance  # type: ignore[operator]


def _example_fits(statute: StatuteModel, example: ExampleInfo, version: Version) -> None:
    """An example reads only what its version has (amendments may add facts, decisions and
    enum values): else bad input, as on load for the versions it names (``lexproof.dsl.growth``)."""
    from lexproof.dsl.growth import example_problems

    problems = example_problems(statute, example, version)
    if problems:
        raise LexproofError(problems)


def _example_outcome(evaluator: Evaluator, example: ExampleInfo, version: Version, decision: str) -> DecisionOutcome:
    """The outcome of an expected decision. An example on a date its statute does not cover
    (a parameter without a value then) is bad input, in ``test`` and ``check`` alike: the
    diagnostic at the parameter gets a note at the example."""
    try:
        if "[" in decision:  # kind[2].d: the decision per item of that item
            from lexproof.dsl import items
            from lexproof.dsl.check_examples import item_path

            path, name = item_path(decision)  # type: ignore[misc]
            return evaluator.decision(name, items.ItemContext(None, path))
        return evaluator.decision(decision)
    except LexproofError as error:
        note = (example.span, f"in example '{example.name}', which runs in {version.label}")
        raise LexproofError([
            Diagnostic(d.span, d.message, d.severity, (*d.notes, note)) for d in error.diagnostics
        ]) from None


# --- queries ----------------------------------------------------------------------------------


@fewer_gc_passes
def run_query(
    statute: StatuteModel, condition: ir.Node, version: Version, budget: Budget, max_cases: int = 1
) -> Result:
    """'Is there a case such that ...?': up to ``max_cases`` cases that differ in how the rules
    that explain the answer apply, or a proof (with its articles) that none exists."""
    encoder = Encoder(statute, {None: version})
    goal = encoder.formula(condition)
    for name in statute.decisions:
        if version.has_decision(name):  # amendments the version lacks may add some
            encoder.decision(name)
    solver = new_solver(encoder, budget, minimize_cores=True)
    want = z3.Bool("goal!query", encoder.ctx)
    solver.add(z3.Implies(want, goal))
    trackers = encoder.assumptions()
    result = Result("query", "query", "unknown", condition.span, statute=statute.name, version=version.label)
    witnesses: list[Witness] = []
    earlier: list[z3.BoolRef] = []  # literals that switch on "unlike the cases shown so far"
    gave_up = False  # the solver ran out of budget before max_cases cases were found
    while len(witnesses) < max_cases:
        status = check(solver, *trackers, want, *earlier)
        if status == "unknown":
            result.message = "the solver ran out of budget (raise --timeout); nothing is established"
            gave_up = True
            break
        if status == "unsat":
            if not witnesses:
                result.status = "unsatisfiable"
                core = _explain_unsat(result, encoder, solver, [want], "no case satisfies the query",
                                      "; this rests on ", "")
                result.details["ruled_out_by"] = ruling_out(encoder, core)
            break
        model = solver.model()
        if not witnesses:
            model = readable_model(encoder, [goal], budget, model)
        facts = read_cases(encoder, model)
        evaluator = Evaluator({None: version}, facts)
        if not _holds(evaluator, condition):
            raise InternalError(f"query case {facts} does not satisfy the query in the evaluator")
        witness = _witness(statute, evaluator, {None: version}, facts, _focus([condition]))
        witnesses.append(witness)
        # Next: never this case, and a case where the rules that explain the answer (those of
        # the query's decisions and of the decisions their deciding rules or failing conditions
        # read: Witness.explained) have other statuses. Blocking every rule of the statute let
        # two cases differ only in a rule the answer does not depend on.
        same_case = [
            encoder.fact_term(name, None) == encoder.const(statute.facts[name].type, facts[None][name])
            for name in encoder.declared_facts(None)
        ] + _same_items(encoder, facts[None])
        # The statuses in the case as shown (its don't-care facts may differ from the model's).
        shown_status = check(solver, *trackers, *same_case)
        if shown_status == "unsat":
            raise InternalError(f"query case {facts} is not a model of the statute's encoding")
        if shown_status == "unknown":
            # Cannot tell the next case apart from this one: stop looking.
            gave_up = len(witnesses) < max_cases
            break
        shown = solver.model()
        explaining = [term for name in witness.explained(None, None) for term in _rule_statuses(encoder, version, name)]
        explaining += _item_rule_statuses(encoder, version)
        pattern = [term == shown.eval(term, model_completion=True) for term in explaining]
        unlike = z3.Bool(f"goal!unlike!{len(witnesses)}", encoder.ctx)
        solver.add(z3.Implies(unlike, z3.And(z3.Not(z3.And(pattern + [encoder.true])),
                                              z3.Not(z3.And(same_case + [encoder.true])))))
        earlier.append(unlike)
    if witnesses:
        result.status = "satisfiable"
        result.witnesses = witnesses
        result.articles = sorted({a for w in witnesses for a in w.deciding_articles()})
        result.message = f"{len(witnesses)} case(s) found"
        if gave_up:
            # Fewer cases than asked for reads as "there are no others": say it is not known.
            result.message += "; the solver ran out of budget looking for more (raise --timeout)"
            result.details["complete"] = False
    return result


def _same_items(encoder: Encoder, case: dict) -> list[z3.BoolRef]:
    """The items of the case as shown: every count and every item fact the encoding reads (a
    next case that differs only in its children is another case)."""
    from lexproof.dsl import items

    def holder(context: object) -> dict | None:
        current = case
        for kind, index in items.path_of(context):
            listed = current.get(kind) or []
            if index >= len(listed):
                return None
            current = listed[index]
        return current

    same = []
    for (parent, kind), term in list(encoder.counts.items()):
        if items.base_case(parent) is None and holder(parent) is not None:
            same.append(term == len(holder(parent).get(kind) or []))  # type: ignore[union-attr]
    for (context, name), term in list(encoder.facts.items()):
        if isinstance(context, items.ItemContext) and context.case is None:
            item = holder(context)
            if item is not None and name in item:
                same.append(term == encoder.const(encoder.statute.item_facts[name].type, item[name]))
    return same


def _item_rule_statuses(encoder: Encoder, version: Version) -> list[z3.BoolRef]:
    """The statuses of the rules of decisions per item, at every item the encoding holds, each
    guarded by 'the item is there' (a slot beyond the count is no part of the case: without the
    guard, two models differing only there would pass for different cases)."""
    from lexproof.dsl import items

    terms: list[z3.BoolRef] = []
    for (rule_name, context, slot), (fires, _, _, condition_defined) in list(encoder.rule_terms.items()):
        if slot is not None or not isinstance(context, items.ItemContext) or context.case is not None:
            continue
        guards = []
        for depth, (kind, index) in enumerate(context.path):
            parent = items.ItemContext(None, context.path[:depth]) if depth else None
            count = encoder.counts.get((parent, kind))
            if count is None:
                break
            guards.append(count > index)
        else:
            rule = version.rule(rule_name)
            if rule is None:
                continue
            holds = encoder.true if rule.condition is None else encoder.node(rule.condition, context, None)[0]
            present = z3.And(guards)
            terms += [z3.And(present, condition_defined), z3.And(present, condition_defined, holds),
                      z3.And(present, condition_defined, fires)]
    return terms


def _rule_statuses(encoder: Encoder, version: Version, decision: str) -> list[z3.BoolRef]:
    """What the evaluator sees of each rule of a decision: condition defined, condition true,
    rule applies (so 'not applicable' and 'overridden' are different statuses). (A fire literal
    alone is free when its condition is undefined, so blocking it alone let the same case come
    back.)"""
    terms: list[z3.BoolRef] = []
    for rule in version.rules_of(decision):
        fires, _, _, condition_defined = encoder.rule_terms[(rule.name, None, None)]
        holds = encoder.true if rule.condition is None else encoder.node(rule.condition, None, None)[0]
        terms += [condition_defined, z3.And(condition_defined, holds), z3.And(condition_defined, fires)]
    return terms


def default_version(statute: StatuteModel, date: dt.date, amendment: str | None) -> Version:
    """The version the CLI means by --date and --amendment."""
    if amendment is None:
        return version_on(statute, date)
    from lexproof.dsl.xref import find_amendment

    info = find_amendment(statute, amendment)  # its own, or one of a statute it uses
    if info is None:
        from lexproof.dsl.diagnostics import Diagnostic, LexproofError
        from lexproof.dsl.source import Span

        raise LexproofError(Diagnostic(
            Span("<command line>", 1, 1, 1, 1),
            f"amendment '{amendment}' amends neither {statute.name} nor a statute it uses",
        ))
    return version_on(statute, max(date, info.in_force), include=(amendment,))
