"""Per-fact distributions for ``lexproof population --distributions FILE.toml|FILE.json``.

A small TOML file (or the same as a JSON object, one fact per line, on Python 3.10 too), one
table per fact (a case's fact or an item fact)::

    [inkomen]                      # money, int, rate, number
    distribution = "lognormal"     # uniform | normal | lognormal
    median = 32000                 # lognormal: the median and the sigma of its logarithm
    sigma = 0.6

    [leeftijd]
    distribution = "normal"        # normal: mean and sd
    mean = 40
    sd = 12

    [uren]
    distribution = "uniform"       # uniform: low and high (default: the fact's range)
    low = 0
    high = 160

    [opleiding]                    # enum: relative weights per value (others 0)
    weights = { mbo_bol = 3, hbo = 1 }

    [student]                      # bool: the share that is true
    share = 0.3

    [leerweg]                      # drawn only where another fact allows it:
    weights = { bol_voltijd = 3, bbl = 1 }
    when = { opleiding = ["mbo"] } # a case's enum or bool fact and the values it allows
    otherwise = "geen"             # the value everywhere else

Every drawn number is clipped to the fact's declared range (and ``low``/``high`` if given) and
rounded to the fact's unit (whole numbers, cents, hundredths). Draws come from a hash of (seed,
row, fact), so the file is the same for a seed. Normal and lognormal draws go through DuckDB's
floating point (Box-Muller) before they are rounded: the same on one DuckDB version and machine.

Every mistake in the file is a positioned error at its line: a TOML syntax error, an unknown
fact, an unknown distribution or key, a missing or non-positive parameter, a weight for a
value the enum does not have."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.source import SOURCES, Span

NUMERIC = ("int", "money", "rate", "number")
PARAMETERS = {"uniform": ("low", "high"), "normal": ("mean", "sd"), "lognormal": ("median", "sigma")}


@dataclass
class Distribution:
    fact: str
    kind: str  # uniform normal lognormal weights share
    params: dict[str, object] = field(default_factory=dict)
    # ``when``: drawn only in the rows where these facts (a case's enum or bool facts) have
    # one of the listed values; ``otherwise`` everywhere else. The statute's structure (no
    # mbo leerweg for an hbo student), which independent draws would ignore.
    when: dict[str, tuple[object, ...]] = field(default_factory=dict)
    otherwise: object = None


class _File:
    """The file's text, to point at the line of a fact or a key."""

    def __init__(self, path: str, text: str) -> None:
        self.path, self.lines = path, text.splitlines()

    def span(self, fact: str | None = None, key: str | None = None) -> Span:
        header = None
        for number, line in enumerate(self.lines, 1):
            stripped = line.strip()
            if fact is not None and (re.match(rf"^\[\s*\"?{re.escape(fact)}\"?\s*\]", stripped)
                                     or re.match(rf"^\{{?\s*\"{re.escape(fact)}\"\s*:", stripped)):
                header = number
                if key is not None and f'"{key}"' in line:  # JSON: the fact's settings on its line
                    at = line.index(f'"{key}"')
                    return Span(self.path, number, at + 1, number, at + len(key) + 3)
                if key is None:
                    start = len(line) - len(line.lstrip())
                    return Span(self.path, number, start + 1, number, len(line) + 1)
            elif header is not None and (stripped.startswith("[") or re.match(r'^"[^"]+"\s*:\s*\{', stripped)):
                break
            elif header is not None and key is not None and re.match(rf"^\"?{re.escape(key)}\"?\s*[=:]", stripped):
                return Span(self.path, number, line.index(key) + 1, number, line.index(key) + len(key) + 1)
        if header is not None:
            return Span(self.path, header, 1, header, 2)
        return Span(self.path, 1, 1, 1, 2)

    def error(self, message: str, fact: str | None = None, key: str | None = None) -> LexproofError:
        return LexproofError(Diagnostic(self.span(fact, key), message))


