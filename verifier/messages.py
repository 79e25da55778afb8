"""Every label and heading the human output prints, in English and Dutch, and the locale's
formats for numbers, money and dates (Babel).

One catalogue, keyed by a short name, so that a renderer never spells out a word itself and a
new interface (or a new result kind) is translated in one place. ``text(key, lang, **values)``
fills the ``{placeholders}``. The terms are those a Dutch drafter uses: "is van toepassing",
"anders", "tegenvoorbeeld", "bewezen", "leemte", "strijdige regels". JSON, SARIF and JUnit stay
in English (they are read by programs); diagnostics (error messages) are translated by
``lexproof.verifier.diagnostic_messages``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

LANGS = ("en", "nl")

CATALOGUE: dict[str, dict[str, str]] = {
    # result kinds
    "kind.property": {"en": "property", "nl": "eigenschap"},
    "kind.example": {"en": "example", "nl": "voorbeeld"},
    "kind.conflict": {"en": "conflict", "nl": "strijdige regels"},
    "kind.gap": {"en": "gap", "nl": "leemte"},
    "kind.dead": {"en": "dead", "nl": "dode regel"},
    "kind.redundant": {"en": "redundant", "nl": "overbodige regel"},
    "kind.query": {"en": "query", "nl": "vraag"},
    "kind.diff": {"en": "diff", "nl": "verschil"},
    "kind.question": {"en": "question", "nl": "rechtsvraag"},
    # statuses
    "status.proved": {"en": "proved", "nl": "bewezen"},
    "status.passed": {"en": "passed", "nl": "geslaagd"},
    "status.failed": {"en": "failed", "nl": "mislukt"},
    "status.counterexample": {"en": "counterexample", "nl": "tegenvoorbeeld"},
    "status.conflict": {"en": "conflict", "nl": "strijdig"},
    "status.gap": {"en": "gap", "nl": "leemte"},
    "status.dead": {"en": "dead", "nl": "dood"},
    "status.redundant": {"en": "redundant", "nl": "overbodig"},
    "status.vacuous": {"en": "vacuous", "nl": "zegt niets"},
    "status.unknown": {"en": "unknown", "nl": "onbekend"},
    "status.changed": {"en": "changed", "nl": "gewijzigd"},
    "status.unchanged": {"en": "unchanged", "nl": "ongewijzigd"},
    "status.satisfiable": {"en": "satisfiable", "nl": "gevonden"},
    "status.unsatisfiable": {"en": "unsatisfiable", "nl": "geen geval"},
    "status.clean": {"en": "clean", "nl": "in orde"},
    "status.default": {"en": "otherwise", "nl": "anders"},
    "status.undecided": {"en": "undecided", "nl": "onbeslist"},
    "status.undefined": {"en": "undefined", "nl": "onbepaald"},
    "status.resolved": {"en": "resolved", "nl": "beslecht"},
    # a built-in check that found nothing
    "check.conflict": {"en": "conflicts", "nl": "strijdige regels"},
    "check.gap": {"en": "gaps", "nl": "leemtes"},
    "check.dead": {"en": "dead rules", "nl": "dode regels"},
    "check.redundant": {"en": "redundant rules", "nl": "overbodige regels"},
    "check.none": {"en": "{code} {check}: none, {decisions}", "nl": "{code} {check}: geen, {decisions}"},
    "check.allowed": {"en": " (not reported for {count} with @allow({code}))",
                      "nl": " (niet gemeld voor {count} met @allow({code}))"},
    "decisions": {"en": "{count} decision{s}", "nl": "{count} beslissing{en}"},
    "check.skipped": {"en": "{code} {check}: not run for {names} (a parameter has no value)",
                      "nl": "{code} {check}: niet uitgevoerd voor {names} (een parameter heeft geen waarde)"},
    # headline notes
    "as_expected": {"en": "as expected", "nl": "zoals verwacht"},
    "expected": {"en": "expected {status}", "nl": "verwacht: {status}"},
    "cached": {"en": "(cached)", "nl": "(uit de cache)"},
    "in_version": {"en": "in {version}", "nl": "in {version}"},
    "rests_on": {"en": "rests on {articles}", "nl": "steunt op {articles}"},
    "rests_on_domain": {"en": "by the domain alone", "nl": "volgt alleen uit de waardebereiken"},
    "lemmas": {"en": "{count} decision{s} always decided (checked separately)",
               "nl": "{count} beslissing{en} altijd beslist (apart nagegaan)"},
    "ruled_out_by": {"en": "no case: ruled out by {articles}", "nl": "uitgesloten door {articles}"},
    "ruled_out_domain": {"en": "no case: the facts' ranges alone rule it out",
                         "nl": "de waardebereiken van de feiten sluiten het uit"},
    "ruled_out_heading": {"en": "no case satisfies the query; these rules and values rule every case out:",
                          "nl": "geen geval voldoet aan de vraag; deze regels en waarden sluiten elk geval uit:"},
    "conditions": {"en": "the conditions: {conditions}", "nl": "de voorwaarden: {conditions}"},
    "cases_found": {"en": "{count} case{s} found", "nl": "{count} geval{len} gevonden"},
    # witnesses
    "case_n": {"en": "case {n}:", "nl": "geval {n}:"},
    "articles": {"en": "articles: {articles}", "nl": "artikelen: {articles}"},
    "fact": {"en": "fact", "nl": "feit"},
    "value": {"en": "value", "nl": "waarde"},
    "the_case": {"en": "the case:", "nl": "het geval:"},
    "peildatum": {"en": "peildatum: {dates}", "nl": "peildatum: {dates}"},
    "outcome": {"en": "outcome:", "nl": "uitkomst:"},
    "case_named": {"en": "case {case}", "nl": "geval {case}"},
    "otherwise_of": {"en": "(no rule applies; 'otherwise' of {where})", "nl": "(geen regel is van toepassing; 'anders' van {where})"},
    "otherwise": {"en": "(no rule applies; 'otherwise')", "nl": "(geen regel is van toepassing; 'anders')"},
    "rule.applies": {"en": "{where} applies", "nl": "{where} is van toepassing"},
    "rule.overridden": {"en": "{where} applies but is overridden by {by}",
                        "nl": "{where} is van toepassing maar wijkt voor {by}"},
    "rule.not_applies": {"en": "{where} does not apply", "nl": "{where} is niet van toepassing"},
    "rule.fails": {"en": "{where} does not apply: '{condition}' does not hold",
                   "nl": "{where} is niet van toepassing: '{condition}' geldt niet"},
    "per_item": {"en": "per item:", "nl": "per item:"},
    "defaulted": {"en": "at their default (not in the case file): {names}",
                  "nl": "op hun standaardwaarde (niet in het casusbestand): {names}"},
    # diffs
    "diff.who": {"en": "who (changed region)", "nl": "wie (gewijzigd gebied)"},
    "diff.before": {"en": "before", "nl": "voor"},
    "diff.after": {"en": "after", "nl": "na"},
    "diff.example": {"en": "example", "nl": "voorbeeld"},
    "diff.eg": {"en": "e.g. {value}", "nl": "bijv. {value}"},
    "diff.gains": {"en": "gains", "nl": "gaat erop vooruit"},
    "diff.loses": {"en": "loses", "nl": "gaat erop achteruit"},
    "diff.changes": {"en": "changes", "nl": "verandert"},
    "diff.combinations": {"en": "{count} combinations", "nl": "{count} combinaties"},
    "diff.every_case": {"en": "every case", "nl": "elk geval"},
    "diff.some_cases": {"en": "some cases", "nl": "een deel van de gevallen"},
    "diff.within": {"en": "all within", "nl": "alle binnen"},
    "diff.at_item": {"en": "{item} of", "nl": "{item} van"},
    "count.cases": {"en": "{count:,} case{s}", "nl": "{count:,} geval{len}"},
    "count.rows": {"en": "{count:,} row{s}", "nl": "{count:,} rij{en}"},
    "diff.no_order": {"en": "changes for {count} combination(s) of enum/bool facts (the outcome has no order: nobody gains or loses)",
                      "nl": "verandert voor {count} combinatie(s) van keuze- of ja/nee-feiten (de uitkomst kent geen volgorde: niemand gaat erop vooruit of achteruit)"},
    "diff.counts": {"en": "who gains: {gains} combination(s) of enum/bool facts; who loses: {loses}; other changes: {changes}",
                    "nl": "wie erop vooruitgaat: {gains} combinatie(s) van keuze- of ja/nee-feiten; wie erop achteruitgaat: {loses}; andere wijzigingen: {changes}"},
    "diff.brief_counts": {"en": "who gains: {gains}; who loses: {loses}; other changes: {changes} (--brief: an example of each, not the groups)",
                          "nl": "wie erop vooruitgaat: {gains}; wie erop achteruitgaat: {loses}; andere wijzigingen: {changes} (--brief: van elk een voorbeeld, niet de groepen)"},
    "diff.brief_no_order": {"en": "changes: {changes} (the outcome has no order: nobody gains or loses; --brief: an example, not the groups)",
                            "nl": "wijzigingen: {changes} (de uitkomst kent geen volgorde: niemand gaat erop vooruit of achteruit; --brief: een voorbeeld, niet de groepen)"},
    "diff.some": {"en": "some", "nl": "sommigen"},  # people: who gains, who loses
    "diff.nobody": {"en": "nobody", "nl": "niemand"},
    "diff.some_changes": {"en": "some", "nl": "ja"},  # changes: other changes, yes or none
    "diff.no_changes": {"en": "none", "nl": "geen"},
    "diff.brief_summary": {"en": "{changed} of {total} decision{s} changed (someone gains in {gains}, someone loses in {loses}, other changes in {other}; --brief)",
                           "nl": "{changed} van {total} beslissing{en} gewijzigd (in {gains} gaat iemand erop vooruit, in {loses} erop achteruit, in {other} verandert het anders; --brief)"},
    "diff.incomplete": {"en": " ({reason}; more groups may change)", "nl": " ({reason}; meer groepen kunnen veranderen)"},
    "diff.outlined": {"en": " ({reason})", "nl": " ({reason})"},
    "diff.within_anything": {"en": "all within: any values of the facts", "nl": "alle binnen: alle waarden van de feiten"},
    "diff.delta": {"en": "change (after - before) for {who}: {range}", "nl": "verandering (na - voor) voor {who}: {range}"},
    "diff.who_gains": {"en": "who gains", "nl": "wie erop vooruitgaat"},
    "diff.who_loses": {"en": "who loses", "nl": "wie erop achteruitgaat"},
    "diff.count_unknown": {"en": "unknown (the solver ran out of budget)", "nl": "onbekend (de solver had te weinig tijd)"},
    "diff.at_least": {"en": "at least {count}", "nl": "ten minste {count}"},
    "diff.range": {"en": "{low} to {high}", "nl": "{low} tot {high}"},
    "diff.more_than": {"en": "more than {value}", "nl": "meer dan {value}"},
    "diff.less_than": {"en": "less than {value}", "nl": "minder dan {value}"},
    "diff.lower_end": {"en": "lower end: {reason}", "nl": "ondergrens: {reason}"},
    "diff.upper_end": {"en": "upper end: {reason}", "nl": "bovengrens: {reason}"},
    "diff.articles": {"en": "articles deciding the examples: {articles}", "nl": "artikelen die de voorbeelden beslissen: {articles}"},
    "diff.summary": {"en": "{changed} of {total} decision{s} changed ({groups} group{gs}: {gains} gain, {loses} lose, {other} change otherwise)",
                     "nl": "{changed} van {total} beslissing{en} gewijzigd ({groups} groep{gen}: {gains} vooruit, {loses} achteruit, {other} anders gewijzigd)"},
    "diff.undecided": {"en": "could not compare (solver budget): {names}",
                       "nl": "niet te vergelijken (te weinig solvertijd): {names}"},
    "diff.unchanged": {"en": "unchanged: {names}", "nl": "ongewijzigd: {names}"},
    "none": {"en": "none", "nl": "geen"},
    # summary
    "summary.none": {"en": "no examples, properties or findings to report",
                     "nl": "geen voorbeelden, eigenschappen of bevindingen om te melden"},
    "summary.count": {"en": "{count} result{s}: {parts}", "nl": "{count} resulta{ten}: {parts}"},
    "summary.attention": {"en": "{count} need attention:", "nl": "{count} niet zoals verklaard:"},
    "summary.ok": {"en": "everything as declared", "nl": "alles zoals verklaard"},
    "progress.check": {"en": "checking {count} statute{s}…", "nl": "{count} wet{ten_} controleren…"},
    "watch.check_changed": {"en": "changed: {files}; checking again…", "nl": "gewijzigd: {files}; opnieuw controleren…"},
    "watch.check_waiting": {"en": "checked in {seconds} s; watching {count} file{s} for changes (Ctrl-C stops)",
                      "nl": "gecontroleerd in {seconds} s; wacht op wijzigingen in {count} bestand{en} (Ctrl-C stopt)"},
    "watch.diff_changed": {"en": "changed: {files}; comparing again…", "nl": "gewijzigd: {files}; opnieuw vergelijken…"},
    "watch.diff_waiting": {"en": "compared in {seconds} s; watching {count} file{s} for changes (Ctrl-C stops)",
                           "nl": "vergeleken in {seconds} s; wacht op wijzigingen in {count} bestand{en} (Ctrl-C stopt)"},
    "watch.eval_changed": {"en": "changed: {files}; evaluating again…", "nl": "gewijzigd: {files}; opnieuw doorrekenen…"},
    "watch.eval_waiting": {"en": "evaluated in {seconds} s; watching {count} file{s} for changes (Ctrl-C stops)",
                           "nl": "doorgerekend in {seconds} s; wacht op wijzigingen in {count} bestand{en} (Ctrl-C stopt)"},
    "cache.reused": {"en": "(reused the results of {count} unchanged statute{s} from {directory}; --no-cache checks afresh)",
                     "nl": "(de resultaten van {count} ongewijzigde wet{ten_} hergebruikt uit {directory}; "
                           "--no-cache controleert opnieuw)"},
    "progress.diff": {"en": "comparing versions…", "nl": "versies vergelijken…"},
    # lexproof impact (verifier/impact.py human_lines)
    "impact.on": {"en": "impact on {cases} of {source} ({engine})", "nl": "effect op {cases} in {source} ({engine})"},
    "impact.before": {"en": "before: {version}", "nl": "voor: {version}"},
    "impact.after": {"en": "after:  {version}", "nl": "na:   {version}"},
    "impact.left_out": {"en": "{bad} of {rows} left out as bad (see below)",
                        "nl": "{bad} van {rows} weggelaten als onbruikbaar (zie onder)"},
    "impact.totals": {"en": "total before {before}, after {after}, difference {difference}",
                      "nl": "totaal voor {before}, na {after}, verschil {difference}"},
    "impact.difference": {"en": "difference {difference}", "nl": "verschil {difference}"},
    "impact.deciles": {"en": "change among the {changed} whose value changes (0%..100% by 10%): {values}",
                       "nl": "verandering bij de {changed} van wie de waarde verandert (0%..100% per 10%): {values}"},
    "impact.deciding": {"en": "decided by (before -> after), where the outcome changes: {rules}",
                        "nl": "beslist door (voor -> na), waar de uitkomst verandert: {rules}"},
    "impact.decided_by": {"en": "decided by: {rules}", "nl": "beslist door: {rules}"},
    "impact.no_value": {"en": "no value", "nl": "geen waarde"},
    "impact.bad_rows": {"en": "bad rows: {bad}", "nl": "onbruikbare rijen: {bad}"},
    "impact.cat.gain": {"en": "gain", "nl": "vooruit"},
    "impact.cat.lose": {"en": "lose", "nl": "achteruit"},
    "impact.cat.become_eligible": {"en": "become eligible", "nl": "krijgen recht"},
    "impact.cat.lose_eligibility": {"en": "lose eligibility", "nl": "verliezen recht"},
    "impact.cat.change": {"en": "change", "nl": "anders"},
    "impact.cat.keep": {"en": "keep", "nl": "gelijk"},
    "impact.cat.become_undefined": {"en": "become undefined", "nl": "worden onbepaald"},
    "impact.cat.become_defined": {"en": "become defined", "nl": "worden bepaald"},
    "impact.cat.undefined_in_both": {"en": "undefined in both", "nl": "onbepaald in beide"},
    "bool.true": {"en": "true", "nl": "waar"},
    "bool.false": {"en": "false", "nl": "onwaar"},
}

# The engine's messages (built where the finding is made, in English, and kept so in JSON, SARIF
# and JUnit), as patterns with their Dutch wording for the human output. A message that matches
# none is shown as written.
ENGINE_NL: list[tuple[str, str]] = [
    # why a summary of cases is incomplete (verifier/regions.py, verifier/diff.py), per part
    (r"(?P<part>gains|loses|changes): (?P<x>[^;]+)", "{part}: {x}"),
    (r"the solver ran out of budget", "de solver had niet genoeg rekentijd"),
    (r"more than (?P<n>\d+) combinations of enum/bool values \(the rows outline them\)",
     "meer dan {n} combinaties van keuze- of ja/nee-feiten (de rijen omlijnen ze)"),
    (r"stopped after (?P<n>\d+) combinations of enum/bool values",
     "gestopt na {n} combinaties van keuze- of ja/nee-feiten"),
    (r"the solver ran out of budget while listing the groups",
     "de solver had niet genoeg rekentijd om de groepen op te sommen"),
    (r"the solver ran out of budget for an example case of a group",
     "de solver had niet genoeg rekentijd voor een voorbeeld van een groep"),
    (r"the solver ran out of budget deciding whether it changes \(raise --timeout\)",
     "de solver had niet genoeg rekentijd om te beslissen of de uitkomst verandert (verhoog --timeout)"),
    (r"the solver ran out of budget while summarizing the groups \(raise --timeout\)",
     "de solver had niet genoeg rekentijd om de groepen samen te vatten (verhoog --timeout)"),
    (r"rules (?P<a>.+?) and (?P<b>.+?) both apply to the case below and decide (?P<d>\S+) differently \((?P<v>.*)\)",
     "regels {a} en {b} zijn allebei van toepassing op het geval hieronder en beslissen {d} verschillend ({v})"),
    (r"rules (?P<a>\S+) and (?P<b>\S+) both apply and disagree",
     "regels {a} en {b} zijn allebei van toepassing en spreken elkaar tegen"),
    (r"no rule decides (?P<d>\S+) for the case below, and it has no 'otherwise'; undecided where: (?P<w>.*)",
     "geen regel beslist {d} voor het geval hieronder, en {d} heeft geen 'anders'; onbeslist waar: {w}"),
    (r"no rule decides (?P<d>\S+) and it has no default", "geen regel beslist {d} en er is geen 'anders'"),
    (r"rule (?P<r>.+?) can apply but is always overridden by (?P<o>.*)",
     "regel {r} kan van toepassing zijn maar wijkt altijd voor {o}"),
    (r"rule (?P<r>.+?) can never apply: its condition cannot hold within the facts' domain",
     "regel {r} is nooit van toepassing: de voorwaarde kan binnen de waardebereiken van de feiten niet gelden"),
    (r"rule (?P<r>.+?) is redundant: removing it changes no outcome of (?P<d>\S+)",
     "regel {r} is overbodig: zonder deze regel verandert geen uitkomst van {d}"),
    (r"(?P<n>\S+): expected (?P<e>.+?), got (?P<g>.+)", "{n}: verwacht {e}, uitkomst {g}"),
    (r"fails for the case below", "faalt voor het geval hieronder"),
    (r"every expected outcome matches", "elke verwachte uitkomst klopt"),
    (r"the premises can never hold together, so the claim says nothing",
     "de aannames kunnen nooit samen gelden, dus de bewering zegt niets"),
    (r"the condition before 'implies' can never hold, so the claim says nothing",
     "de voorwaarde vóór 'implies' kan nooit gelden, dus de bewering zegt niets"),
    (r"the condition before 'implies' can never hold together with the premises, so the claim says nothing",
     "de voorwaarde vóór 'implies' kan nooit samen met de aannames gelden, dus de bewering zegt niets"),
    (r"the solver ran out of budget \(raise --timeout\); nothing is (?P<what>established|proved)",
     "de solver had te weinig tijd (verhoog --timeout); niets is vastgesteld"),
    (r"the solver ran out of budget deciding whether the premises can hold",
     "de solver had te weinig tijd om te beslissen of de aannames kunnen gelden"),
    (r"the solver ran out of budget deciding whether the condition before 'implies' can hold \(raise --timeout\)",
     "de solver had te weinig tijd om te beslissen of de voorwaarde vóór 'implies' kan gelden (verhoog --timeout)"),
    (r"the solver ran out of budget looking for more \(raise --timeout\)",
     "de solver had te weinig tijd om meer gevallen te zoeken (verhoog --timeout)"),
    (r"the solver ran out of budget", "de solver had te weinig tijd"),
    (r"nothing is (?:established|proved)", "niets is vastgesteld"),
    # a proof and what it rests on (verifier/properties.py: PROVED_WORDING, describe_tracker)
    (r"holds for every case", "geldt voor elk geval"),
    (r"holds for every case \(by the domain alone\)", "geldt voor elk geval (volgt alleen uit de waardebereiken)"),
    (r"rests on (?P<basis>.+)", "steunt op {basis}"),
    (r"this rests on (?P<basis>.+)", "dit steunt op {basis}"),
    (r"no case satisfies the query", "geen geval voldoet aan de vraag"),
    (r"1 case\(s\) found", "1 geval gevonden"),
    (r"(?P<n>\d+) case\(s\) found", "{n} gevallen gevonden"),
    (r"here (?P<d>\S+) is (?P<s>undefined|undecided|conflict) all the same: (?P<x>.+)",
     "hier is {d} toch {s}: {x}"),
    # decisions per item (verifier/item_checks.py)
    (r"rules (?P<a>.+?) and (?P<b>.+?) both apply to (?P<i>\S+) of the case below and decide (?P<d>\S+) "
     r"differently \((?P<v>.*)\)",
     "regels {a} en {b} zijn allebei van toepassing op {i} van het geval hieronder en beslissen {d} verschillend ({v})"),
    (r"rule (?P<r>.+?) can apply but is always overridden by (?P<o>.*), for every item",
     "regel {r} kan van toepassing zijn maar wijkt bij elk item voor {o}"),
    (r"rule (?P<r>.+?) can never apply to any item: its condition cannot hold within the facts' domain",
     "regel {r} is op geen enkel item van toepassing: de voorwaarde kan binnen de waardebereiken van de feiten niet gelden"),
    (r"rule (?P<r>.+?) is redundant: removing it changes no outcome of (?P<d>\S+) for any item",
     "regel {r} is overbodig: zonder deze regel verandert bij geen enkel item een uitkomst van {d}"),
    # why a decision has no value (lexproof.dsl.evaluator)
    (r"a condition of (?P<d>\S+) is undefined: (?P<x>.+)", "een voorwaarde van {d} is onbepaald: {x}"),
    (r"the value of rule (?P<r>\S+) is undefined: (?P<x>.+)", "de waarde van regel {r} is onbepaald: {x}"),
    (r"(?P<d>\S+) is (?P<s>undefined|undecided|conflict)", "{d} is {s}"),
    (r"(?P<d>\S+) of (?P<i>\S+) is (?P<s>undefined|undecided|conflict)", "{d} van {i} is {s}"),
    (r"(?P<d>\S+) depends on itself", "{d} hangt van zichzelf af"),
    (r"(?P<o>\w+)\(\) over no (?P<k>\S+) items", "{o}() over geen enkel item van {k}"),
    (r"(?P<v>.+) lies above the last row of table (?P<t>\S+)", "{v} ligt boven de laatste rij van tabel {t}"),
    (r"division by zero", "deling door nul"),
    # two statutes that decide one question (verifier/questions.py, LP105)
    (r"(?P<a>\S+) and (?P<b>\S+) decide question '(?P<q>[^']*)' differently for the case below",
     "{a} en {b} beantwoorden de vraag '{q}' verschillend voor het geval hieronder"),
    (r"lex posterior cannot tell which is later \(no amendment of either statute, or both on the same day, is in "
     r"force in the version\)",
     "lex posterior kan niet zeggen welke later is (in de versie is geen wijziging van een van beide wetten in "
     "werking, of van beide op dezelfde dag)"),
    (r"(?P<a>\S+) and (?P<b>\S+) disagree for the case below",
     "{a} en {b} beslissen verschillend voor het geval hieronder"),
    (r"(?P<win>\S+) decides there \(lex (?P<p>\w+)\), (?P<l>\S+) yields", "daar beslist {win} (lex {p}), {l} wijkt"),
    (r"(?P<win>\S+) prevails \(lex (?P<p>\w+)\): (?P<x>.+)", "{win} gaat voor (lex {p}): {x}"),
    (r"(?P<l>\S+)'s decision is dead on this question wherever both are in force and a priority decides: "
     r"(?P<win>\S+) decides every case it decides there",
     "de beslissing van {l} is dood voor deze vraag overal waar beide gelden en een voorrangsregel beslist: "
     "{win} beslist daar elk geval dat {l} beslist"),
    (r"wherever both are in force and a priority decides, the yielding decision is dead there: (?P<x>.+)",
     "overal waar beide gelden en een voorrangsregel beslist, is de wijkende beslissing daar dood: {x}"),
    (r"(?P<l>\S+)'s where (?P<win>\S+) prevails \((?P<labels>.+)\)", "die van {l} waar {win} voorgaat ({labels})"),
    (r"by lex (?P<p>\w+): (?P<x>.+)", "volgens lex {p}: {x}"),
    (r"whether (?P<l>\S+)'s decision is dead on this question is unknown \(the solver gave up\)",
     "of de beslissing van {l} dood is voor deze vraag, is onbekend (de solver gaf het op)"),
    (r"(?P<l>\S+)'s decision is not dead: where (?P<win>\S+) prevails \((?P<labels>.+?)\), \S+ still decides "
     r"cases \S+ leaves undecided",
     "de beslissing van {l} is niet dood: waar {win} voorgaat ({labels}), beslist {l} nog gevallen die {win} "
     "onbeslist laat"),
    (r"the solver gave up in (?P<labels>.+)", "de solver gaf het op in {labels}"),
    (r"the solver ran out of budget comparing (?P<a>\S+) and (?P<b>\S+) \(raise --timeout\)",
     "de solver had te weinig tijd om {a} en {b} te vergelijken (verhoog --timeout)"),
    (r"(?P<a>\S+) and (?P<b>\S+) are never both in force \(with every parameter they read\) in one version",
     "{a} en {b} zijn in geen enkele versie allebei van kracht (met elke parameter die zij lezen)"),
    (r"(?P<a>\S+) and (?P<b>\S+) agree wherever both decide, in every version checked",
     "{a} en {b} beslissen gelijk waar zij allebei beslissen, in elke nagegane versie"),
    (r"(?P<d>\S+) changes in (?P<n>\d+) group\(s\)", "{d} verandert in {n} groep(en)"),
    (r"(?P<d>\S+) changes in (?P<n>\d+) group\(s\), compared (?P<k>\S+) by (?P=k)",
     "{d} verandert in {n} groep(en), vergeleken per {k}"),
    (r"(?P<d>\S+) changes in (?P<n>\d+) group\(s\) and (?P<m>\d+) outline\(s\)",
     "{d} verandert in {n} groep(en) en {m} omlijning(en)"),
    (r"(?P<d>\S+) changes in (?P<n>\d+) group\(s\) and (?P<m>\d+) outline\(s\), compared (?P<k>\S+) by (?P=k)",
     "{d} verandert in {n} groep(en) en {m} omlijning(en), vergeleken per {k}"),
    (r"(?P<d>\S+) changes: an example per direction \(--brief\)", "{d} verandert: een voorbeeld per richting (--brief)"),
    (r"(?P<d>\S+) changes: an example per direction \(--brief\), compared (?P<k>\S+) by (?P=k)",
     "{d} verandert: een voorbeeld per richting (--brief), vergeleken per {k}"),
    (r"brief: one example, the groups not listed \(run without --brief; --decision NAME for one decision\)",
     "beknopt: een voorbeeld, de groepen niet opgesomd (zonder --brief; --decision NAAM voor één beslissing)"),
    (r"(?P<d>\S+) is the same for every (?P<k>\S+) of every case", "{d} is gelijk voor elke {k} van elk geval"),
]

# An amount as the engine writes it in English ('€1,409.00', '-€0.50'), to be shown in Dutch.
_ENGLISH_AMOUNT = r"(?P<sign>-?)€(?P<whole>[0-9]{1,3}(?:,[0-9]{3})*)\.(?P<cents>[0-9]{2})(?![0-9])"


def localize_amounts(text_: str, lang: str) -> str:
    """Amounts in an engine text ('e.g. €7,045.00', 'omzet €0.00..€1,000,000.00') in the
    locale's format; the text around them unchanged."""
    import re

    if lang == "en":
        return text_

    def one(match: re.Match[str]) -> str:
        cents = int(match["whole"].replace(",", "")) * 100 + int(match["cents"])
        return money(Fraction(-cents if match["sign"] else cents, 100), lang)

    return re.sub(_ENGLISH_AMOUNT, one, text_).replace("e.g. ", "bijv. ")


