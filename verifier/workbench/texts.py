"""Every text the workbench shows, in Dutch (the default: the drafter's language) and English.

Kept in one table, keyed by a short id, so that it can move into the project's message
catalogue later without touching the templates (they only call ``t(key)``)."""

from __future__ import annotations

import re

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

TEXTS: dict[str, dict[str, str]] = {
    "title": {"nl": "lexproof-werkbank", "en": "lexproof workbench"},
    "nav.statute": {"nl": "Wet per artikel", "en": "Statute by article"},
    "nav.case": {"nl": "Casus proberen", "en": "Try a case"},
    "nav.ask": {"nl": "Vragen", "en": "Ask"},
    "nav.check": {"nl": "Controle", "en": "Check"},
    "nav.diff": {"nl": "Wat verandert", "en": "What changes"},
    "lang.switch": {"nl": "English", "en": "Nederlands"},
    "load.failed": {"nl": "De wet kon niet worden geladen", "en": "The statute could not be loaded"},
    "errors": {"nl": "fouten", "en": "errors"},
    "article": {"nl": "Artikel", "en": "Article"},
    "no.article": {"nl": "Zonder artikel", "en": "Without an article"},
    "rules": {"nl": "Regels", "en": "Rules"},
    "rule": {"nl": "regel", "en": "rule"},
    "decisions": {"nl": "Beslissingen", "en": "Decisions"},
    "decision": {"nl": "Beslissing", "en": "Decision"},
    "parameter": {"nl": "Parameter", "en": "Parameter"},
    "table": {"nl": "Tabel", "en": "Table"},
    "parameters": {"nl": "Parameters", "en": "Parameters"},
    "tables": {"nl": "Tabellen", "en": "Tables"},
    "otherwise": {"nl": "anders", "en": "otherwise"},
    "from": {"nl": "vanaf", "en": "from"},
    "set.by": {"nl": "gewijzigd door", "en": "set by"},
    "added.by": {"nl": "toegevoegd door", "en": "added by"},
    "versions": {"nl": "Versies", "en": "Versions"},
    "in.force": {"nl": "in werking", "en": "in force"},
    "proposal": {"nl": "voorstel", "en": "proposal"},
    "amendment": {"nl": "Wijziging", "en": "Amendment"},
    "none": {"nl": "(geen)", "en": "(none)"},
    "facts": {"nl": "Feiten", "en": "Facts"},
    "date": {"nl": "Peildatum", "en": "Date"},
    "evaluate": {"nl": "Beoordelen", "en": "Evaluate"},
    "outcome": {"nl": "Uitkomst", "en": "Outcome"},
    "trace": {"nl": "Toegepaste regels", "en": "Trace"},
    "status": {"nl": "status", "en": "status"},
    "value": {"nl": "waarde", "en": "value"},
    "version": {"nl": "Versie", "en": "Version"},
    "invalid.case": {"nl": "De casus klopt niet", "en": "The case is not valid"},
    "defaulted": {"nl": "standaardwaarde gebruikt voor", "en": "at their default"},
    "trace.applied": {"nl": "toegepast", "en": "applied"},
    "trace.not applicable": {"nl": "niet van toepassing", "en": "not applicable"},
    "trace.overridden": {"nl": "opzijgezet door", "en": "overridden by"},
    "trace.undefined": {"nl": "onbepaald", "en": "undefined"},
    "failed": {"nl": "faalt op", "en": "fails on"},
    "ask.intro": {"nl": "Is er een geval waarin ...? Schrijf een vraag als: exists Aanvrager: VOORWAARDE",
                  "en": "Is there a case where ...? Write a question as: exists Aanvrager: CONDITION"},
    "ask.button": {"nl": "Zoeken", "en": "Search"},
    "ask.max": {"nl": "Maximaal aantal gevallen", "en": "At most this many cases"},
    "ask.found": {"nl": "Gevonden: een geval", "en": "Found: a case"},
    "ask.found.n": {"nl": "Gevonden: {n} gevallen", "en": "Found: {n} cases"},
    "ask.none": {"nl": "Geen geval: er bestaat geen casus die hieraan voldoet", "en": "No case: no case satisfies this"},
    "ask.why": {"nl": "Waarom niet: dit volgt uit", "en": "Why not: this rests on"},
    "ask.unknown": {"nl": "Onbekend: de rekentijd was op (geen bewijs, geen geval)",
                    "en": "Undecided: the solver ran out of budget (no proof, no case)"},
    "ask.ruled.out": {"nl": "Waarom niet: deze regels en waarden sluiten elk geval uit",
                      "en": "Why not: these rules and values rule every case out"},
    "ask.more": {"nl": "Meer gevallen zoals dit", "en": "More cases like this"},
    "ask.incomplete": {"nl": "De rekentijd was op bij het zoeken naar meer gevallen: er kunnen er meer zijn",
                       "en": "The solver ran out of budget looking for more cases: there may be more"},
    "case": {"nl": "Casus", "en": "Case"},
    "check.intro": {"nl": "Alle eigenschappen, voorbeelden en ingebouwde controles, per artikel.",
                    "en": "Every property, example and built-in check, by article."},
    "check.run": {"nl": "Controle uitvoeren", "en": "Run the check"},
    "check.ok": {"nl": "in orde", "en": "as expected"},
    "check.attention": {"nl": "aandacht nodig", "en": "needs attention"},
    "check.summary": {"nl": "Samenvatting", "en": "Summary"},
    "check.rules": {"nl": "regels", "en": "rules"},
    "kind": {"nl": "soort", "en": "kind"},
    "name": {"nl": "naam", "en": "name"},
    "message": {"nl": "toelichting", "en": "message"},
    "where": {"nl": "plaats", "en": "where"},
    "diff.intro": {"nl": "Wie wint en wie verliest door een wijziging, met een voorbeeldgeval per groep.",
                   "en": "Who gains and who loses by an amendment, with a witness case per group."},
    "diff.show": {"nl": "Verschil tonen", "en": "Show the difference"},
    "diff.when": {"nl": "wanneer", "en": "when"},
    "diff.before": {"nl": "voor", "en": "before"},
    "diff.after": {"nl": "na", "en": "after"},
    "diff.direction": {"nl": "richting", "en": "direction"},
    "diff.witness": {"nl": "voorbeeldgeval", "en": "witness"},
    "diff.unchanged": {"nl": "ongewijzigd", "en": "unchanged"},
    "diff.gains": {"nl": "wint", "en": "gains"},
    "diff.loses": {"nl": "verliest", "en": "loses"},
    "diff.changes": {"nl": "verandert", "en": "changes"},
    "diff.incomplete": {"nl": "Onvolledig: de rekentijd was op; niet elke groep is gevonden",
                        "en": "Incomplete: the solver ran out of budget; not every group was found"},
    "plot": {"nl": "Grafiek", "en": "Plot"},
    "plot.intro": {"nl": "Een uitkomst tegen een numeriek feit, voor en na de wijziging; de andere feiten zoals in de casus.",
                   "en": "An outcome against one numeric fact, before and after the amendment; the other facts as in the case."},
    "plot.fact": {"nl": "Feit op de x-as", "en": "Fact on the x axis"},
    "plot.decision": {"nl": "Uitkomst op de y-as", "en": "Outcome on the y axis"},
    "plot.draw": {"nl": "Grafiek tekenen", "en": "Draw the plot"},
    "plot.this": {"nl": "grafiek voor dit geval", "en": "plot this case"},
    "plot.undefined": {"nl": "onbepaald", "en": "undefined"},
    "working": {"nl": "Bezig met rekenen ...", "en": "Working ..."},
    "cancel": {"nl": "Afbreken", "en": "Cancel"},
    "job.waiting": {"nl": "Wacht op een vrije rekenkern ...", "en": "Waiting for a free worker ..."},
    "cancelled.query": {"nl": "Afgebroken: geen antwoord (dit zegt niet dat er geen geval is)",
                        "en": "Cancelled: no answer (this does not say that there is no case)"},
    "cancelled.diff": {"nl": "Afgebroken: geen verschil berekend (dit zegt niet dat er niets verandert)",
                       "en": "Cancelled: no difference computed (this does not say that nothing changes)"},
    "cancelled.check": {"nl": "Afgebroken: geen resultaten (een deel ervan zou er als in orde uitzien)",
                        "en": "Cancelled: no results (a part of them would look clean)"},
    "impact": {"nl": "Gevolgen voor de populatie", "en": "Impact on the population"},
    "impact.link": {"nl": "Gevolgen voor de populatie (tabel en grafieken)", "en": "Impact on the population (table and charts)"},
    "impact.none": {"nl": "Geen populatie gegeven. Start de werkbank met een populatie:",
                    "en": "No population given. Start the workbench with one:"},
    "impact.intro": {"nl": "Wie wint en wie verliest in de populatie (lexproof impact), en hoeveel:",
                     "en": "Who gains and who loses in the population (lexproof impact), and how much:"},
    "impact.by": {"nl": "Per groep", "en": "Per group"},
    "impact.show": {"nl": "Gevolgen berekenen", "en": "Compute the impact"},
    "impact.rows": {"nl": "gevallen gebruikt", "en": "cases used"},
    "impact.bad": {"nl": "ongeldige rijen weggelaten", "en": "bad rows left out"},
    "impact.counts": {"nl": "aantallen", "en": "counts"},
    "impact.totals": {"nl": "totaal voor → na", "en": "total before → after"},
    "impact.gain": {"nl": "meer", "en": "gain"},
    "impact.lose": {"nl": "minder", "en": "lose"},
    "impact.keep": {"nl": "gelijk", "en": "keep"},
    "impact.become eligible": {"nl": "krijgt recht", "en": "become eligible"},
    "impact.lose eligibility": {"nl": "verliest recht", "en": "lose eligibility"},
    "impact.become undefined": {"nl": "wordt onbepaald", "en": "become undefined"},
    "impact.change": {"nl": "verandert", "en": "change"},
    "items.decisions": {"nl": "Per item", "en": "Per item"},
    "items.add": {"nl": "Toevoegen", "en": "Add"},
    "items.remove": {"nl": "Verwijderen", "en": "Remove"},
    "items.up.to": {"nl": "hoogstens", "en": "at most"},
    "report.title": {"nl": "lexproof-controlerapport", "en": "lexproof check report"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The text for ``key`` in ``lang`` (English, then the key itself, when missing). A key
    the workbench does not have is looked up in the CLI's catalogue (verifier/messages.py:
    result kinds and statuses, ``status.proved``), so both say the same word."""
    entry = TEXTS.get(key)
    if entry is None:
        from lexproof.verifier.messages import CATALOGUE

        entry = CATALOGUE.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("en") or key


_NUMBER = re.compile(r"€ ?-?\d[\d,]*(?:\.\d+)?|(?<![\w.,])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])-?\d+\.\d+(?![\w.])")


def localize(text: str, lang: str) -> str:
    """A value as the CLI writes it (€7,045.00; 0.5) in the number format of ``lang``: in
    Dutch the separators swap (€7.045,00; 0,5). Only numbers with a euro sign, a thousands
    separator or a decimal point change; dates (2027-09-01), names and plain integers do not."""
    if lang != "nl":
        return text
    return _NUMBER.sub(lambda m: m.group().replace(",", "\0").replace(".", ",").replace("\0", "."), text)


def language(value: str | None) -> str:
    """The language asked for, or the default when the value is not one we have."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
