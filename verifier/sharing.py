"""Where two cases or two versions of a property must give a decision the same value, so the
encoder can give it one encoding (``Encoder.decision``) instead of two that the solver has to
prove equal.

Why: a product of two bounded unknowns (hours x hourly price) is made linear with fresh bits per
factor term (``Encoder._expand``). Two cases with the same children, or the law before and
after an amendment that leaves the costs alone, had two copies of those bits, and the solver
had to rediscover that equal facts give equal products: the kinderopvangtoeslag's comparisons
of two households on the amounts came back 'unknown'. With one encoding the equal products are
one term.

Both tests are static and conservative (a 'no' only costs speed):

- two cases (``differing only in``, ``adding one``): the decision reads only facts, item facts
  and item counts that the two cases share, transitively (``Cones.reads``);
- two versions: every rule, parameter value and table in the decision's cone is the same in
  both, and it does not read the peildatum (``Cones.same``)."""

from __future__ import annotations

import dataclasses

from lexproof.dsl import ir
from lexproof.dsl.consolidate import Version
from lexproof.dsl.model import RuleInfo, StatuteModel, TableInfo

UNSHARED = ("unshared", "")  # an atom no pair of cases shares (a cycle, an explicit case)


class Cones:
    """The static facts about decisions' cones the encoder needs for sharing, memoized."""

    def __init__(self, statute: StatuteModel, versions: dict[str | None, Version]) -> None:
        self.statute = statute
        self.versions = versions
        self._reads: dict[tuple[str, str | None], frozenset[tuple[str, str]] | None] = {}
        self._same: dict[tuple[str, str | None, str | None], bool | None] = {}

    # --- two cases ---
    def reads(self, name: str, slot: str | None) -> frozenset[tuple[str, str]]:
        """What deciding ``name`` in version ``slot`` reads of a case, transitively:
        ``("fact", f)`` a fact of the case, ``("item", kind)`` a fact of an item of the kind,
        ``("count", kind)`` how many items of the kind there are (an aggregate or ``rank``).
        Parameters, tables and the peildatum are the same in every case."""
        key = (name, slot)
        if key in self._reads:
            found = self._reads[key]
            return frozenset({UNSHARED}) if found is None else found  # None: in progress (a cycle)
        self._reads[key] = None
        atoms: set[tuple[str, str]] = set()
        for node in self._nodes(name, slot):
            for sub in ir.walk(node):
                atoms |= self._atoms(sub, slot)
        found = frozenset(atoms)
        self._reads[key] = found
        return found

    def _atoms(self, node: ir.Node, slot: str | None) -> set[tuple[str, str]]:
        if isinstance(node, ir.FactRef):
            return {UNSHARED} if node.case is not None else {("fact", node.name)}
        if isinstance(node, ir.ItemFactRef):
            return {("item", node.kind)}
        if isinstance(node, (ir.Aggregate, ir.Rank)):
            return {("count", node.kind)}
        if isinstance(node, (ir.DecisionRef, ir.ItemDecisionRef)):
            if getattr(node, "case", None) is not None:
                return {UNSHARED}
            own = getattr(node, "version", None)
            return set(self.reads(node.name, own if own is not None else slot))
        if isinstance(node, ir.TableRef):  # its rows' bounds and values (the argument is walked)
            table_slot = node.version if node.version is not None else slot
            table = self.versions[table_slot].table(node.name)
            found: set[tuple[str, str]] = set()
            for part in (*table.bounds, *table.values):
                for sub in ir.walk(part):
                    found |= self._atoms(sub, table_slot)
            return found
        return set()

    # --- two versions ---
    def same(self, name: str, first: str | None, second: str | None) -> bool:
        """Whether ``name`` is decided alike in the versions of both slots: the same rules
        (the same objects, or equal ones), and the same parameter values, tables and decisions
        in everything they read; no peildatum (each version reads its own date)."""
        key = (name, first, second)
        if key in self._same:
            return bool(self._same[key])  # None: in progress (a cycle): not the same
        self._same[key] = None
        found = self._same_uncached(name, first, second)
        self._same[key] = found
        return found

    def _same_uncached(self, name: str, first: str | None, second: str | None) -> bool:
        one, two = self.versions[first], self.versions[second]
        if one.has_decision(name) != two.has_decision(name):
            return False
        rules_one, rules_two = one.rules_of(name), two.rules_of(name)
        if len(rules_one) != len(rules_two) or not all(map(same_rule, rules_one, rules_two)):
            return False
        return all(self._same_reads(sub, first, second) for node in self._nodes(name, first) for sub in ir.walk(node))

    def _same_reads(self, node: ir.Node, first: str | None, second: str | None) -> bool:
        """Whether what ``node`` reads of its version is the same in both (its subnodes are
        looked at by the caller's walk)."""
        if getattr(node, "version", None) is not None and not isinstance(node, ir.Peildatum):
            return True  # a fixed version ('before.x'): the same slot either way
        one, two = self.versions[first], self.versions[second]
        if isinstance(node, ir.Peildatum):
            return node.version is not None or one.date == two.date
        if isinstance(node, ir.ParamRef):
            return (node.name in one.parameters) == (node.name in two.parameters) and (
                node.name not in one.parameters or one.parameters[node.name] == two.parameters[node.name])
        if isinstance(node, ir.TableRef):
            if one.has_table(node.name) != two.has_table(node.name):
                return False
            table_one, table_two = one.table(node.name), two.table(node.name)
            if not same_table(table_one, table_two):
                return False
            return all(self._same_reads(sub, first, second)
                       for part in (*table_one.bounds, *table_one.values) for sub in ir.walk(part))
        if isinstance(node, (ir.DecisionRef, ir.ItemDecisionRef)):
            return self.same(node.name, first, second)
        return True

    def _nodes(self, name: str, slot: str | None) -> list[ir.Node]:
        """The expressions that decide ``name`` in the version of ``slot``: its rules' values
        and conditions, and its default."""
        nodes: list[ir.Node] = []
        for rule in self.versions[slot].rules_of(name):
            nodes.append(rule.value)
            if rule.condition is not None:
                nodes.append(rule.condition)
        default = self.statute.decision_info(name).default
        if default is not None:
            nodes.append(default)
        return nodes