# A decimal number as the engine writes it in English ('20.25', '-1.5', the 12.5 of '12.5%', the
# 0.3333 of '0.3333… (exactly 1/3)'): not a digit group or the cents of an amount ('€1,409.00' is
# localize_amounts' job), not glued to a word ('art. 3.16b'), not one part of '1.2.3'. The '..' of
# a range may stand on either side ('0..20.25', '1.5..3').
_ENGLISH_DECIMAL = (r"(?<![\w,/€$])(?<![^.]\.)(?<!^\.)(?P<sign>-?)(?P<whole>[0-9]+)\.(?P<fraction>[0-9]+)"
                    r"(?![\w]|\.[0-9])")
# The words of a region ('where' a gap is), as regions.describe_row writes them.
_REGION_WORDS_NL = [(r"\bsome cases: ", "een deel van de gevallen: "), (r"\bwithin: ", "alle binnen: "),
                    (r"^an example \(--brief\)$", "een voorbeeld (--brief)"),
                    (r"\bevery case\b", "elk geval"),
                    (r"\(exactly ", "(precies ")]
_ISO_DATE = r"(?<![\w-])(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?![\w-])"


def values_text(values: str, lang: str) -> str:
    """Values as the engine writes them in English ('true', '20.25', '12.5%', '2027-09-01') in
    ``lang``: true/false in words, decimal numbers with the locale's decimal sign, dates as
    ``date`` writes them. Ints stay as the statute writes them (no digit groups: '0..1.499'
    would read as a decimal), amounts are left to ``localize_amounts``."""
    import re

    if lang == "en":
        return values
    values = re.sub(r"\btrue\b", text("bool.true", lang), values)
    values = re.sub(r"\bfalse\b", text("bool.false", lang), values)
    values = re.sub(_ENGLISH_DECIMAL, lambda m: f"{m['sign']}{m['whole']},{m['fraction']}", values)

    def one_date(match: re.Match[str]) -> str:
        try:
            return date(dt.date(int(match["y"]), int(match["m"]), int(match["d"])), lang)
        except ValueError:
            return match[0]

    return re.sub(_ISO_DATE, one_date, values)