def load_distributions(path: str | Path, statute: StatuteModel) -> dict[str, Distribution]:
    """The distributions of a config file, checked against the statute's facts."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LexproofError(Diagnostic(Span(str(path), 1, 1, 1, 2), f"cannot read the distributions file: {error}")) from None
    SOURCES.add(str(path), text)  # so that a diagnostic shows the line with a caret
    file = _File(str(path), text)
    if str(path).lower().endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as error:
            line, column = getattr(error, "lineno", 1), getattr(error, "colno", 1)
            raise LexproofError(Diagnostic(Span(str(path), line, column, line, column + 1),
                                           f"not valid JSON: {getattr(error, 'msg', error)}")) from None
        if not isinstance(data, dict):
            raise file.error("give a JSON object: {\"fact\": {...}, ...}")
        return _checked(file, statute, data)
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        raise file.error("reading TOML needs Python 3.11 or later: give the same as a .json file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+), column (\d+)", str(error))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise LexproofError(Diagnostic(Span(str(path), line, column, line, column + 1),
                                       f"not valid TOML: {message}")) from None
    return _checked(file, statute, data)


def _checked(file: _File, statute: StatuteModel, data: dict) -> dict[str, Distribution]:
    result = {}
    for fact, settings in data.items():
        if fact not in statute.facts and fact not in statute.item_facts:
            known = ", ".join([*statute.facts, *statute.item_facts])
            raise file.error(f"{statute.name} has no fact '{fact}' (facts: {known})", fact)
        if not isinstance(settings, dict):
            raise file.error(f"give the distribution of {fact} as a table: [{fact}]", fact)
        settings = dict(settings)
        when, otherwise = settings.pop("when", None), settings.pop("otherwise", None)
        result[fact] = _distribution(file, statute, fact, settings)
        if when is not None or otherwise is not None:
            _condition(file, statute, fact, result[fact], when, otherwise)
    for fact, dist in result.items():
        for other in dist.when:
            if other in result and result[other].when:
                raise file.error(f"{fact} is drawn when {other} is ...: {other} must not have a 'when' itself", fact, "when")
    return result


def _condition(file: _File, statute: StatuteModel, fact: str, dist: Distribution, when: object,
               otherwise: object) -> None:
    """Check and set ``when`` (fact -> allowed values) and ``otherwise`` (a value of ``fact``)."""
    if fact not in statute.facts:
        raise file.error(f"'when' is for a case's facts; {fact} is an item fact", fact, "when")
    if not isinstance(when, dict) or not when:
        raise file.error(f"give when = {{ fact = [values] }} with otherwise = the value of {fact} elsewhere", fact, "when")
    if otherwise is None:
        raise file.error(f"{fact} has 'when': give otherwise = its value in the other rows", fact, "when")
    for other, allowed in when.items():
        info = statute.facts.get(other)
        if info is None or info.type.kind not in ("enum", "bool") or other == fact:
            raise file.error(f"'when' of {fact} names '{other}': give a case's enum or bool fact", fact, "when")
        listed = allowed if isinstance(allowed, list) else [allowed]
        values = statute.enums[info.type.enum or ""] if info.type.kind == "enum" else (True, False)
        for value in listed:
            if value not in values or isinstance(value, bool) != (info.type.kind == "bool"):
                raise file.error(f"{value!r} is not a value of {other} ({', '.join(map(str, values))})", fact, "when")
        dist.when[other] = tuple(listed)
    info = statute.fact_info(fact)
    if info.type.kind == "enum":
        if otherwise not in statute.enums[info.type.enum or ""]:
            raise file.error(f"otherwise of {fact}: {otherwise!r} is not a value of {info.type.enum}", fact, "otherwise")
    elif info.type.kind == "bool":
        if not isinstance(otherwise, bool):
            raise file.error(f"otherwise of {fact} must be true or false", fact, "otherwise")
    else:
        number = _number(file, fact, "otherwise", otherwise)
        low, high = info.low, info.high
        if (low is not None and number < low) or (high is not None and number > high):  # type: ignore[operator]
            raise file.error(f"otherwise of {fact} is outside the fact's range", fact, "otherwise")
        if (number * (1 if info.type.kind == "int" else 100)).denominator != 1:
            unit = "a whole number" if info.type.kind == "int" else "in hundredths"
            raise file.error(f"otherwise of {fact} must be {unit}, as the drawn values", fact, "otherwise")
        otherwise = number
    dist.otherwise = otherwise


def _number(file: _File, fact: str, key: str, value: object, positive: bool = False) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise file.error(f"{key} of {fact} must be a number", fact, key)
    number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if positive and number <= 0:
        raise file.error(f"{key} of {fact} must be above 0", fact, key)
    return number


def _distribution(file: _File, statute: StatuteModel, fact: str, settings: dict) -> Distribution:
    info = statute.fact_info(fact)
    kind = info.type.kind
    if kind == "bool":
        _only(file, fact, settings, ("share",))
        if "share" not in settings:
            raise file.error(f"{fact} is a bool: give share = the part that is true (0..1)", fact)
        share = _number(file, fact, "share", settings["share"])
        if not 0 <= share <= 1:
            raise file.error(f"share of {fact} must be between 0 and 1", fact, "share")
        return Distribution(fact, "share", {"share": share})
    if kind == "enum":
        _only(file, fact, settings, ("weights",))
        weights = settings.get("weights")
        if not isinstance(weights, dict) or not weights:
            raise file.error(f"{fact} is an enum: give weights = {{ value = weight, ... }}", fact)
        values = statute.enums[info.type.enum or ""]
        checked = {}
        for value, weight in weights.items():
            if value not in values:
                raise file.error(f"{value} is not a value of {info.type.enum} ({', '.join(values)})", fact, "weights")
            checked[value] = _number(file, fact, "weights", weight)
            if checked[value] < 0:
                raise file.error(f"the weight of {value} must not be negative", fact, "weights")
        if sum(checked.values()) == 0:
            raise file.error(f"the weights of {fact} are all 0", fact, "weights")
        return Distribution(fact, "weights", {"weights": checked})
    if kind not in NUMERIC:
        raise file.error(f"{fact} is a {kind}: only numbers, bools and enums take a distribution", fact)
    name = settings.get("distribution", "uniform")
    if name not in PARAMETERS:
        raise file.error(f"unknown distribution '{name}' for {fact}: uniform, normal or lognormal", fact, "distribution")
    _only(file, fact, settings, ("distribution", "low", "high", *PARAMETERS[name]))
    params: dict[str, object] = {}
    for key in ("low", "high"):
        if key in settings:
            params[key] = _number(file, fact, key, settings[key])
    for key in PARAMETERS[name]:
        if key in ("low", "high"):
            continue
        if key not in settings:
            raise file.error(f"the {name} distribution of {fact} needs {' and '.join(PARAMETERS[name])}", fact)
        params[key] = _number(file, fact, key, settings[key], positive=key in ("sd", "sigma", "median"))
    if "low" in params and "high" in params and params["low"] > params["high"]:  # type: ignore[operator]
        raise file.error(f"low of {fact} is above its high", fact, "low")
    return Distribution(fact, name, params)


def _only(file: _File, fact: str, settings: dict, allowed: tuple[str, ...]) -> None:
    for key in settings:
        if key not in allowed:
            raise file.error(f"unknown key '{key}' for {fact} (here: {', '.join(allowed)})", fact, key)
