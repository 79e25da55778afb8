"""The Z3 encoding of consolidated versions: quantifier-free, exact, definitional.

Every case's facts are constants with their domain (ranges, enum indices, money in whole
cents, dates within 0001-01-01..9999-12-31); every expression becomes a pair (value, defined)
mirroring ``dsl/evaluator.py`` operator by operator. Each decision of each (case, version slot)
gets auxiliary constants defined by equations over the inputs, so nothing is free: a proof
about a decision is a proof about its rules. Each rule's defining equations are guarded by a tracking literal, so an
unsat core names the rules (and parameter values) a proof rests on.
"""

from __future__ import annotations

import functools
import gc
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

import z3

from lexproof.dsl import ir, items
from lexproof.dsl.consolidate import Version
from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.ir import Type
from lexproof.dsl.model import FactInfo, RuleInfo, StatuteModel, TableInfo
from lexproof.dsl.typing import ROUNDING_OPS, is_constant, is_piecewise_constant, product_factors
from lexproof.dsl.values import FIRST_DAY, LAST_DAY
from lexproof.verifier import calendar_terms
from lexproof.verifier.sharing import Cones

Term = z3.ExprRef
Pair = tuple[Term, Term]  # (value, defined)
GC_THRESHOLD = 10_000  # allocations between collections of the youngest generation (Python's default: 700)
_Result = TypeVar("_Result")