def region_text(region: str, lang: str) -> str:
    """A region of cases as the engine describes it ('some cases: uren 0..20.25, aandeel
    0%..12.5%, mantelzorg = true') in ``lang``: its words and its values (``values_text``)."""
    import re

    if lang == "en":
        return region
    for pattern, words in _REGION_WORDS_NL:
        region = re.sub(pattern, words, region)
    return values_text(region, lang)


_VERSION_LABEL = r"(?P<name>\S+) on (?P<day>\d{4}-\d{2}-\d{2})(?: \((?P<with>(?:[^()]*? )?with [^()]*)\))?"


def version_label_text(label: str, lang: str) -> str:
    """Version labels as ``lexproof.dsl.consolidate`` writes them ('WSF2000 on 2027-09-01 (with
    uitbreiding_mbo)', 'AVG on 2027-07-01 (SUWI with proactieve_dienstverlening_szw)', several
    joined by '; ') in ``lang``: 'WSF2000 op 1 september 2027 (met uitbreiding_mbo)'."""
    import re

    if lang == "en":
        return label

    def one(match: re.Match[str]) -> str:
        day = date(dt.date.fromisoformat(match["day"]), lang)
        amended = " (" + re.sub(r"(?<![\w.])with(?![\w.])", "met", match["with"]) + ")" if match["with"] else ""
        return f"{match['name']} op {day}{amended}"

    return re.sub(_VERSION_LABEL, one, label)