def same_rule(one: RuleInfo, two: RuleInfo) -> bool:
    """The same rule, or an equal one (an imported rule is renamed per version)."""
    if one is two:
        return True
    return (one.name, one.decision, one.exceptions, one.citation) == (two.name, two.decision, two.exceptions, two.citation) \
        and same_node(one.value, two.value) and same_node(one.condition, two.condition)


def same_table(one: TableInfo, two: TableInfo) -> bool:
    if one is two:
        return True
    return ((one.input, one.output, one.has_above, one.marginal, one.exclusive, one.cumulative)
            == (two.input, two.output, two.has_above, two.marginal, two.exclusive, two.cumulative)
            and len(one.bounds) == len(two.bounds) and len(one.values) == len(two.values)
            and all(map(same_node, one.bounds, two.bounds)) and all(map(same_node, one.values, two.values)))


def same_node(one: object, two: object) -> bool:
    """Structural equality of two expressions, spans aside (``ir.Op`` compares by identity)."""
    if one is two:
        return True
    if one is None or two is None or type(one) is not type(two) or not dataclasses.is_dataclass(one):
        return False
    for field in dataclasses.fields(one):  # type: ignore[arg-type]
        if field.name == "span":
            continue
        x, y = getattr(one, field.name), getattr(two, field.name)
        if field.name == "args":
            if len(x) != len(y) or not all(map(same_node, x, y)):
                return False
        elif field.name == "arg":
            if not same_node(x, y):
                return False
        elif x != y:
            return False
    return True