def fewer_gc_passes(function: Callable[..., _Result]) -> Callable[..., _Result]:
    """Run ``function`` with Python's cyclic garbage collector started every 10,000 allocations
    instead of every 700, then restore the setting.

    z3py makes a Python object for every term, so an encoding allocates hundreds of thousands
    of them while the loaded statute and the terms already built stay alive; at the default
    threshold the collector rescans all of that again and again. Measured: encoding 3,000 rules
    0.85 -> 0.67 s. Nothing is leaked: collections still run, only less often."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        before = gc.get_threshold()
        if before[0] >= GC_THRESHOLD:
            return function(*args, **kwargs)
        gc.set_threshold(GC_THRESHOLD, *before[1:])
        try:
            return function(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return wrapper


# What a constraint belongs to: ("decision", name, case, slot), ("fact", case, name) or
# ("param", name, slot); None outside any decision (a property's own formulas).
Owner = tuple | None


# Building terms through z3py's generic And/Or/If costs more than solving them (each argument
# is re-cast and coerced). These builders call the C API directly on terms whose sorts the
# type checker already guarantees, which keeps term construction cheaper than solving.
def mk_and(ctx: z3.Context, terms: list[Term]) -> Term:
    if not terms:
        return z3.BoolVal(True, ctx)
    if len(terms) == 1:
        return terms[0]
    array, size = z3.z3._to_ast_array(terms)
    return z3.BoolRef(z3.z3core.Z3_mk_and(ctx.ref(), size, array), ctx)


def mk_or(ctx: z3.Context, terms: list[Term]) -> Term:
    if not terms:
        return z3.BoolVal(False, ctx)
    if len(terms) == 1:
        return terms[0]
    array, size = z3.z3._to_ast_array(terms)
    return z3.BoolRef(z3.z3core.Z3_mk_or(ctx.ref(), size, array), ctx)


def mk_not(ctx: z3.Context, term: Term) -> Term:
    return z3.BoolRef(z3.z3core.Z3_mk_not(ctx.ref(), term.as_ast()), ctx)


def mk_implies(ctx: z3.Context, a: Term, b: Term) -> Term:
    return z3.BoolRef(z3.z3core.Z3_mk_implies(ctx.ref(), a.as_ast(), b.as_ast()), ctx)


def _same_sort(ctx: z3.Context, a: Term, b: Term) -> bool:
    """``a.sort() == b.sort()`` without two z3py sort objects (each a reference count taken
    and dropped): z3 shares one node per sort, so equal sorts are the same pointer, which is
    what ``Z3_is_eq_sort`` compares. Asked for every equality and if-then-else built."""
    if type(a) is z3.BoolRef and type(b) is z3.BoolRef:  # z3py gives this class to Boolean terms only
        return True
    ref = ctx.ref()
    return bool(z3.z3core.Z3_get_sort(ref, a.as_ast()).value == z3.z3core.Z3_get_sort(ref, b.as_ast()).value)


def mk_eq(ctx: z3.Context, a: Term, b: Term) -> Term:
    if not _same_sort(ctx, a, b):
        return a == b  # int/real mix: let z3py insert the conversion
    return z3.BoolRef(z3.z3core.Z3_mk_eq(ctx.ref(), a.as_ast(), b.as_ast()), ctx)


def mk_if(ctx: z3.Context, c: Term, a: Term, b: Term) -> Term:
    if not _same_sort(ctx, a, b):
        return z3.If(c, a, b)
    return _wrapped(ctx, z3.z3core.Z3_mk_ite(ctx.ref(), c.as_ast(), a.as_ast(), b.as_ast()), a)


def mk_const(ctx: z3.Context, name: str, sort: z3.SortRef) -> Term:
    """A named constant; z3.Const/z3.Bool re-check and re-wrap their arguments on every call."""
    symbol = z3.z3core.Z3_mk_string_symbol(ctx.ref(), name)
    ast = z3.z3core.Z3_mk_const(ctx.ref(), symbol, sort.ast)
    if isinstance(sort, z3.BoolSortRef):
        return z3.BoolRef(ast, ctx)
    if isinstance(sort, z3.ArithSortRef):
        return z3.ArithRef(ast, ctx)
    return z3.z3._to_expr_ref(ast, ctx)


def _wrapped(ctx: z3.Context, ast: z3.Ast, like: Term) -> Term:
    """The z3py object for a new term (not a numeral) of the sort of ``like``: the class
    z3py's ``_to_expr_ref`` would pick, without its three C calls to find it out. Building
    the encoding made 200,000 constants and 50,000 if-then-elses at 3,000 rules, and that
    lookup was a tenth of it (docs/performance.md, session 17); the terms are the same."""
    if type(like) is z3.BoolRef:  # exactly: a quantifier's class derives from it, a lambda's sort is not Boolean
        return z3.BoolRef(ast, ctx)
    if isinstance(like, z3.ArithRef) and z3.z3core.Z3_get_ast_kind(ctx.ref(), ast) != z3.Z3_NUMERAL_AST:
        return z3.ArithRef(ast, ctx)
    return z3.z3._to_expr_ref(ast, ctx)


def _terms(args: tuple) -> list[Term]:
    return list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)


def _AND(*args) -> Term:  # noqa: N802 - reads like the connective it builds
    terms = _terms(args)
    return mk_and(terms[0].ctx, terms)


def _OR(*args) -> Term:  # noqa: N802
    terms = _terms(args)
    return mk_or(terms[0].ctx, terms)


def _NOT(term: Term) -> Term:  # noqa: N802
    return mk_not(term.ctx, term)


def _IMPLIES(a: Term, b: Term) -> Term:  # noqa: N802
    return mk_implies(a.ctx, a, b)


def _IF(c: Term, a: Term, b: Term) -> Term:  # noqa: N802
    return mk_if(c.ctx, c, a, b)


def _EQ(a: Term, b: Term) -> Term:  # noqa: N802
    return mk_eq(a.ctx, a, b)


@dataclass(frozen=True)
class Tracker:
    """What a tracking literal stands for, so a core can be explained in legal terms."""

    kind: str  # rule, parameter, default
    name: str
    slot: str | None
    rule: RuleInfo | None = None
    citation: object | None = None


class Encoder:
    """Encodes one statute's decisions for the given version slots and cases in one context."""

    def __init__(
        self,
        statute: StatuteModel,
        versions: dict[str | None, Version],
        cases: tuple[str | None, ...] = (None,),
        ctx: z3.Context | None = None,
        periods: dict[str | None, tuple[int, int]] | None = None,
    ) -> None:
        self.statute = statute
        # A version slot that stands for a period of days (the built-in checks: every date
        # between two changes of the law has the same rules and parameter values) reads the
        # peildatum as an unknown day within it; other slots read the version's own date.
        self.periods = periods or {}
        self.peildatum_terms: dict[str | None, Term] = {}
        self.versions = versions
        self.cases = cases
        self.ctx = ctx or z3.Context()
        self.true = z3.BoolVal(True, self.ctx)
        self.false = z3.BoolVal(False, self.ctx)
        self.domain: list[Term] = []  # hard constraints: the facts' domains
        self.definitions: list[Term] = []  # untracked structural definitions
        self.tracked: dict[str, tuple[Term, list[Term], Tracker]] = {}  # literal name -> (lit, lit => constraint..., what)
        self.facts: dict[tuple[str | None, str], Term] = {}
        self.fact_raw: dict[tuple[str | None, str], Term] = {}
        self._decisions: dict[tuple[str, str | None, str | None], Pair] = {}
        self.rule_terms: dict[tuple[str, str | None, str | None], tuple[Term, Term, Term, Term]] = {}
        self._params: dict[tuple[str, str | None], Term] = {}
        self._memo: dict[tuple[int, str | None, str | None], tuple[Pair, Owner]] = {}
        self._keep_alive: list[ir.Node] = []
        self._tied: dict[str, tuple[str | None, str | None]] = {}  # fact -> two cases it is equal in
        self._pair: tuple[str | None, str | None] | None = None  # the two cases of a two-case property
        self._tied_items: tuple[str | None, str | None, frozenset[str]] | None = None  # cases with equal items
        self._added: tuple[str | None, str | None, str] | None = None  # (a, b, kind): b is a plus one item
        self.counts: dict[tuple[object, str], Term] = {}  # (context, kind) -> its number of items
        self.sealed = False  # set once a solver holds hard_constraints(): no new domains after that
        # Who owns which constraint and reads whom, so that one encoder can serve many
        # decisions with a solver each holding only its decision's cone (see ``focus``).
        self._owners: list[Owner] = [None]  # the decision being encoded, innermost last
        self._reads: dict[Owner, dict[Owner, None]] = {}  # ordered (not a set): the cone's order, and so z3's models, must not vary between runs
        self._owned: dict[Owner, list[tuple[Term | None, Term]]] = {}  # (tracking literal or None, constraint under it)
        self._focus: tuple[list[Owner], set[tuple[str | None, str]]] | None = None  # (cone, its facts)
        self._consts: dict[tuple[Type, object], Term] = {}
        self._sorts = {"bool": z3.BoolSort(self.ctx), "real": z3.RealSort(self.ctx), "int": z3.IntSort(self.ctx)}
        self.calendar = calendar_terms.Calendar(
            self._define_calendar, self._read_calendar, lambda: not self._cannot_constrain()
        )
        self._bit_names = itertools.count()  # fresh bits of bounded factors (``_expand``)
        self._bit_cache: dict[tuple, tuple[list[Term], Owner]] = {}  # (term id, low, high, q) -> bits, owner
        self._ranges: dict[tuple, object] = {}  # (kind, node id, slot) -> _whole / _finite_values
        self._splits: dict[tuple, tuple[Term, Term, Term]] = {}  # ``_split``: (term id, values, other id, real) -> terms
        self.cones = Cones(statute, versions)  # which decisions two cases or versions share (``_home``)

    # --- sorts and constants ---
    def sort(self, type_: Type) -> z3.SortRef:
        if type_.kind == "bool":
            return self._sorts["bool"]
        if type_.is_rational:
            return self._sorts["real"]
        return self._sorts["int"]

    def _bool(self, name: str) -> Term:
        return mk_const(self.ctx, name, self._sorts["bool"])

    def const(self, type_: Type, value: object) -> Term:
        """A literal of the type (memoized: z3py spends ~25 µs making a numeral)."""
        key = (type_, value)
        term = self._consts.get(key)
        if term is None:
            term = self._consts[key] = self._make_const(type_, value)
        return term

    def _make_const(self, type_: Type, value: object) -> Term:
        kind = type_.kind
        if kind == "bool":
            return z3.BoolVal(bool(value), self.ctx)
        if kind == "enum":
            return z3.IntVal(self.statute.enums[type_.enum].index(value), self.ctx)  # type: ignore[arg-type]
        if type_.is_rational:
            fraction = Fraction(value)  # type: ignore[arg-type]
            # RealVal parses "n/d" directly; z3.Q simplifies twice and prints on the way.
            return z3.RealVal(f"{fraction.numerator}/{fraction.denominator}", self.ctx)
        return z3.IntVal(int(value), self.ctx)  # type: ignore[arg-type]

    def decode(self, type_: Type, term: Term) -> object:
        """A model value back to the evaluator's representation."""
        kind = type_.kind
        if kind == "bool":
            return z3.is_true(term)
        if kind == "enum":
            return self.statute.enums[type_.enum][term.as_long()]  # type: ignore[attr-defined,index]
        if type_.is_rational:
            if z3.is_int_value(term):
                return Fraction(_integer(term))
            return Fraction(_integer(term.numerator()), _integer(term.denominator()))  # type: ignore[attr-defined]
        return _integer(term)

    def _name(self, *parts: object) -> str:
        return "!".join("_" if p is None else str(p) for p in parts)

    def _declare_fact(self, fact: FactInfo, case: str | None) -> None:
        """Declare a fact of a case with its domain, on first use.

        Facts are declared lazily: a decision's encoding mentions only the facts it reads, and
        declaring every fact of a 10,000-rule statute for every decision checked was half of the
        encoding time. A fact nobody reads is unconstrained by the rules; its domain is never
        empty (the checker rejects empty ranges), so leaving it out changes no answer, and
        ``read_cases`` shows it at its typical value."""
        if self.sealed:
            from lexproof.verifier.errors import InternalError

            raise InternalError(f"fact {fact.name} first read after a solver was built: its domain would be missing")
        name = self._name("fact", case, fact.name)
        owner = ("fact", case, fact.name)
        kind = fact.type.kind
        if kind == "money":
            cents = z3.Int(name + "!cents", self.ctx)
            term: Term = z3.ToReal(cents) / 100
            raw: Term = cents
            scale = 100
        else:
            term = raw = z3.Const(name, self.sort(fact.type))
            scale = 1
        if kind == "date":  # only representable dates: every case can be shown and evaluated
            self._add_domain(owner, raw >= FIRST_DAY)
            self._add_domain(owner, raw <= LAST_DAY)
        if kind == "enum":
            self._add_domain(owner, raw >= 0)
            self._add_domain(owner, self._enum_domain(fact.type.enum or "", raw))
        if fact.low is not None:
            self._add_domain(owner, raw >= self._scaled(fact.low, scale, kind))
        if fact.high is not None:
            self._add_domain(owner, raw <= self._scaled(fact.high, scale, kind))
        self.facts[(case, fact.name)] = term
        self.fact_raw[(case, fact.name)] = raw
        twin = self._twin(case, fact.name)
        if twin is not None and (twin, fact.name) not in self.fact_raw:
            # The second case's fact is this very term (``_fact_home``): every reader of the
            # encoder (declared_facts, read_items, the readable model) finds it under both.
            self.facts[(twin, fact.name)] = term
            self.fact_raw[(twin, fact.name)] = raw

    def _enum_domain(self, enum: str, raw: Term) -> Term:
        """The values of ``enum`` a case may have: those every version slot has (an amendment
        may add values; a case with one is outside the law of the versions without it)."""
        values = self.statute.enums[enum]
        allowed = [i for i, value in enumerate(values)
                   if all(value in version.enum_values(enum) for version in self.versions.values())]
        if allowed == list(range(len(allowed))):
            return raw < len(allowed)
        return _OR(*[raw == i for i in allowed])

    def _scaled(self, value: object, scale: int, kind: str) -> Term:
        if kind in ("rate", "number"):
            fraction = Fraction(value)  # type: ignore[arg-type]
            # RealVal parses "n/d" directly; z3.Q simplifies twice and prints on the way.
            return z3.RealVal(f"{fraction.numerator}/{fraction.denominator}", self.ctx)
        return z3.IntVal(int(Fraction(value) * scale), self.ctx)  # type: ignore[arg-type]

    def _add_domain(self, owner: Owner, constraint: Term) -> None:
        self.domain.append(constraint)
        self._owned.setdefault(owner, []).append((None, constraint))

    def _define_calendar(self, constraints: list[Term]) -> int:
        """Hard constraints that take one date apart, under an owner of their own (so that a
        decision's cone holds the decompositions it reads)."""
        key = len(self._owned)
        while ("calendar", key) in self._owned:
            key += 1
        for constraint in constraints:
            self._add_domain(("calendar", key), constraint)
        return key

    def _read_calendar(self, keys: tuple[int, ...]) -> None:
        for key in keys:
            self._read(("calendar", key))

    def fact_term(self, name: str, case: str | None) -> Term:
        """The fact's value for the case (euros for money), declared on first use."""
        home = self._fact_home(name, case)
        self._read(("fact", home, name))
        if (home, name) not in self.facts:
            self._declare_fact(self.statute.fact_info(name), home)
        return self.facts[(home, name)]

    def raw_fact(self, name: str, case: str | None) -> Term:
        """The fact's underlying constant (whole cents for money), declared on first use."""
        home = self._fact_home(name, case)
        self._read(("fact", home, name))
        if (home, name) not in self.fact_raw:
            self._declare_fact(self.statute.fact_info(name), home)
        return self.fact_raw[(home, name)]

    def declared_facts(self, case: str | None) -> list[str]:
        """The facts of a case that some encoded expression reads (in the focused decision's
        cone, if any), in statute order."""
        if self._focus is not None:
            return [name for name in self.statute.facts if (case, name) in self._focus[1]]
        return [name for name in self.statute.facts if (case, name) in self.facts]

    # --- ownership: one encoder, a solver per decision ---
    def _read(self, owner: Owner) -> None:
        """The encoding under way reads ``owner`` (a fact, parameter or decision)."""
        current = self._owners[-1]
        if current is not None and current != owner:
            self._reads.setdefault(current, {})[owner] = None

    def focus(self, name: str, case: str | None = None, slot: str | None = None) -> Pair:
        """Encode a decision (if not yet) and narrow ``hard_constraints``, ``assumptions`` and
        ``declared_facts`` to its cone: its own constraints and those of every decision,
        fact and parameter it reads, transitively.

        The built-in checks use one encoder per version this way: a decision that many others
        read is encoded once (per-decision encoders re-encoded it in every cone: 1.9
        encodings per decision at 3,000 rules), and each decision's solver still holds only
        its cone. A solver holding more would be just as sound, only slower."""
        result = self.decision(name, case, slot)
        home, home_slot = self._home(name, case, slot)  # a decision shared by two cases lives at its home
        self.focus_owners([("decision", name, home, home_slot)])
        return result

    def focus_owners(self, roots: list[Owner]) -> None:
        """As ``focus``, for several roots encoded already (a decision per item at every slot,
        and the counts of items that say which slots hold one): the union of their cones."""
        cone: list[Owner] = []
        seen: set[Owner] = set(roots)
        todo = list(roots)
        while todo:
            owner = todo.pop()
            cone.append(owner)
            for other in self._reads.get(owner, ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        facts = {(o[1], o[2]) for o in cone if o is not None and o[0] == "fact"}
        self._focus = (cone, facts)

    # --- tracking ---
    def _track(self, key: str, constraint: Term, tracker: Tracker) -> None:
        """Guard ``constraint`` by the literal ``track!key``.

        A key names what a proof's basis cites: a rule (name and citation), a decision's
        default, a parameter with its value, a lemma. Not the case or version slot: one literal
        stands for "this article" in both cases of a two-case property and in both versions of
        a before/after one, so a minimal core is minimal in the articles it cites (per-slot
        literals let a core cite an article in one slot whose presence in the other made
        another entry superfluous), and a core minimization has fewer literals to try."""
        if key not in self.tracked:
            self.tracked[key] = (self._bool("track!" + key), [], tracker)
        literal, guarded, _ = self.tracked[key]
        guarded.append(_IMPLIES(literal, constraint))  # built once, asserted by every solver that needs it
        owner = ("param", tracker.name, tracker.slot) if tracker.kind == "parameter" else self._owners[-1]
        self._owned.setdefault(owner, []).append((literal, guarded[-1]))

    def track_lemma(self, decision: str, case: str | None, slot: str | None, fact: Term) -> None:
        """A proved fact about a decision (e.g. it is always decided), tracked like a rule."""
        self._track(self._name("lemma", decision), fact, Tracker("lemma", decision, slot))

    def assumptions(self) -> list[Term]:
        """The tracking literals (of the focused cone, if any)."""
        if self._focus is not None:
            literals = {}
            for owner in self._focus[0]:
                for literal, _ in self._owned.get(owner, ()):
                    if literal is not None:
                        literals[literal.get_id()] = literal
            return list(literals.values())
        return [literal for literal, _, _ in self.tracked.values()]

    def tracked_constraints(self) -> list[Term]:
        """Each tracked constraint as 'literal implies constraint'."""
        return [guarded for _, constraints, _ in self.tracked.values() for guarded in constraints]

    def tracker_of(self, literal: Term) -> Tracker:
        return self.tracked[str(literal).removeprefix("track!")][2]

    def hard_constraints(self) -> list[Term]:
        """Every constraint (of the focused cone, if any), tracked ones under their literal."""
        if self._focus is not None:
            return [constraint for owner in self._focus[0] for _, constraint in self._owned.get(owner, ())]
        return self.domain + self.definitions + self.tracked_constraints()

    # --- parameters ---
    def param(self, name: str, slot: str | None, span) -> Term:
        key = (name, slot)
        self._read(("param", name, slot))
        if key not in self._params:
            version = self.versions[slot]
            if name not in version.parameters:
                raise LexproofError(Diagnostic(span, f"parameter {name} has no value in {version.label}"))
            info = self.statute.parameters[name]
            # Named by its value, not its slot: two versions with the same value share the
            # term, so everything built on it (the bits of min(uren, max_uren), a rounding) is
            # one term in both, and a diff or a two-version property need not find it equal.
            var = mk_const(self.ctx, self._name("param", name, version.parameters[name]), self.sort(info.type))
            value = self.const(info.type, version.parameters[name])
            self._track(
                self._name("parameter", name, version.parameters[name]),
                _EQ(var, value),
                Tracker("parameter", name, slot, citation=info.citation),
            )
            self._params[key] = var
        return self._params[key]

    # --- the peildatum ---
    def peildatum(self, slot: str | None) -> Term:
        """The date of the version in ``slot``: a numeral, or, for a slot that stands for a
        period (``periods``), a day constant bounded to that period."""
        period = self.periods.get(slot)
        if period is None or period[0] == period[1]:
            day = self.versions[slot].date.toordinal() if period is None else period[0]
            return self.const(Type("date"), day)
        owner = ("peildatum", slot)
        self._read(owner)
        if slot not in self.peildatum_terms:
            term = mk_const(self.ctx, self._name("peildatum", slot), self._sorts["int"])
            self._add_domain(owner, term >= period[0])
            self._add_domain(owner, term <= period[1])
            self.peildatum_terms[slot] = term
        return self.peildatum_terms[slot]

    # --- decisions ---
    def decision(self, name: str, case: str | None = None, slot: str | None = None) -> Pair:
        case, slot = self._home(name, case, slot)  # type: ignore[assignment]
        key = (name, case, slot)
        owner = ("decision", name, case, slot)
        self._read(owner)
        if key in self._decisions:
            return self._decisions[key]
        info = self.statute.decision_info(name)
        value = mk_const(self.ctx, self._name("dec", case, slot, name), self.sort(info.type))
        defined = self._bool(self._name("def", case, slot, name))
        self._decisions[key] = (value, defined)  # before the body: the checker rules out cycles
        version = self.versions[slot]
        rules = version.rules_of(name)
        self._owners.append(owner)
        try:
            chosen, ok = self.decision_body(name, rules, case, slot, shared=True)
        finally:
            self._owners.pop()
        for definition in (_EQ(value, chosen), _EQ(defined, ok)):
            self.definitions.append(definition)
            self._owned.setdefault(owner, []).append((None, definition))
        return value, defined

    def decision_body(
        self, name: str, rules: tuple[RuleInfo, ...], case: str | None, slot: str | None, shared: bool
    ) -> Pair:
        """(value, defined) of a decision decided by ``rules``. With ``shared`` the rules' fire
        literals are tracked constants (the real decision); without, fresh inline terms (a
        variant used by the redundancy check, e.g. the decision without one rule)."""
        info = self.statute.decision_info(name)
        names = {rule.name for rule in rules}
        overriders = {rule.name: [] for rule in rules}
        for rule in rules:
            for target in rule.exceptions:
                if target in overriders:
                    overriders[target].append(rule.name)
        cond: dict[str, Pair] = {}
        val: dict[str, Pair] = {}
        fire: dict[str, Term] = {}
        for rule in rules:
            cond[rule.name] = (
                (self.true, self.true) if rule.condition is None else self.node(rule.condition, case, slot)
            )
            val[rule.name] = self.node(rule.value, case, slot)
            if shared:
                fire[rule.name] = self._bool(self._name("fires", case, slot, rule.name))
        if not shared:
            order = _topological(rules, overriders)
            for rule_name in order:
                fire[rule_name] = _AND(
                    cond[rule_name][0], _NOT(_OR([fire[o] for o in overriders[rule_name]] + [self.false]))
                )
        value_vars: dict[str, Term] = {}
        value_defs: dict[str, Term] = {}
        cond_defs: dict[str, Term] = {}
        for rule in rules:
            if shared:
                tracker = Tracker("rule", rule.name, slot, rule=rule, citation=rule.citation)
                key = self._name("rule", rule.name, rule.citation)
                rv = mk_const(self.ctx, self._name("ruleval", case, slot, rule.name), self.sort(info.type))
                rd = self._bool(self._name("ruledef", case, slot, rule.name))
                cd = self._bool(self._name("conddef", case, slot, rule.name))
                blocked = [fire[o] for o in overriders[rule.name] if o in names]
                self._track(key, _EQ(fire[rule.name], _AND(cond[rule.name][0], _NOT(_OR(blocked + [self.false])))), tracker)
                self._track(key, _EQ(rv, val[rule.name][0]), tracker)
                self._track(key, _EQ(rd, val[rule.name][1]), tracker)
                self._track(key, _EQ(cd, cond[rule.name][1]), tracker)
                value_vars[rule.name], value_defs[rule.name], cond_defs[rule.name] = rv, rd, cd
                self.rule_terms[(rule.name, case, slot)] = (fire[rule.name], rv, rd, cd)
            else:
                value_vars[rule.name] = val[rule.name][0]
                value_defs[rule.name] = val[rule.name][1]
                cond_defs[rule.name] = cond[rule.name][1]
        if info.default is not None:
            default_value, default_defined = self.node(info.default, case, slot)
            if shared:
                dv = mk_const(self.ctx, self._name("default", case, slot, name), self.sort(info.type))
                self._track(
                    self._name("default", name),
                    _EQ(dv, default_value),
                    Tracker("default", name, slot, citation=info.citation),
                )
                default_value = dv
        else:
            default_value, default_defined = self.const(info.type, _zero(info.type, self.statute)), self.false
        chosen: Term = default_value
        for rule in reversed(rules):
            chosen = _IF(fire[rule.name], value_vars[rule.name], chosen)
        any_fires = _OR([fire[r.name] for r in rules] + [self.false])
        conflict = _OR([_AND(fire[r.name], value_vars[r.name] != chosen) for r in rules] + [self.false])
        defined = _AND(
            _AND([cond_defs[r.name] for r in rules] + [self.true]),
            _AND([_IMPLIES(fire[r.name], value_defs[r.name]) for r in rules] + [self.true]),
            _NOT(conflict),
            _OR(any_fires, default_defined),
        )
        return chosen, defined

    # --- expressions ---
    def node(self, node: ir.Node, case: str | None, slot: str | None) -> Pair:
        key = (id(node), case, slot)
        cached = self._memo.get(key)
        owner = self._owners[-1]
        if cached is not None and (cached[1] == owner or owner is None):
            return cached[0]
        # New, or encoded for another decision (a node shared between decisions, such as a
        # table's bounds), whose reads were recorded there: encode it under this one, so its
        # cone holds exactly what the node reads (z3 shares the equal terms).
        pair = self._node(node, case, slot)
        if cached is None:
            self._keep_alive.append(node)  # ids stay unique while the memo lives
        self._memo[key] = (pair, owner)
        return pair

    def _node(self, node: ir.Node, case: str | None, slot: str | None) -> Pair:
        t = self.true
        if isinstance(node, ir.Const):
            return self.const(node.type, node.value), t
        if isinstance(node, ir.FactRef):
            return self.fact_term(node.name, node.case if node.case is not None else items.base_case(case)), t
        if isinstance(node, ir.DecisionRef):
            return self.decision(
                node.name,
                node.case if node.case is not None else items.base_case(case),
                node.version if node.version is not None else slot,
            )
        if isinstance(node, ir.ParamRef):
            return self.param(node.name, node.version if node.version is not None else slot, node.span), t
        if isinstance(node, ir.TableRef):
            return self._table(node, case, slot)
        if isinstance(node, ir.Peildatum):
            return self.peildatum(node.version if node.version is not None else slot), t
        if isinstance(node, ir.ItemFactRef):
            return self.fact_term(node.name, items.narrow(case, node.kind)), t
        if isinstance(node, ir.ItemDecisionRef):
            return self.decision(node.name, items.narrow(case, node.kind), slot)
        if isinstance(node, ir.Aggregate):
            return self._aggregate(node, case, slot)
        if isinstance(node, ir.Rank):
            return self._rank(node, case, slot)
        return self._op(node, case, slot)

    # --- repeated items: bounded unrolling (docs/language.md, "Repeated items") ---
    def count_term(self, parent: object, kind: str) -> Term:
        """How many items of ``kind`` the context ``parent`` holds: an integer 0..maximum. The
        maximum slots of the kind exist regardless; slot i is an item when i < count."""
        home = self._count_home(parent, kind)
        owner = ("count", home, kind)
        self._read(owner)
        key = (home, kind)
        term = self.counts.get(key)
        if term is None:
            if self.sealed:
                from lexproof.verifier.errors import InternalError

                raise InternalError(f"count of {kind} first read after a solver was built")
            term = self.counts[key] = mk_const(self.ctx, self._name("count", home, kind), self._sorts["int"])
            self._add_domain(owner, term >= 0)
            self._add_domain(owner, term <= self.statute.kinds[kind].maximum)
            if self._added is not None and home == self._added[1] and kind == self._added[2]:
                # 'adding one kind': b holds one more of the kind than a
                self._add_domain(owner, term == self.count_term(self._added[0], kind) + 1)
        twin = self._twin(home, kind, count=True)
        if twin is not None:  # read_items finds the second case's count under its own place too
            self.counts.setdefault((twin, kind), term)
        return term

    # --- two cases that share facts: one term for what they share ---
    def tie_cases(self, first: str | None, second: str | None, facts: list[str]) -> None:
        """The two cases have equal values for these facts (``differing only in``): the
        second case reads the first case's own term for each (``_fact_home``), so everything
        built on equal facts is one term, not two the solver must prove equal (section 12 of
        docs/language.md). A fact declared in both before the tie gets an equality."""
        self._pair = (first, second)
        for name in facts:
            self._tied[name] = (first, second)
            if (first, name) in self.fact_raw and (second, name) in self.fact_raw:
                self._add_domain(("fact", second, name), self.fact_raw[(first, name)] == self.fact_raw[(second, name)])

    def tie_items(self, first: str | None, second: str | None, kinds: list[str]) -> None:
        """The two cases hold the same items of these (outermost) kinds, with the same facts
        (``differing only in`` names neither them nor their facts): counts and item facts are
        one term in both (``_count_home``, ``_fact_home``)."""
        self._pair = (first, second)
        self._tied_items = (first, second, frozenset(kinds))

    def add_one_item(self, first: str | None, second: str | None, kind: str) -> None:
        """``a, b adding one kind``: b holds a's items of ``kind`` (the same facts and nested
        items) and one more, listed last, with any facts.

        Every slot of the kind is one term in both cases, also the slots a does not hold: a
        slot at or beyond a's count is read by nothing of a (aggregates and ``rank`` look at
        present items only), so giving it the facts of b's new item, or of b's empty slots,
        loses no pair of cases and adds none. Only the count of the kind differs."""
        self._pair = (first, second)
        self._added = (first, second, kind)

    def _top_shared(self, kind: str) -> bool:
        """Whether the items of ``kind`` (an outermost kind) are one term in both cases."""
        if self._added is not None and kind == self._added[2]:
            return True
        return self._tied_items is not None and kind in self._tied_items[2]

    def _in_first(self, context: object) -> object:
        """The same place in the first case."""
        first = self._pair[0]  # type: ignore[index]
        path = items.path_of(context)
        return items.ItemContext(first, path) if path else first

    def _shared_place(self, context: object, name: str, count: bool = False) -> bool:
        """Whether the fact ``name`` (or, with ``count``, the count of kind ``name``) at
        ``context`` of the second case is the first case's."""
        path = items.path_of(context)
        if path:
            return self._top_shared(path[0][0])
        if count:  # the count of an outermost kind
            return (self._tied_items is not None and name in self._tied_items[2]) and not (
                self._added is not None and name == self._added[2])
        return self._tied.get(name) == self._pair

    def _fact_home(self, name: str, context: object) -> object:
        """Where the fact ``name`` of ``context`` is declared: the first case's place when the
        second case shares it, else ``context`` itself (also for a fact declared before a tie)."""
        if self._pair is None or items.base_case(context) != self._pair[1] or not self._shared_place(context, name):
            return context
        return _unless_own(self.fact_raw, context, self._in_first(context), name)

    def _count_home(self, parent: object, kind: str) -> object:
        if self._pair is None or items.base_case(parent) != self._pair[1] or not self._shared_place(parent, kind, count=True):
            return parent
        return _unless_own(self.counts, parent, self._in_first(parent), kind)

    def _twin(self, context: object, name: str, count: bool = False) -> object | None:
        """The second case's place that shares the first case's ``context`` (for a fact or a
        count), or None."""
        if self._pair is None or items.base_case(context) != self._pair[0] or self._pair[0] == self._pair[1]:
            return None
        second = self._pair[1]
        path = items.path_of(context)
        place = items.ItemContext(second, path) if path else second
        return place if self._shared_place(place, name, count) else None

    def _case_home(self, name: str, context: object, slot: str | None) -> object:
        """Where the decision ``name`` of ``context`` is encoded: in the first case when the
        second case shares everything it reads (``Cones.reads``), so both cases' products,
        roundings and rank are one term."""
        if self._pair is None or items.base_case(context) != self._pair[1]:
            return context
        path = items.path_of(context)
        if path and not self._top_shared(path[0][0]):
            return context
        for what, which in self.cones.reads(name, slot):
            if what == "fact" and self._tied.get(which) != self._pair:
                return context
            if what in ("item", "count") and not self._kind_shared(which, what == "count"):
                return context
            if what not in ("fact", "item", "count"):
                return context
        return self._in_first(context)

    def _kind_shared(self, kind: str, count: bool) -> bool:
        """Whether the facts (or, with ``count``, the counts) of the items of ``kind`` are one
        term in both cases, at every place."""
        chain = self.statute.kind_chain(kind)
        if count and len(chain) == 1:
            return self._shared_place(self._pair[1], kind, count=True)  # type: ignore[index]
        return self._top_shared(chain[0])

    def _slot_home(self, name: str, slot: str | None) -> str | None:
        """The first version slot that decides ``name`` exactly as ``slot`` does (``Cones.same``),
        so that the law before and after an amendment shares what the amendment leaves alone."""
        if len(self.versions) < 2 or self.periods:
            return slot
        for other in self.versions:
            if other == slot:
                return slot
            if self.cones.same(name, other, slot):
                return other
        return slot

    def _home(self, name: str, case: object, slot: str | None) -> tuple[object, str | None]:
        """The (case, slot) whose encoding of the decision ``name`` serves (case, slot)."""
        slot = self._slot_home(name, slot)
        return self._case_home(name, case, slot), slot

    def _slots(self, kind: str, context: object) -> list[tuple[object, Term]]:
        """(item context, 'the slot holds an item') for each slot of ``kind`` in ``context``."""
        parent = items.narrow(context, self.statute.kinds[kind].parent)
        count = self.count_term(parent, kind)
        return [(items.child(parent, kind, index), count > index) for index in range(self.statute.kinds[kind].maximum)]

    def _aggregate(self, node: ir.Aggregate, context: object, slot: str | None) -> Pair:
        """sum/count: the sum of the included slots' values; all/any: a conjunction/disjunction;
        min/max: a running choice over the slots, undefined without an included item. Defined
        when every present slot's filter is, and its value where the filter holds (as the
        evaluator, which evaluates each item's filter, then its value)."""
        body, where = node.args
        included: list[tuple[Term, Term]] = []
        defined: list[Term] = []
        for item, present in self._slots(node.kind, context):
            w, w_def = self.node(where, item, slot)
            v, v_def = self.node(body, item, slot)
            inside = _AND(present, w)
            included.append((inside, v))
            if not (w_def is self.true and v_def is self.true):
                defined.append(_IMPLIES(present, _AND(w_def, _IMPLIES(w, v_def))))
        ok = _AND(defined + [self.true])
        op = node.op
        if op in ("sum", "count"):
            zero = self.const(node.type, 0)
            parts = [_IF(inside, self._real(v) if node.type.is_rational else v, zero) for inside, v in included]
            return (z3.Sum(parts) if parts else zero), ok
        if op == "all":
            return _AND([_IMPLIES(inside, v) for inside, v in included] + [self.true]), ok
        if op == "any":
            return _OR([_AND(inside, v) for inside, v in included] + [self.false]), ok
        best: Term = self.const(node.type, 0)
        found: Term = self.false
        for inside, v in included:
            v = self._real(v) if node.type.is_rational else v
            better = v < best if op == "min" else v > best
            best = _IF(_AND(inside, _OR(_NOT(found), better)), v, best)
            found = _OR(found, inside)
        return best, _AND(ok, found)

    def _rank(self, node: ir.Rank, context: object, slot: str | None) -> Pair:
        """1 + the present siblings ahead of the current item: earlier ones with at least its
        value, later ones with more (most first; of equal values the one listed first)."""
        here = items.narrow(context, node.kind)
        mine = items.path_of(here)[-1][1]
        slots = self._slots(node.kind, here)
        keys = [self.node(node.args[0], sibling, slot) for sibling, _ in slots]
        key = keys[mine][0]
        one, zero = self.const(Type("int"), 1), self.const(Type("int"), 0)
        ahead = []
        defined = [keys[mine][1]]
        for j, ((_, present), (other, other_def)) in enumerate(zip(slots, keys)):
            if j == mine:
                continue
            beats = other >= key if j < mine else other > key
            ahead.append(_IF(_AND(present, beats), one, zero))
            if other_def is not self.true:
                defined.append(_IMPLIES(present, other_def))
        return one + z3.Sum(ahead) if ahead else one, _AND(defined)

    def _table(self, node: ir.TableRef, case: str | None, slot: str | None) -> Pair:
        table_slot = node.version if node.version is not None else slot
        table = self.versions[table_slot].table(node.name)  # with rows amendments add
        x, x_def = self.node(node.arg, case, slot)
        bounds = [self._real(self.node(b, case, table_slot)[0]) for b in table.bounds]
        values = [self.node(v, case, table_slot)[0] for v in table.values]
        x = self._real(x) if table.input.kind != "date" else x
        if table.input.kind == "date":
            bounds = [self.node(b, case, table_slot)[0] for b in table.bounds]
        last = len(bounds) - 1
        defined = x_def if table.has_above else _AND(x_def, _in_row(x, bounds[-1], table.is_exclusive(last)))
        if not table.marginal:
            return self._rows(x, bounds, table, values), defined
        zero = z3.RealVal(0, self.ctx)
        parts = []
        lower: Term = zero
        for bound, rate in zip(bounds, values):
            portion = _IF(x < bound, x, bound) - lower
            parts.append(self._real(rate) * _IF(portion > 0, portion, zero))
            lower = bound
        if table.has_above:
            portion = x - lower
            parts.append(self._real(values[-1]) * _IF(portion > 0, portion, zero))
        return z3.Sum(parts), defined

    def _real(self, term: Term) -> Term:
        return z3.ToReal(term) if z3.is_int(term) else term

    def _op(self, node: ir.Op, case: str | None, slot: str | None) -> Pair:
        op = node.op
        if op == "*":
            return self._product(node, case, slot)
        pairs = [self.node(arg, case, slot) for arg in node.args]
        values = [p[0] for p in pairs]
        defs = [p[1] for p in pairs]
        # Most subterms are always defined (facts, constants, parameters: ``self.true`` itself);
        # then so is the result, and building And(true, ...) for every node would be waste.
        always = all(d is self.true for d in defs)
        if op == "and":
            (a, da), (b, db) = pairs
            return _AND(a, b), self.true if always else _AND(da, _OR(_NOT(a), db))
        if op == "or":
            (a, da), (b, db) = pairs
            return _OR(a, b), self.true if always else _AND(da, _OR(a, db))
        if op == "implies":
            (a, da), (b, db) = pairs
            return _IMPLIES(a, b), self.true if always else _AND(da, _OR(_NOT(a), db))
        if op == "ite":
            (c, dc), (a, da), (b, db) = pairs
            if node.type.is_rational:
                a, b = self._real(a), self._real(b)
            return _IF(c, a, b), self.true if always else _AND(dc, _IF(c, da, db))
        strict = self.true if always else _AND(defs) if len(defs) > 1 else defs[0]
        if node.type.is_rational or (op in ("=", "!=", "<", "<=", ">", ">=", "in") and _mixed(node)):
            values = [self._real(v) if _numeric_arg(arg) else v for v, arg in zip(values, node.args)]
        if op == "not":
            return _NOT(values[0]), strict
        if op == "in":
            return _OR([values[0] == item for item in values[1:]]), strict
        if op == "=":
            return values[0] == values[1], strict
        if op == "!=":
            return values[0] != values[1], strict
        if op == "<":
            return values[0] < values[1], strict
        if op == "<=":
            return values[0] <= values[1], strict
        if op == ">":
            return values[0] > values[1], strict
        if op == ">=":
            return values[0] >= values[1], strict
        if op in ("+", "-"):
            result = values[0] + values[1] if op == "+" else values[0] - values[1]
            if node.type.kind == "date":  # as the evaluator: a date outside the range is undefined
                return result, _AND(strict, result >= FIRST_DAY, result <= LAST_DAY)
            return result, strict
        if op == "/":
            numerator, divisor = self._real(values[0]), self._real(values[1])
            return numerator / divisor, _AND(strict, divisor != 0)
        if op == "neg":
            return -values[0], strict
        if op in ROUNDING_OPS:
            return self._round(op, node, values[0]), strict
        if op in _DATE_OPS:
            return self._date_op(op, values, strict)
        if op in ("min", "max"):
            result = values[0]
            for value in values[1:]:
                result = _IF(value < result if op == "min" else value > result, value, result)
            return result, strict
        raise AssertionError(f"unknown operator {op}")

    def _date_op(self, op: str, values: list[Term], strict: Term) -> Pair:
        """A calendar function as exact integer terms (``verifier/calendar_terms.py``), defined
        when its operands are and, for a date it makes, when that date is representable (as the
        evaluator's ``dsl/datecalc.py``). With numerals only (the peildatum, literal dates), the
        terms are folded to a numeral, so that a product with them stays linear."""
        calendar = self.calendar
        if op == "year_start":
            result, ok = calendar.year_start(values[0], (values[1].as_long(), values[2].as_long()))
        elif op in ("add_months", "first_day_of_next_month"):
            result, ok = getattr(calendar, op)(*values)
        elif op in ("year", "month", "day"):
            result, ok = getattr(calendar.civil(values[0]), op), None
        else:
            result, ok = getattr(calendar, op)(*values), None
        if all(z3.is_int_value(value) for value in values):
            result = z3.simplify(result)
            ok = None if ok is None else z3.simplify(ok)
        if ok is None:
            return result, strict
        if node_type_is_date(op):
            ok = _AND(ok, result >= FIRST_DAY, result <= LAST_DAY)
        return result, _AND(strict, ok)

    def _round(self, op: str, node: ir.Op, value: Term) -> Term:
        """``value`` rounded to a whole multiple of the unit (a positive numeral), exactly as the
        evaluator's ``round_to``: ToInt is the floor of a real, so up is minus the floor of
        minus, and a half away from zero is the floor of |x| + 1/2 with the sign put back. Linear:
        the unit is a numeral."""
        unit = node.args[1]
        assert isinstance(unit, ir.Const)
        step = Fraction(unit.value)  # type: ignore[arg-type]
        steps = self._real(value) / self.const(ir.RATE, step)
        half = self.const(ir.RATE, Fraction(1, 2))
        if op == "round_down":
            whole = self._floor(steps)
        elif op == "round_up":
            whole = -self._floor(-steps)
        else:
            positive = steps >= 0
            nearest = self._floor(_IF(positive, steps, -steps) + half)  # one floor, not one per sign
            whole = _IF(positive, nearest, -nearest)
        if node.type.kind == "int":
            return whole * self.const(ir.INT, int(step))
        return z3.ToReal(whole) * self.const(ir.RATE, step)

    def _floor(self, real: Term) -> Term:
        """The floor of a real term: z3's ToInt, with its defining bounds k <= x < k + 1 also
        stated up front, for the owner of the encoding under way (they hold for every x, so no
        case is removed). z3 adds ToInt's axioms lazily; stated eagerly, 50 chapters of the
        kinderopvang formula (benchmarks, phase arith) took 13 s of CPU with every question
        answered, against 17 s and 4 'unknown' with ToInt alone. A fresh integer instead of
        ToInt was faster still there, but lost the monotonicity ToInt gives (more hours never
        give less: proved with ToInt, unknown at 150 s without)."""
        if self._cannot_constrain():
            return z3.ToInt(real)
        whole = z3.ToInt(real)
        low = z3.ToReal(whole)
        self._add_domain(self._owners[-1], _AND(low <= real, real < low + 1))
        return whole

    # --- products ---
    def _product(self, node: ir.Op, case: str | None, slot: str | None) -> Pair:
        """A chain of ``*``, linear wherever the law allows: constants scale, a piecewise
        constant factor (a flat table, an ``if`` between constants) is pushed into its pieces,
        a bounded whole number (an int or money with a range, ``min(uren, 230)``) is expanded
        into bits (``_expand``). Only two or more other factors are left as a nonlinear product
        (the checker warns; the solver may then answer 'unknown')."""
        factors = product_factors(node)
        pairs = [self.node(factor, case, slot) for factor in factors]
        defs = [defined for _, defined in pairs]
        strict = self.true if all(d is self.true for d in defs) else _AND(defs)
        constants: list[tuple[ir.Node, Term]] = []
        pieces: list[ir.Node] = []
        bounded: list[tuple[Term, tuple[Fraction, Fraction, int], bool]] = []
        free: list[Term] = []
        choices: list[tuple[Term, list[Fraction]]] = []
        others: list[tuple[ir.Node, Term]] = []
        for factor, (term, _) in zip(factors, pairs):
            if is_constant(factor):
                constants.append((factor, term))
            elif is_piecewise_constant(factor, self.statute):
                pieces.append(factor)
            else:
                others.append((factor, term))
        if len(others) == 1:  # linear as it is: one unknown times constants and pieces
            free.append(others[0][1])
            others = []
        for factor, term in others:
            if (values := self._finite_values(factor, slot)) is not None:
                choices.append((term, values))
                continue
            found = None if self._cannot_constrain() else self._whole_range(factor, case, slot)
            if found is None:
                free.append(term)
            else:
                bounded.append((term, found, factor.type.kind in ("rate", "number")))
        if not free:  # a rate (a percentage) stays the coefficient of the amounts' bits
            rates = [b for b in bounded if b[2]]
            if rates:
                narrowest = min(rates, key=lambda b: ((b[1][1] - b[1][0]) * b[1][2], b[0].get_id()))
                bounded.remove(narrowest)
                free = [narrowest[0]]
        combined = self._combine([(term, found) for term, found, _ in bounded])
        if free:
            core = free[0]
            for term in free[1:]:
                core = self._scale(core, term)  # nonlinear: two unknowns
            if combined is not None:
                core = self._expand(combined[0], combined[1], core)
        elif combined is not None:
            core = combined[0]
        elif constants:
            core = constants.pop(0)[1]
        else:
            core = self.const(node.type, 1)
        for factor, constant in constants:
            core = self._times_constant(factor, constant, core, slot)
        for term, values in choices:
            core = self._split(term, values, core)
        for factor in pieces:
            core = self._distribute(factor, core, case, slot)
        return (self._real(core) if node.type.is_rational else core), strict

    FINITE_LIMIT = 32  # values of a factor split on (``_split``); more are expanded into bits

    def _finite_values(self, node: ir.Node, slot: str | None) -> list[Fraction] | None:
        """The few constants a factor can be in this version (a decision whose rules give a
        table's percentage or an ``if`` between parameters), or None: beyond ``FINITE_LIMIT``,
        or anything else. Memoized like ``_whole``."""
        key = ("finite", id(node), slot)
        if key not in self._ranges:
            self._keep_alive.append(node)
            self._ranges[key] = self._finite_uncached(node, slot)
        return self._ranges[key]

    def _finite_uncached(self, node: ir.Node, slot: str | None) -> list[Fraction] | None:
        if isinstance(node, ir.Const):
            return [Fraction(node.value)] if node.type.is_numeric else None  # type: ignore[arg-type]
        if isinstance(node, ir.ParamRef):
            version = self.versions[node.version if node.version is not None else slot]
            if not node.type.is_numeric or node.name not in version.parameters:
                return None
            return [Fraction(version.parameters[node.name])]  # type: ignore[arg-type]
        if isinstance(node, ir.TableRef):
            table_slot = node.version if node.version is not None else slot
            table = self.versions[table_slot].table(node.name)
            if table.marginal or not node.type.is_numeric:
                return None
            return self._union([self._finite_values(value, table_slot) for value in table.values])
        if isinstance(node, ir.DecisionRef):
            decision_slot = node.version if node.version is not None else slot
            info = self.statute.decisions[node.name]
            if not info.type.is_numeric:
                return None
            values = [rule.value for rule in self.versions[decision_slot].rules_of(node.name)]
            values.append(info.default if info.default is not None else ir.Const(info.type, 0))
            return self._union([self._finite_values(value, decision_slot) for value in values])
        if isinstance(node, ir.Op) and node.op == "ite":
            return self._union([self._finite_values(branch, slot) for branch in node.args[1:]])
        if isinstance(node, ir.Op) and node.op == "neg":
            inner = self._finite_values(node.args[0], slot)
            return None if inner is None else sorted({-v for v in inner})
        if isinstance(node, ir.Op) and node.op in _FINITE_OPS:
            return self._finite_combined(node, slot)
        return None

    def _finite_combined(self, node: ir.Op, slot: str | None) -> list[Fraction] | None:
        """The values of ``a + b``, ``a * b``, ``min(a, b)``... over every combination of its
        operands' values (``per_kind * 2``, ``max_dag - max_bso``: one each), within the limit."""
        parts = [self._finite_values(arg, slot) for arg in node.args]
        if any(part is None for part in parts) or math.prod(len(p) for p in parts) > self.FINITE_LIMIT:  # type: ignore[arg-type]
            return None
        return self._union([[_FINITE_OPS[node.op](combo) for combo in itertools.product(*parts)]])  # type: ignore[arg-type]

    def _union(self, parts: list[list[Fraction] | None]) -> list[Fraction] | None:
        if not parts or any(part is None for part in parts):
            return None
        values = sorted({v for part in parts for v in part})  # type: ignore[union-attr]
        return values if len(values) <= self.FINITE_LIMIT else None

    def _split(self, term: Term, values: list[Fraction], other: Term) -> Term:
        """``term * other`` for a ``term`` that is always one of ``values``: an if-chain over
        the values, each a linear product (as a flat table's lookup is pushed into its rows).
        Outside the values (only if a core minimization dropped a rule's equation) the product
        is a fresh unknown, which only adds cases."""
        real = z3.is_real(term) or z3.is_real(other) or any(v.denominator != 1 for v in values)
        if real:
            term, other = self._real(term), self._real(other)
        key = (term.get_id(), tuple(values), other.get_id(), real)
        known = self._splits.get(key)
        if known is not None:  # the same split again (a parameter in many rows of a table): one term
            return known[2]
        number = (lambda v: self.const(ir.RATE, v)) if real else (lambda v: self.const(ir.INT, int(v)))
        result: Term = mk_const(self.ctx, self._name("product", next(self._bit_names)), other.sort())
        for value in reversed(values):
            result = _IF(_EQ(term, number(value)), number(value) * other, result)
        self._splits[key] = (term, other, result)  # the terms kept alive: their ids stay unique
        return result

    def _combine(self, bounded: list[tuple[Term, tuple[Fraction, Fraction, int]]]):
        """The product of bounded whole factors as one bounded whole term with its range: the
        widest is kept, the others expanded over it, in a fixed order, so that the same factors
        give the same term (and bits) in a decision and in a property's claim. None if none."""
        if not bounded:
            return None
        ordered = sorted(bounded, key=lambda b: ((b[1][1] - b[1][0]) * b[1][2], b[0].get_id()))
        term, (low, high, q) = ordered[-1]
        for other, found in reversed(ordered[:-1]):
            term = self._expand(other, found, term)
            corners = [a * b for a in (low, high) for b in found[:2]]
            low, high, q = min(corners), max(corners), q * found[2]
        return term, (low, high, q)

    def _cannot_constrain(self) -> bool:
        """Whether a new constraint would miss the solver: one is built already (sealed), or a
        decision is focused and the constraint would belong to no decision of its cone."""
        return self.sealed or (self._focus is not None and self._owners[-1] is None)

    def _expand(self, term: Term, found: tuple[Fraction, Fraction, int], other: Term) -> Term:
        """``term * other`` for a ``term`` that is always ``low + k / q`` with a whole ``k`` in
        ``0..n``: ``low * other + (1/q) * sum(2**i * If(b_i, other, 0))`` with fresh bits
        ``b_i`` whose sum is ``k``. Linear, exact, log2(n) bits. The bits' definition holds
        whenever ``term`` lies in its bounds, which the facts' domains guarantee; outside them
        (only if a tracked parameter value were dropped, as core minimization tries) the bits
        are free, which can only add cases, never remove one."""
        low, high, q = found
        steps = int((high - low) * q)
        real = z3.is_real(term) or z3.is_real(other) or q != 1 or low.denominator != 1
        if real:
            term, other = self._real(term), self._real(other)
        number = (lambda v: self.const(ir.RATE, Fraction(v))) if real else (lambda v: self.const(ir.INT, int(v)))
        base = self._scale(number(low), other) if low != 0 else None
        if steps == 0:
            return base if base is not None else number(0) * other
        zero = number(0)
        bits = self._bits(term, low, high, q, steps, real)
        expanded = z3.Sum([number(2**i) * _IF(bit, other, zero) for i, bit in enumerate(bits)])
        if q != 1:
            expanded = expanded * number(Fraction(1, q))
        return expanded if base is None else base + expanded

    def _bits(self, term: Term, low: Fraction, high: Fraction, q: int, steps: int, real: bool) -> list[Term]:
        """The bits of ``(term - low) * q``, made once per term and range (so that every product
        with the same factor shares them, and a claim about a product speaks of the decision's
        own bits), defined for the owner of the encoding under way."""
        key = (term.get_id(), low, high, q)
        cached = self._bit_cache.get(key)
        owner = self._owners[-1]
        if cached is not None and (cached[1] == owner or owner is None):
            return cached[0]
        if cached is not None:
            bits = cached[0]
        else:
            index = next(self._bit_names)
            bits = [self._bool(self._name("bit", index, i)) for i in range(steps.bit_length())]
        number = (lambda v: self.const(ir.RATE, Fraction(v))) if real else (lambda v: self.const(ir.INT, int(v)))
        count = (term - number(low)) * number(q) if q != 1 else term - number(low)
        total = z3.Sum([_IF(bit, number(2**i), number(0)) for i, bit in enumerate(bits)])
        in_bounds = _AND(term >= number(low), term <= number(high))
        self._add_domain(owner, _IMPLIES(in_bounds, _EQ(count, total)))
        self._bit_cache[key] = (bits, owner)
        self._keep_alive.append(term)  # its id stays unique while the cache lives
        return bits

    def _whole_range(self, node: ir.Node, case: str | None, slot: str | None) -> tuple[Fraction, Fraction, int] | None:
        """(low, high, q): ``node`` is always a whole multiple of 1/q between low and high in
        this version, or None. The numbers behind ``lexproof.dsl.typing.is_bounded_whole``."""
        found = self._whole(node, slot)
        if found is None or found[0] is None or found[1] is None:
            return None
        return found  # type: ignore[return-value]

    def _whole(self, node: ir.Node, slot: str | None) -> tuple[Fraction | None, Fraction | None, int] | None:
        """As ``_whole_range``, with None for a side without a bound (``lexproof.dsl.typing.whole_sides``
        says which sides have one; this finds the numbers in the version of ``slot``).
        Memoized: a decision read by many products is looked into once."""
        key = ("whole", id(node), slot)
        if key not in self._ranges:
            self._keep_alive.append(node)
            self._ranges[key] = self._whole_uncached(node, slot)
        return self._ranges[key]

    def _whole_uncached(self, node: ir.Node, slot: str | None) -> tuple[Fraction | None, Fraction | None, int] | None:
        if isinstance(node, ir.Const):
            return _point(node.value) if node.type.is_numeric else None
        if isinstance(node, ir.ParamRef):
            version = self.versions[node.version if node.version is not None else slot]
            if not node.type.is_numeric or node.name not in version.parameters:
                return None
            return _point(version.parameters[node.name])
        if isinstance(node, (ir.FactRef, ir.ItemFactRef)):
            info = self.statute.fact_info(node.name)  # an item's fact is bounded like a case's
            if info.type.kind not in ("int", "money"):
                return None
            low = None if info.low is None else Fraction(info.low)  # type: ignore[arg-type]
            high = None if info.high is None else Fraction(info.high)  # type: ignore[arg-type]
            return low, high, 100 if info.type.kind == "money" else 1
        if isinstance(node, ir.TableRef):
            table_slot = node.version if node.version is not None else slot
            table = self.versions[table_slot].table(node.name)
            if table.marginal or not node.type.is_numeric:
                return None
            return _hull([self._whole(value, table_slot) for value in table.values])
        if isinstance(node, (ir.DecisionRef, ir.ItemDecisionRef)):
            return self._whole_decision(node, slot)
        if not isinstance(node, ir.Op):
            return None
        return self._whole_op(node, slot)

    def _whole_decision(
        self, node: ir.DecisionRef | ir.ItemDecisionRef, slot: str | None
    ) -> tuple[Fraction | None, Fraction | None, int] | None:
        """A decision's value term chooses among its rules' values and its default (0 without
        one: ``decision_body``), so its range is theirs, in its version (a decision per item:
        the same for every item). Each rule's value is tied to the decision by a tracked
        equation; if a core minimization drops one, the bits over the decision are free
        (``_bits``), which only adds cases."""
        own = getattr(node, "version", None)  # an item's decision is read in the reader's version
        decision_slot = own if own is not None else slot
        version = self.versions[decision_slot]
        info = self.statute.decision_info(node.name)
        if not info.type.is_numeric:
            return None
        values = [rule.value for rule in version.rules_of(node.name)]
        values.append(info.default if info.default is not None else ir.Const(info.type, 0))
        return _hull([self._whole(value, decision_slot) for value in values])

    def _whole_op(self, node: ir.Op, slot: str | None) -> tuple[Fraction | None, Fraction | None, int] | None:
        op = node.op
        if op in ROUNDING_OPS:
            inner = self._whole(node.args[0], slot)
            unit = Fraction(node.args[1].value)  # type: ignore[union-attr,arg-type]
            if inner is None:
                return None
            down = None if inner[0] is None else math.floor(inner[0] / unit) * unit
            up = None if inner[1] is None else math.ceil(inner[1] / unit) * unit
            return down, up, unit.denominator
        args = node.args[1:] if op == "ite" else node.args
        found = [self._whole(arg, slot) for arg in args]
        if not found or any(f is None for f in found):
            return None
        lows = [f[0] for f in found]  # type: ignore[index]
        highs = [f[1] for f in found]  # type: ignore[index]
        q = math.lcm(*(f[2] for f in found))  # type: ignore[index]
        if op == "ite":
            return _hull(found)
        if op == "min":
            known = [h for h in highs if h is not None]
            return _all(min, lows), (min(known) if known else None), q
        if op == "max":
            known = [low for low in lows if low is not None]
            return (max(known) if known else None), _all(max, highs), q
        if op == "neg":
            return _negated(highs[0]), _negated(lows[0]), q
        if op == "+":
            return _all(sum, lows), _all(sum, highs), q
        if op == "-":
            return _all(sum, [lows[0], _negated(highs[1])]), _all(sum, [highs[0], _negated(lows[1])]), q
        if op == "*" and None not in lows + highs:
            corners = [a * b for a in (lows[0], highs[0]) for b in (lows[1], highs[1])]
            return min(corners), max(corners), found[0][2] * found[1][2]  # type: ignore[index]
        return None

    def _distribute(self, factor: ir.Node, other: Term, case: str | None, slot: str | None) -> Term:
        """``factor * other`` for a piecewise-constant factor, as an if-chain of linear products
        (a product of two unknowns would leave linear arithmetic)."""
        if is_constant(factor):
            return self._times_constant(factor, self.node(factor, case, slot)[0], other, slot)
        if isinstance(factor, ir.Op) and factor.op == "ite":
            condition = self.node(factor.args[0], case, slot)[0]
            return _IF(condition, self._distribute(factor.args[1], other, case, slot),
                       self._distribute(factor.args[2], other, case, slot))
        if isinstance(factor, ir.Op) and factor.op == "neg":
            return -self._distribute(factor.args[0], other, case, slot)
        assert isinstance(factor, ir.TableRef)
        table_slot = factor.version if factor.version is not None else slot
        table = self.versions[table_slot].table(factor.name)  # with rows amendments add
        x = self.node(factor.arg, case, slot)[0]
        x = self._real(x) if table.input.kind != "date" else x
        bounds = [self.node(b, case, table_slot)[0] for b in table.bounds]
        if table.input.kind != "date":
            bounds = [self._real(b) for b in bounds]
        products = [self._times_constant(v, self.node(v, case, table_slot)[0], other, table_slot) for v in table.values]
        return self._rows(x, bounds, table, products)

    def _rows(self, x: Term, bounds: list[Term], table: TableInfo, results: list[Term]) -> Term:
        """A flat table's lookup of ``x`` as an if-chain over its rows, ``results`` one per row
        (and one more for ``above``). Consecutive rows with the same result are one test: the
        chain's value is the same (a row whose bound is a numeral below the next tested row's
        bound is caught by that test too; beyond the last row the chain gives the ``above``
        result, or, without one, the lookup is undefined whatever its value), and the solver
        has fewer row tests to split on: the 2026 Bijlage I has 69 rows and 32 distinct
        percentages in its first column, so a comparison of two amounts through it (two
        households, or the law before and after a change) is cheaper."""
        last = len(bounds) - 1
        result = results[-1] if table.has_above else results[last]
        # The chain's first result and its row's bound (None: the fallback, no test). A row is
        # never merged into the fallback: a lookup with no test left (every row alike) made z3
        # take over 100 s on a generated statute it decided in 6 s (tests/test_soundness.py).
        head: tuple[Term, Term | None] = (result, None)
        for row in range(last, -1, -1):
            value, bound = results[row], bounds[row]
            if head[1] is not None and value.eq(head[0]) and _numerals_ascending(bound, head[1]):
                continue
            result = _IF(_in_row(x, bound, table.is_exclusive(row)), value, result)
            head = (value, bound)
        return result

    def _times_constant(self, factor: ir.Node, constant: Term, other: Term, slot: str | None) -> Term:
        """``constant * other`` for a factor without facts or decisions. A parameter is an
        unknown tied to its value by a tracked equation (so that a proof can say it rests on
        it), so ``per_kind * kinderen`` would be a product of two unknowns: nonlinear, which
        brings in z3's nonlinear solver for the whole question (50 chapters of the
        kinderopvang formula spent most of their time there). Split on the parameter's value
        in this version instead (``_split``): linear, and still free if the equation is
        dropped."""
        if numeral(z3.simplify(constant)) is not None:
            return self._scale(constant, other)
        values = self._finite_values(factor, slot)
        if values is None:
            return self._scale(constant, other)  # nonlinear: the checker warned
        return self._split(constant, values, other)

    def _scale(self, constant: Term, other: Term) -> Term:
        if z3.is_real(constant) or z3.is_real(other):
            return self._real(constant) * self._real(other)
        return constant * other

    def formula(self, node: ir.Node, case: str | None = None, slot: str | None = None) -> Term:
        """A boolean node as 'defined and true'."""
        value, defined = self.node(node, case, slot)
        return _AND(defined, value)


_FINITE_OPS: dict[str, Callable[[tuple[Fraction, ...]], Fraction]] = {
    "+": lambda values: values[0] + values[1],
    "-": lambda values: values[0] - values[1],
    "*": math.prod,  # type: ignore[dict-item]
    "min": min,
    "max": max,
}


def _unless_own(terms: dict, place: object, home: object, name: str) -> object:
    """``home``, unless ``place`` has a term of its own (declared before the two cases were
    tied, and tied by an equality then): ``place``."""
    own = terms.get((place, name))
    if own is None:
        return home
    shared = terms.get((home, name))
    return home if shared is not None and shared.eq(own) else place


def numeral(term: Term) -> Fraction | None:
    """The exact value of an int or rational numeral of a model (None for anything else), at
    any length (see ``_integer``)."""
    if z3.is_int_value(term):
        return Fraction(_integer(term))
    if z3.is_rational_value(term):
        return Fraction(_integer(term.numerator()), _integer(term.denominator()))  # type: ignore[attr-defined]
    return None


def _point(value: object) -> tuple[Fraction, Fraction, int]:
    """The range of a constant: itself, in steps of one over its denominator."""
    fraction = Fraction(value)  # type: ignore[arg-type]
    return fraction, fraction, fraction.denominator


def _hull(ranges: list) -> tuple[Fraction | None, Fraction | None, int] | None:
    """The smallest range holding each of ``ranges`` (None if any is unknown; a side is None
    when one of them has no bound there)."""
    if not ranges or any(r is None for r in ranges):
        return None
    return _all(min, [r[0] for r in ranges]), _all(max, [r[1] for r in ranges]), math.lcm(*(r[2] for r in ranges))


def _all(function: Callable, values: list) -> Fraction | None:
    """``function(values)``, or None (no bound) when one of them is None."""
    return None if any(v is None for v in values) else function(values)


def _negated(value: Fraction | None) -> Fraction | None:
    return None if value is None else -value


def _numerals_ascending(lower: Term, upper: Term) -> bool:
    """Whether both bounds are numerals and ``lower < upper``: then an input in the lower row
    (``up to`` or ``below``) is in the upper one too."""
    low, high = numeral(z3.simplify(lower)), numeral(z3.simplify(upper))
    return low is not None and high is not None and low < high


def _in_row(x: Term, bound: Term, exclusive: bool) -> Term:
    """As the evaluator's ``_in_row``: ``below`` excludes the bound, ``up to`` includes it."""
    return x < bound if exclusive else x <= bound


# The calendar functions, by the method of ``calendar_terms.Calendar`` (or part of a date) that
# encodes each.
_DATE_OPS = frozenset({
    "year", "month", "day", "add_months", "years_between", "months_between",
    "first_day_of_month", "first_day_of_next_month", "year_start",
})


def node_type_is_date(op: str) -> bool:
    """Whether a calendar function makes a date (which must then be representable)."""
    return op in ("add_months", "first_day_of_next_month", "year_start")


def _integer(term: Term) -> int:
    """An integer numeral's value. z3py's ``as_long`` goes through ``int(str)``, which Python
    refuses beyond 4,300 digits; a product of short literals in a statute gets there."""
    text = term.as_string()  # type: ignore[attr-defined]
    negative = text.startswith("-")
    value = _digits_value(text.lstrip("-"))
    return -value if negative else value


def _digits_value(digits: str) -> int:
    """``int(digits)`` for any length, by halves (subquadratic, and under Python's limit)."""
    if len(digits) <= 2000:
        return int(digits)
    low = len(digits) // 2
    return _digits_value(digits[:-low]) * 10**low + _digits_value(digits[-low:])


def _numeric_arg(node: ir.Node) -> bool:
    return node.type.is_numeric


def _mixed(node: ir.Op) -> bool:
    return any(arg.type.is_rational for arg in node.args)


def _zero(type_: Type, statute: StatuteModel) -> object:
    if type_.kind == "bool":
        return False
    if type_.kind == "enum":
        return statute.enums[type_.enum][0]  # type: ignore[index]
    return 0


def _topological(rules: tuple[RuleInfo, ...], overriders: dict[str, list[str]]) -> list[str]:
    """Rules ordered so that each comes after the rules that override it."""
    order: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        done.add(name)
        for other in overriders[name]:
            visit(other)
        order.append(name)

    for rule in rules:
        visit(rule.name)
    return order