# A value the engine writes exactly because it is not a whole number of cents (or has no finite
# decimal expansion): 'format_money', 'format_rate' and 'format_number' of lexproof.dsl.values.
_EXACT_MONEY = r"-?€[0-9,]+\.[0-9]+… \(exactly (?P<exact>-?[0-9]+/[0-9]+) euro\)"
_EXACT_RATE = r"-?[0-9.]+…% \(exactly (?P<exact>-?[0-9]+/[0-9]+)\)"
_EXACT_NUMBER = r"-?[0-9.]+… \(exactly (?P<exact>-?[0-9]+/[0-9]+)\)"


def outcome_text(value: str, lang: str) -> str:
    """A decision's outcome as a diff row writes it ('false', 'lcw_lesgeld', 'undefined', 'e.g.
    €1,409.00', 'e.g. €469.6666… (exactly 1409/3 euro)') for a person in ``lang``: statuses and
    true/false in words, amounts to the cent and numbers rounded as ``money`` and ``number`` do
    ('≈€469.67'; the exact value stays in the JSON), the locale's formats."""
    import re

    if value.startswith("e.g. "):
        return text("diff.eg", lang, value=outcome_text(value[len("e.g. "):], lang))
    if value in ("undefined", "undecided", "conflict"):
        return status_text(value, lang)
    for pattern, shown in ((_EXACT_MONEY, money), (_EXACT_RATE, percent), (_EXACT_NUMBER, number)):
        match = re.fullmatch(pattern, value)
        if match:
            return shown(Fraction(match["exact"]), lang)
    return localize_amounts(values_text(value, lang), lang)


