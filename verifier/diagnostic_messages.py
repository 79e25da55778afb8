"""Diagnostics (the messages about bad input) in Dutch for the command line's ``--lang nl``.

The checker and the parser write their messages in English where they find the problem (dsl/
never imports verifier/, and JSON, SARIF, JUnit and the language server keep the English text,
which programs and issue reports quote). For a person at the terminal the CLI shows them in the
chosen language: each message is matched whole against the patterns below, and the Dutch
template is filled with the matched parts. The parts that are phrases of their own (what a
syntax error expected, a hint in brackets) are translated in turn. A message no pattern knows
is shown as written, so a new English message is never lost, only untranslated.

The position and the severity stay as tools read them: ``file:line:col: error: ...``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lexproof.dsl.diagnostics import Diagnostic, LexproofError

# What a syntax error expected (dsl/syntax_errors.py), longest first so that 'an amount
# (€1118.00)' is not read as 'an amount'.
_PHRASES_NL = sorted([
    ("a literal (a number, an amount, a percentage or a date)",
     "een letterlijke waarde (een getal, een bedrag, een percentage of een datum)"),
    ('a quoted text ("...")', 'een tekst tussen aanhalingstekens ("...")'),
    ("a whole number", "een geheel getal"),
    ("a decimal number", "een decimaal getal"),
    ("a percentage (96%)", "een percentage (96%)"),
    ("an amount (€1118.00)", "een bedrag (€1118.00)"),
    ("a date (YYYY-MM-DD)", "een datum (JJJJ-MM-DD)"),
    ("an article number (3.16b, 4:84)", "een artikelnummer (3.16b, 4:84)"),
    ("an item (a, 1°)", "een onderdeel (a, 1°)"),
    ("a number or a percentage", "een getal of een percentage"),
    ("an expression", "een uitdrukking"),
    ("end of file", "einde van het bestand"),
    ("an amount", "een bedrag"),
    ("a number", "een getal"),
    ("a date", "een datum"),
    ("a name", "een naam"),
], key=lambda pair: -len(pair[0]))

# Hints in brackets after a syntax error.
_HINTS_NL: list[tuple[str, str]] = [
    (r"write 'and', 'or', 'not'", "schrijf 'and', 'or', 'not'"),
    (r"'(?P<w>[^']+)' starts a new declaration, so what comes before it is incomplete",
     "'{w}' begint een nieuwe declaratie, dus wat ervoor staat is onvolledig"),
    (r"'(?P<w>[^']+)' starts a new change, so what comes before it is incomplete",
     "'{w}' begint een nieuwe wijziging, dus wat ervoor staat is onvolledig"),
    (r"equality is written with a single '='", "gelijkheid schrijft u met één '='"),
    (r"every rule needs a citation, e\.g\. (?P<c>.+)", "elke regel heeft een vindplaats nodig, bijv. {c}"),
    (r"a range bound must be a literal such as (?P<x>\S+), not a name or an expression",
     "een grens van een bereik is een letterlijke waarde zoals {x}, geen naam of uitdrukking"),
    (r"a range bound must be a literal, not an expression",
     "een grens van een bereik is een letterlijke waarde, geen uitdrukking"),
]

_KINDS_NL = {"decision": "beslissing", "enum": "enum", "fact": "feit", "facts group": "feitengroep",
             "parameter": "parameter", "table": "tabel", "rule": "regel", "statute": "wet",
             "amendment": "wijziging"}

# A hint in brackets at the end of a syntax error; not the brackets of an expected phrase
# ('an article number (3.16b, 4:84)'), which belong to the phrase.
_H = r"""(?: \((?!96%\)|€1118\.00\)|YYYY-MM-DD\)|3\.16b, 4:84\)|a, 1°\)|"\.\.\."\)|a number, an amount)(?P<h>.+)\))?"""

# (pattern of the whole English message, Dutch template). Group names with a meaning:
# e = what was expected (phrases), h = a hint (hints), k = a kind of declaration (kinds).
DIAGNOSTICS_NL: list[tuple[str, str]] = [
    (r"unexpected end of file; expected (?P<e>.+?)" + _H,
     "onverwacht einde van het bestand; verwacht: {e}{h}"),
    (r"unexpected character (?P<c>.+?); expected (?P<e>.+?)" + _H,
     "onverwacht teken {c}; verwacht: {e}{h}"),
    (r"unexpected character (?P<c>.+?)" + _H, "onverwacht teken {c}{h}"),
    (r"unexpected (?P<t>'.*?'|end of file); expected (?P<e>.+?)" + _H,
     "onverwacht {t}; verwacht: {e}{h}"),
    (r"unknown name '(?P<n>[^']*)'; did you mean '(?P<m>[^']*)'\?", "onbekende naam '{n}'; bedoelt u '{m}'?"),
    (r"unknown name '(?P<n>[^']*)'", "onbekende naam '{n}'"),
    (r"count\(\) counts the items of one case; in a property over two cases put the count in a decision "
     r"\(rule r \[art\. N\]: aantal = count\(kind\)\) and compare (?P<a>\S+) with (?P<b>\S+)",
     "count() telt de items van één geval; zet in een eigenschap over twee gevallen de telling in een "
     "beslissing (rule r [art. N]: aantal = count(kind)) en vergelijk {a} met {b}"),
    (r"count\(\) takes the name of an item kind: count\(kind\) or count\(kind where CONDITION\)",
     "count() neemt de naam van een soort item: count(kind) of count(kind where VOORWAARDE)"),
    (r"unknown function or table '(?P<n>[^']*)'; did you mean '(?P<m>[^']*)'\?",
     "onbekende functie of tabel '{n}'; bedoelt u '{m}'?"),
    (r"unknown function or table '(?P<n>[^']*)'", "onbekende functie of tabel '{n}'"),
    (r"unknown parameter '(?P<n>[^']*)'", "onbekende parameter '{n}'"),
    (r"unknown type '(?P<n>[^']*)'", "onbekend type '{n}'"),
    (r"unknown amendment '(?P<n>[^']*)' of (?P<s>\S+)", "onbekende wijziging '{n}' van {s}"),
    (r"expected a value of type (?P<a>\S+), found (?P<b>\S+)", "verwacht een waarde van type {a}, gevonden: {b}"),
    (r"'(?P<n>[^']*)' is already declared as an? (?P<k>decision|enum|fact|facts group|parameter|table)",
     "'{n}' is al gedeclareerd als {k}"),
    (r"declared here", "hier gedeclareerd"),
    (r"first defined here", "hier voor het eerst gedefinieerd"),
    (r"(?P<k>rule|statute|amendment) '(?P<n>[^']*)' is defined twice", "{k} '{n}' is twee keer gedefinieerd"),
    (r"(?P<n>\S+) = (?P<v>.+) is above its range (?P<r>\S+)", "{n} = {v} ligt boven het bereik {r}"),
    (r"(?P<n>\S+) = (?P<v>.+) is below its range (?P<r>\S+)", "{n} = {v} ligt onder het bereik {r}"),
    (r"cannot import '(?P<p>.*)': no such file", "kan '{p}' niet importeren: het bestand bestaat niet"),
    (r"cannot import '(?P<p>.*)': it is a directory, not a \.law file",
     "kan '{p}' niet importeren: het is een map, geen .law-bestand"),
    (r"'(?P<d>[^']*)' is not a valid date", "'{d}' is geen geldige datum"),
    (r"'(?P<v>[^']*)' is not a value of enum (?P<e>\S+) \(values: (?P<l>.*)\)",
     "'{v}' is geen waarde van enum {e} (waarden: {l})"),
    (r"decisions depend on each other in a cycle: (?P<c>.+)", "beslissingen hangen in een kring van elkaar af: {c}"),
    (r"exceptions form a cycle: (?P<c>.+)", "uitzonderingen vormen een kring: {c}"),
    (r"fact '(?P<n>[^']*)' is given twice", "feit '{n}' is twee keer gegeven"),
    (r"cannot add (?P<a>\S+) and (?P<b>\S+)", "kan {a} en {b} niet optellen"),
    (r"cannot multiply (?P<a>\S+) by (?P<b>\S+)", "kan {a} niet met {b} vermenigvuldigen"),
    (r"cannot compare (?P<a>\S+) with (?P<b>\S+)", "kan {a} niet met {b} vergelijken"),
    (r"cannot order (?P<a>\S+) against (?P<b>\S+) with (?P<o>\S+)", "kan {a} en {b} niet ordenen met {o}"),
    (r"rule '(?P<r>[^']*)' decides unknown decision '(?P<d>[^']*)'",
     "regel '{r}' beslist de onbekende beslissing '{d}'"),
    (r"rule '(?P<r>[^']*)' is an exception to unknown rule '(?P<u>[^']*)'",
     "regel '{r}' is een uitzondering op de onbekende regel '{u}'"),
    (r"amendment '(?P<a>[^']*)' repeals rule '(?P<r>[^']*)', which (?P<s>\S+) does not have",
     "wijziging '{a}' schrapt regel '{r}', die {s} niet heeft"),
    (r"amendment '(?P<a>[^']*)' replaces rule '(?P<r>[^']*)', which (?P<s>\S+) does not have",
     "wijziging '{a}' vervangt regel '{r}', die {s} niet heeft"),
    (r"amendment '(?P<a>[^']*)' amends unknown statute '(?P<s>[^']*)' \(import the statute's file\)",
     "wijziging '{a}' wijzigt de onbekende wet '{s}' (importeer het bestand van de wet)"),
    (r"amendment '(?P<a>[^']*)' amends unknown statute '(?P<s>[^']*)'", "wijziging '{a}' wijzigt de onbekende wet '{s}'"),
    (r"no rule of (?P<s>\S+) cites (?P<c>.+)", "geen regel van {s} noemt {c}"),
    (r"'(?P<n>[^']*)' is not a fact", "'{n}' is geen feit"),
    (r"'(?P<n>[^']*)' is not a decision", "'{n}' is geen beslissing"),
    (r"example '(?P<n>[^']*)' does not give the facts: (?P<f>.+)", "voorbeeld '{n}' geeft de feiten niet: {f}"),
    (r"the branches of 'if' have different types: (?P<a>\S+) and (?P<b>\S+)",
     "de takken van 'if' hebben verschillende typen: {a} en {b}"),
    (r"division by zero", "deling door nul"),
    (r"unknown finding '(?P<f>[^']*)' in @(?P<a>allow|expect); use one of (?P<l>.+)",
     "onbekende bevinding '{f}' in @{a}; gebruik een van {l}"),
    (r"'(?P<v>.*)' is not a usable number: (?P<r>.+)", "'{v}' is geen bruikbaar getal: {r}"),
    (r"rule '(?P<r>[^']*)' already exists; use 'replace rule'", "regel '{r}' bestaat al; gebruik 'replace rule'"),
    (r"'(?P<a>[^']*)' changes it here", "'{a}' wijzigt het hier"),
    (r"amendments '(?P<a>[^']*)' and '(?P<b>[^']*)' both change (?P<x>.+) on (?P<d>\S+); their order would be arbitrary",
     "wijzigingen '{a}' en '{b}' wijzigen allebei {x} op {d}; hun volgorde zou willekeurig zijn"),
    (r"empty range: (?P<a>\S+) is above (?P<b>\S+)", "leeg bereik: {a} ligt boven {b}"),
    (r"rule '(?P<r>[^']*)' is an exception to unknown rule '(?P<u>[^']*)' \(in the version of (?P<d>\S+) after amendment (?P<a>.+)\)",
     "regel '{r}' is een uitzondering op de onbekende regel '{u}' (in de versie van {d} na wijziging {a})"),
    (r"rule '(?P<r>[^']*)' decides (?P<a>\S+) but its exception target '(?P<t>[^']*)' decides (?P<b>\S+)",
     "regel '{r}' beslist {a}, maar de regel waarop hij een uitzondering is, '{t}', beslist {b}"),
    (r"rule '(?P<r>[^']*)' cannot be an exception to itself", "regel '{r}' kan geen uitzondering op zichzelf zijn"),
    (r"an example runs on single versions, not a comparison",
     "een voorbeeld loopt op losse versies, niet op een vergelijking"),
    (r"'(?P<n>[^']*)' is a decision \(put it after 'expect'\)", "'{n}' is een beslissing (zet haar na 'expect')"),
    (r"the expected (?P<d>\S+) cannot depend on the fact '(?P<f>[^']*)'",
     "de verwachte {d} kan niet van het feit '{f}' afhangen"),
    (r"(?P<n>\S+) is money in whole cents; (?P<v>.+) is not", "{n} is geld in hele centen; {v} is dat niet"),
    (r"'(?P<v>[^']*)' is a value of several enums \((?P<l>[^)]*)\); write (?P<a>\S+) or (?P<b>\S+)",
     "'{v}' is een waarde van meerdere enums ({l}); schrijf {a} of {b}"),
    (r"enum (?P<e>\S+) lists '(?P<v>[^']*)' twice", "enum {e} noemt '{v}' twee keer"),
    (r"'(?P<n>[^']*)' is both an? (?P<k>fact|parameter|decision|table) and a value of enum (?P<e>\S+); rename one",
     "'{n}' is zowel een {k} als een waarde van enum {e}; hernoem er een"),
    (r"'(?P<n>after|before)' is reserved for comparing versions; choose another name",
     "'{n}' is gereserveerd voor het vergelijken van versies; kies een andere naam"),
    (r"unknown qualifier '(?P<n>[^']*)': not a case name, version or enum",
     "onbekende kwalificatie '{n}': geen naam van een geval, versie of enum"),
    (r"'(?P<n>before|after)\.' is only meaningful in a property that compares two versions",
     "'{n}.' heeft alleen betekenis in een eigenschap die twee versies vergelijkt"),
    (r"case name '(?P<n>[^']*)' clashes with a fact name", "de naam van het geval '{n}' botst met de naam van een feit"),
    (r"'differing only in (?P<n>[^']*)': unknown fact", "'differing only in {n}': onbekend feit"),
    (r"name two cases \(a, b\) or none, not (?P<n>\d+)", "noem twee gevallen (a, b) of geen, niet {n}"),
    (r"the case names must differ", "de namen van de gevallen moeten verschillen"),
    (r"'for every (?P<n>[^']*)': unknown facts group", "'for every {n}': onbekende groep feiten"),
    (r"which version\? write before\.(?P<n>\S+) or after\.(?P=n)",
     "welke versie? schrijf before.{n} of after.{n}"),
    (r"which case\? write (?P<a>\w+)\.(?P<n>\S+) or (?P<b>\w+)\.(?P=n)", "welk geval? schrijf {a}.{n} of {b}.{n}"),
    (r"facts are the same in both versions; write '(?P<n>[^']*)'",
     "feiten zijn in beide versies dezelfde; schrijf '{n}'"),
    (r"the unit of (?P<f>round|round_up|round_down)\(\) must be a positive literal, such as (?P<l>.+)",
     "de eenheid van {f}() moet een positief getal zijn, zoals {l}"),
    (r"(?P<f>round|round_up|round_down)\(\) takes a value and optionally the unit to round to, e\.g\. (?P<x>.+); got (?P<n>\d+) values",
     "{f}() neemt een waarde en eventueel de eenheid waarop wordt afgerond, bijvoorbeeld {x}; gekregen: {n} waarden"),
    (r"(?P<f>round|round_up|round_down)\(\) rounds a number or an amount, not (?P<t>\S+)",
     "{f}() rondt een getal of een bedrag af, geen {t}"),
    (r"an amount is rounded to an amount of money, not an int: write e\.g\. (?P<x>.+)",
     "een bedrag wordt afgerond op een geldbedrag, niet op een int: schrijf bijvoorbeeld {x}"),
    (r"unexpected 'sub'; a citation's parts come once each, in the order number, lid, item, onder \(as in (?P<x>.+)\)",
     "onverwacht 'sub'; de delen van een vindplaats komen elk één keer, in de volgorde nummer, lid, sub, onder "
     "(zoals in {x})"),
    (r"brackets nested more than (?P<n>\d+) deep; split the expression into decisions",
     "haakjes dieper genest dan {n}; splits de uitdrukking in beslissingen"),
    (r"a date cannot be negative", "een datum kan niet negatief zijn"),
    (r"a parameter has either one value for all time or values 'from' dates",
     "een parameter heeft één waarde voor altijd of waarden 'from' data"),
    (r"a decision's range follows from its rules; remove it", "het bereik van een beslissing volgt uit haar regels; haal het weg"),
    (r"min\(\) needs at least two values", "min() heeft minstens twee waarden nodig"),
    (r"max\(\) needs at least two values", "max() heeft minstens twee waarden nodig"),
    (r"the divisor must be a constant or parameter", "de deler moet een constante of een parameter zijn"),
    (r"the range of an? (?P<a>\S+) must be an? (?P<b>\S+), not (?P<c>\S+)",
     "het bereik van een {a} moet een {b} zijn, geen {c}"),
    (r"the bounds of a table must rise from row to row", "de grenzen van een tabel moeten van rij tot rij stijgen"),
    (r"a table looks up a number or a date", "een tabel zoekt op een getal of een datum"),
    (r"table (?P<t>\S+) looks up (?P<a>\S+), not (?P<b>\S+)", "tabel {t} zoekt op {a}, niet op {b}"),
    (r"the typical value lies outside the fact's range", "de typische waarde ligt buiten het bereik van het feit"),
    (r"the typical value of (?P<n>\S+) must be a value of (?P<e>\S+) \((?P<l>[^)]*)\)",
     "de typische waarde van {n} moet een waarde van {e} zijn ({l})"),
    (r"the typical value of an? (?P<a>\S+) must be an? (?P<b>\S+), not an? (?P<c>\S+)",
     "de typische waarde van een {a} moet een {b} zijn, geen {c}"),
]

# The case file (verifier/api.py read_case, verifier/casefile.py, lexproof.dsl.values.parse_value):
# N is the fact as the case names it ('m', 'kind[1].uren'), g the value as the file writes it.
DIAGNOSTICS_NL += [
    (r"(?P<n>\S+): expected one of (?P<l>.+), got (?P<g>.+)", "{n}: verwacht een van {l}, niet {g}"),
    (r"(?P<n>\S+): expected true or false, got (?P<g>.+)", "{n}: verwacht true of false, niet {g}"),
    (r"(?P<n>\S+): expected a date YYYY-MM-DD, got (?P<g>.+)", "{n}: verwacht een datum JJJJ-MM-DD, niet {g}"),
    (r"(?P<n>\S+): expected a number, got (?P<g>.+)", "{n}: verwacht een getal, niet {g}"),
    (r"(?P<n>\S+): expected a whole number, got (?P<g>.+)", "{n}: verwacht een geheel getal, niet {g}"),
    (r"(?P<n>\S+): expected a finite number, got (?P<g>.+)", "{n}: verwacht een eindig getal, niet {g}"),
    (r"(?P<n>\S+): expected a number of at most (?P<d>[0-9]+) digits, got (?P<g>.+)",
     "{n}: verwacht een getal van hoogstens {d} cijfers, niet {g}"),
    (r'(?P<n>\S+): expected an amount such as 1118\.00, "€1,118\.00" or "€1\.118,00", got (?P<g>.+)',
     '{n}: verwacht een bedrag zoals 1118.00, "€1.118,00" of "€1,118.00", niet {g}'),
    (r'(?P<n>\S+): expected a rate such as 0\.96 or "96%", got (?P<g>.+)',
     '{n}: verwacht een percentage zoals "96%" of 0.96, niet {g}'),
    (r"(?P<n>\S+): money is in whole cents, got (?P<g>.+)", "{n}: geld is in hele centen, niet {g}"),
    (r"(?P<n>\S+): (?P<g>.+) is ambiguous: '(?P<sep>[.,])' may separate thousands \(English '1,409', Dutch "
     r"'1\.409'\) or decimals; write it without a thousands separator \(1409 or 1\.409\), or with the decimals "
     r'\("1,409\.00", "1\.409,00"\)',
     "{n}: {g} is dubbelzinnig: '{sep}' kan duizendtallen scheiden (Nederlands '1.409', Engels '1,409') of "
     'decimalen; schrijf het zonder scheidingsteken voor duizendtallen (1409 of 1.409), of met de decimalen '
     '("1.409,00", "1,409.00")'),
    (r"'(?P<f>.*)' is not a fact of (?P<s>\S+); did you mean '(?P<m>[^']*)'\?",
     "'{f}' is geen feit van {s}; bedoelt u '{m}'?"),
    (r"'(?P<f>.*)' is not a fact of (?P<s>\S+)", "'{f}' is geen feit van {s}"),
    (r"the case does not give: (?P<l>.+)", "het geval geeft geen waarde voor: {l}"),
    (r"(?P<i>\S+) does not give: (?P<l>.+)", "{i} geeft geen waarde voor: {l}"),
    (r"'(?P<f>.*)' is given twice in one object", "'{f}' staat twee keer in één object"),
    (r"a case is a JSON object of fact names and values", "een geval is een JSON-object van namen van feiten en hun waarden"),
    (r"not valid JSON: (?P<x>.+)", "geen geldige JSON: {x}"),
    (r"the case is nested more than (?P<d>[0-9]+) levels deep", "het geval is dieper genest dan {d} niveaus"),
    (r"(?P<n>\S+): the value (?P<v>\S+) is added by amendment (?P<a>\S+); (?P<lab>.+) does not have it",
     "{n}: de waarde {v} komt pas met wijziging {a}; {lab} kent haar niet"),
]

_COMPILED = [(re.compile(pattern), template) for pattern, template in DIAGNOSTICS_NL]
_HINTS = [(re.compile(pattern), template) for pattern, template in _HINTS_NL]


def _expected_nl(phrase: str) -> str:
    """'a name, ')' or an expression' -> 'een naam, ')' of een uitdrukking' (quoted tokens as
    they are: they are the language's own words)."""
    parts = re.split(r"('[^']*')", phrase)  # quoted tokens apart from the words between
    out = []
    for part in parts:
        if part.startswith("'"):
            out.append(part)
            continue
        for english, dutch in _PHRASES_NL:
            part = part.replace(english, dutch)
        out.append(part.replace(" or ", " of "))
    return "".join(out)


def _hint_nl(hint: str) -> str:
    for pattern, template in _HINTS:
        match = pattern.fullmatch(hint)
        if match:
            return template.format(**match.groupdict())
    return hint


def diagnostic_text(message: str, lang: str) -> str:
    """A diagnostic's message in ``lang`` (en: as written); one no pattern knows, as written."""
    if lang != "nl":
        return message
    for pattern, template in _COMPILED:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        groups = {name: value or "" for name, value in match.groupdict().items()}
        if "e" in groups:
            groups["e"] = _expected_nl(groups["e"])
        if "t" in groups and groups["t"] == "end of file":
            groups["t"] = "einde van het bestand"
        if "h" in groups:
            groups["h"] = f" ({_hint_nl(groups['h'])})" if groups["h"] else ""
        if "k" in groups:
            groups["k"] = _KINDS_NL.get(groups["k"], groups["k"])
        return template.format(**groups)
    return message


def translated(diagnostic: Diagnostic, lang: str) -> Diagnostic:
    """The diagnostic with its message and notes in ``lang``; position, severity, code unchanged."""
    if lang != "nl":
        return diagnostic
    return replace(diagnostic, message=diagnostic_text(diagnostic.message, lang),
                   notes=tuple((span, diagnostic_text(note, lang)) for span, note in diagnostic.notes))


def render_error(error: LexproofError, lang: str) -> str:
    """What ``error.render()`` prints, with the messages in ``lang``."""
    if lang != "nl":
        return error.render()
    text = LexproofError([translated(d, lang) for d in error.diagnostics]).render()
    return re.sub(r"… and (\d+) more errors?$", lambda m: f"… en nog {m[1]} fout{'en' if m[1] != '1' else ''}", text)


def error_count(count: int, lang: str) -> str:
    """The line under the diagnostics: '3 errors' / '3 fouten'."""
    if lang == "nl":
        return f"{count} fout{'en' if count != 1 else ''}"
    return f"{count} error{'s' if count != 1 else ''}"