def basis_text(basis: str, lang: str) -> str:
    """What a proof rests on, as ``describe_tracker`` writes each entry ('art. 1 S (rule a)',
    'art. 2 S: grens = 36.5%', 'art. 3 S: d otherwise', 'd is always decided (checked
    separately)'), in ``lang``: the words, and each parameter's value by ``values_text``
    (citations are left alone: 'art. 1.5' is not a decimal number)."""
    import re

    if lang == "en":
        return basis
    basis = re.sub(r"\(rule (?P<r>[\w.]+)\)", r"(regel \g<r>)", basis)
    basis = re.sub(r"(?P<d>[\w.]+) is always decided \(checked separately\)", r"\g<d> is altijd beslist (apart nagegaan)",
                   basis)
    basis = re.sub(r"(?P<d>[\w.]+) otherwise(?=, |$)", r"'anders' van \g<d>", basis)
    return re.sub(r"(?<=[\w.]) = (?P<v>[^ ,]+)(?=, |$)", lambda m: " = " + values_text(m["v"], lang), basis)


def _status_nl(status: str, lang: str) -> str:
    return status_text(status, lang)


def _part_nl(part: str, lang: str) -> str:
    """A phrase that is an engine message of its own (a reason inside a reason)."""
    return _translate(part) or part


# Groups of an ENGINE_NL pattern that hold more than a name, and how to show them in Dutch:
# w, where a gap is; v, the values two rules give ('true vs false'); basis, what a proof rests
# on; s, a decision's status; x, a message of its own.
_PARTS_NL = {"gains": "vooruit", "loses": "achteruit", "changes": "anders gewijzigd"}
_GROUPS_NL = {"part": lambda part, lang: _PARTS_NL[part], "w": region_text, "v": values_text, "basis": basis_text, "s": _status_nl, "x": _part_nl,
              "labels": lambda labels, lang: version_label_text(labels, lang)}


def engine_text(message: str, lang: str) -> str:
    """An engine message in ``lang``: each '; '-separated part by the first pattern of
    ``ENGINE_NL`` that matches it whole; other parts as written."""

    if lang != "nl" or not message:
        return message
    whole = _translate(message)
    if whole is None:
        whole = "; ".join(_translate(part) or part for part in message.split("; "))
    return localize_amounts(whole, lang)


def _translate(part: str) -> str | None:
    import re

    for pattern, template in ENGINE_NL:
        match = re.fullmatch(pattern, part)
        if match:
            groups = {name: _GROUPS_NL[name](value, "nl") if name in _GROUPS_NL and value else value
                      for name, value in match.groupdict().items()}
            return template.format(**groups)
    return None


# Plural endings per language, filled in by ``text`` from a ``count`` value.
_PLURALS = {
    "en": {"s": "s", "s_": "", "en": "s", "ten": "s", "gs": "s", "gen": "s", "len": "s", "ten_": "s"},
    "nl": {"s": "s", "s_": "", "en": "en", "ten": "ten", "gs": "s", "gen": "en", "len": "len", "en_": "en", "ten_": "ten"},
}
# {ten} is resulta(at|ten); {ten_} is wet(|ten): a word that adds 'ten' and has no singular ending.
_SINGULAR = {"s": "", "s_": "s", "en": "", "ten": "at", "gs": "", "gen": "", "len": "", "en_": "t", "ten_": ""}


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """The language of the locale: LC_ALL, else LC_MESSAGES, else LANG; Dutch when it starts with
    'nl' (nl_NL.UTF-8, nl_BE), English otherwise (also when no locale is set)."""
    env = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable)
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


def check_lang(lang: str | None) -> str:
    """``lang``, or the locale's language when None; ValueError for a language not offered."""
    if lang is None:
        return default_lang()
    if lang not in LANGS:
        raise ValueError(f"unknown language '{lang}' (use {' or '.join(LANGS)})")
    return lang


def text(key: str, lang: str = "en", **values: object) -> str:
    """The catalogue's text for ``key`` in ``lang`` with the values filled in. A ``count`` value
    also fills the plural endings ({s}, {en}, ...) of both languages."""
    entry = CATALOGUE[key]
    template = entry.get(lang) or entry["en"]
    count = values.get("count")
    if isinstance(count, int) or "{s}" in template or "{en}" in template:
        one = count == 1 if isinstance(count, int) else False
        endings = {k: (_SINGULAR[k] if one else v) for k, v in _PLURALS.get(lang, _PLURALS["en"]).items()}
        for name, ending in endings.items():
            values.setdefault(name, ending)
    return template.format(**values)


def count_text(noun: str, count: int, lang: str = "en") -> str:
    """A number of cases or rows with the noun in the number's form: '1 case', '2 cases',
    '1 geval', '2 gevallen' (``noun``: cases or rows); thousands grouped as the language does
    (1,000 and 1.000)."""
    words = text(f"count.{noun}", lang, count=count)
    return words.replace(",", ".") if lang == "nl" else words


def status_text(status: str, lang: str) -> str:
    key = f"status.{status}"
    return text(key, lang) if key in CATALOGUE else status


def kind_text(kind: str, lang: str) -> str:
    key = f"kind.{kind}"
    return text(key, lang) if key in CATALOGUE else kind


# --- numbers, money and dates in the locale's format --------------------------------------------

_LOCALES = {"en": "en_US", "nl": "nl_NL"}


def _decimal(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half-even to ``places`` decimals (enough precision for any value short
    enough to show: longer ones are described, not printed, by ``human_value``)."""
    with localcontext() as context:
        context.prec = 400
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


# Remembered: a case of a 10,000-rule statute shows 4,000 values, many of them the same, and
# formatting one through babel costs 40 microseconds (docs/performance.md, "Session 18").
@functools.lru_cache(maxsize=4096)
def money(amount: Fraction, lang: str) -> str:
    """To the cent, as the locale writes it: '€1,409.00' (en), '€ 1.409,00' (nl). An amount
    that is not whole cents is rounded and marked '≈' (the exact value is in the JSON); one
    that rounds to nothing is '<€0.01' (or '>-€0.01')."""
    from babel.numbers import format_currency

    amount = Fraction(amount)
    cents = _decimal(amount, 2)
    if cents == 0 and amount != 0:  # '≈€0.00' would read as no amount at all
        cent = Decimal("0.01") if amount > 0 else Decimal("-0.01")
        return ("<" if amount > 0 else ">") + format_currency(cent, "EUR", locale=_LOCALES[lang])
    shown = format_currency(cents, "EUR", locale=_LOCALES[lang])
    return shown if Fraction(cents) == amount else "≈" + shown


@functools.lru_cache(maxsize=4096)
def number(value: Fraction | int, lang: str, places: int = 4) -> str:
    """A number as the locale writes it ('1,409.5', '1.409,5'), at most ``places`` decimals; a
    rounded value is marked '≈'."""
    from babel.numbers import format_decimal

    value = Fraction(value)
    shown = _decimal(value, places)
    text_ = format_decimal(shown, format="#,##0.####", locale=_LOCALES[lang])
    return text_ if Fraction(shown) == value else "≈" + text_


def percent(rate: Fraction, lang: str) -> str:
    """A rate as a percentage: '96%' (en), '96%' (nl), '12.5%' / '12,5%'."""
    return number(Fraction(rate) * 100, lang, places=2) + "%"


def human_value(value: object, type_, lang: str) -> str:
    """A run-time value for a person in ``lang``: money to the cent, numbers and rates in the
    locale's format, dates as the language writes them, true/false in words; enum values and
    ints as the statute writes them. The exact value stays in the JSON (``lexproof.dsl.values.to_json``)."""
    from lexproof.dsl.values import describe_long, too_long

    if value is None:
        return "-"
    kind = type_.kind
    if kind == "bool":
        return text("bool.true" if value else "bool.false", lang)
    if kind == "date":
        day = int(value)  # type: ignore[call-overload]
        from lexproof.dsl.values import format_date, is_representable_day

        return date(dt.date.fromordinal(day), lang) if is_representable_day(day) else format_date(day)
    if too_long(value):
        return describe_long(value)
    if kind == "money":
        return money(Fraction(value), lang)  # type: ignore[arg-type]
    if kind == "rate":
        return percent(Fraction(value), lang)  # type: ignore[arg-type]
    if kind == "number":
        return number(Fraction(value), lang)  # type: ignore[arg-type]
    return str(value)


def date(day: dt.date, lang: str) -> str:
    """ISO in English (unambiguous), '1 september 2027' in Dutch."""
    if lang == "en":
        return day.isoformat()
    from babel.dates import format_date

    return format_date(day, format="long", locale=_LOCALES[lang])
