"""``lexproof impact`` and ``lexproof population`` (``register`` adds them to ``lexproof.verifier.cli.main``).

Exit codes as the other commands: 0 done; 1 done, but the population had bad rows (left out,
counted and shown); 2 bad input (statute, options, a missing column, an unreadable file);
4 internal error."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.source import Span, visible
from lexproof.verifier import api
from lexproof.verifier.messages import count_text

COMMAND_LINE = Span("<command line>", 1, 1, 1, 1)


def _mapping(path: str | None) -> dict[str, str] | None:
    """The mapping file: a JSON object {fact: column name in the population}."""
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise LexproofError(Diagnostic(Span(path, 1, 1, 1, 1), f"cannot read the mapping file: {error}")) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise LexproofError(Diagnostic(Span(path, 1, 1, 1, 1), "the mapping file must be a JSON object {fact: column}"))
    return data


def _engine_error(error: Exception) -> LexproofError:
    """An engine's complaint about the input (an unreadable file, an arithmetic overflow) as bad input."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    message = lines[0] if lines else type(error).__name__
    return LexproofError(Diagnostic(COMMAND_LINE, f"the SQL engine stopped: {message}"))


def _progress(output_format: str):
    """Per-decision progress on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def report(index: int, total: int, name: str) -> None:
        click.echo(f"\r[{index + 1}/{total}] {name}\x1b[K", err=True, nl=index + 1 == total)

    return report




def _sweeps(report, sweeps) -> list[str]:
    """The --sweep facts, checked: a number fact of the statute (int or money), on DuckDB."""
    statute = report.versions[0].statute
    for fact in sweeps:
        info = statute.facts.get(fact)
        if info is None or info.type.kind not in ("int", "money"):
            raise LexproofError(Diagnostic(COMMAND_LINE, f"--sweep {fact}: give an int or money fact of {statute.name}"))
        if report.engine != "duckdb":
            raise LexproofError(Diagnostic(COMMAND_LINE, "--sweep runs on DuckDB only (not yet with --engine spark)"))
        # The population is read with only the facts the compared decisions need: a fact none
        # of them reads is not there to sweep (and sweeping it could not change an outcome).
        if fact not in {row[0] for row in report.runner.query("DESCRIBE population")}:
            raise LexproofError(Diagnostic(
                COMMAND_LINE, f"--sweep {fact}: none of the decisions compared reads {fact} (add a --decision that does)"))
    return list(sweeps)


def register(group: click.Group) -> None:
    """Add the commands to ``group``. The options shared with the other commands come from
    ``lexproof.verifier.cli``, imported here (when cli.py registers, it is complete) to avoid a cycle."""
    from lexproof.verifier.cli import (
        AMENDMENT,
        JSON_FORMAT_VERSION,
        LANG,
        STATUTE,
        _guard,
        _parse_date,
        json_text,
        once_option,
    )

    @click.command("impact")
    @click.argument("paths", nargs=-1, required=True)
    @once_option("--population", required=True, metavar="FILE|DIR", help="Parquet or CSV file, or a folder of them")
    @AMENDMENT
    @once_option("--from", "from_date", metavar="YYYY-MM-DD", help="compare the version on this date ...")
    @once_option("--to", "to_date", metavar="YYYY-MM-DD", help="... with the version on this date")
    @click.option("--by", "by", multiple=True, metavar="FACT", help="also per value of this fact (repeatable)")
    @click.option("--decision", "decisions", multiple=True, metavar="NAME", help="only these decisions (repeatable)")
    @once_option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True)
    @once_option("--map", "mapping", metavar="MAP.json", help="population column names, as {fact: column}")
    @STATUTE
    @once_option("--format", "output_format", type=click.Choice(["human", "json", "csv"]), default="human",
                 show_default=True)
    @once_option("--plot", "plot", metavar="FILE.svg|FILE.png", help="histograms of the change and counts per group")
    @click.option("--sweep", "sweeps", multiple=True, metavar="FACT",
                  help="with --plot: the mean outcome against this fact, the rest kept (repeatable)")
    @LANG
    def impact_command(paths, population, amendment, from_date, to_date, by, decisions, engine, mapping, statute,
                       output_format, plot, sweeps, lang) -> None:
        """Who gains, who loses and what it costs, over a population (docs/impact.md)."""
        from lexproof.verifier.messages import default_lang

        lang = lang or default_lang()

        def action() -> int:
            from lexproof.verifier.impact import csv_rows, human_lines, to_json_payload

            if sweeps and not plot:
                raise LexproofError(Diagnostic(COMMAND_LINE, "--sweep draws a panel of --plot: give --plot FILE.svg"))
            program = api.load(*paths)
            try:
                report = api.impact(program, population, amendment=amendment, from_date=_parse_date(from_date, "--from"),
                                    to_date=_parse_date(to_date, "--to"), statute=statute, decisions=list(decisions) or None,
                                    by=list(by), engine=engine, mapping=_mapping(mapping), progress=_progress(output_format))
            except LexproofError:
                raise
            except Exception as error:  # noqa: BLE001 - the engine's errors (duckdb.Error and kin) are about the input
                if type(error).__module__.split(".")[0] not in ("duckdb", "pyspark", "py4j"):
                    raise
                raise _engine_error(error) from None
            code = 1 if report.population.bad else 0
            if plot:
                from lexproof.verifier.impact_plot import write_plot

                write_plot(report.runner, report, plot, _sweeps(report, sweeps))
                click.echo(visible(f"wrote the plot to {plot}"), err=True)
            if output_format == "json":
                click.echo(json_text({"lexproof": JSON_FORMAT_VERSION, "command": "impact", "exit_code": code,
                                      **to_json_payload(report)}))
            elif output_format == "csv":
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(csv_rows(report))
                click.echo(buffer.getvalue(), nl=False)
            else:
                for line in human_lines(report, lang):
                    click.echo(visible(line))
            if report.population.bad and output_format != "human":
                click.echo(f"{report.population.bad} bad row(s) left out of {report.population.rows}; see the report",
                           err=True)
            return code

        sys.exit(_guard(action, "impact", output_format, lang))


    @click.command("population")
    @click.argument("paths", nargs=-1, required=True)
    @once_option("--rows", type=click.IntRange(0, 10**10), required=True, metavar="N")
    @once_option("--seed", type=int, default=0, show_default=True, metavar="S")
    @once_option("--out", required=True, metavar="FILE.parquet", help="Parquet, or CSV for a .csv name")
    @once_option("--distributions", metavar="FILE.toml", help="per-fact distributions (docs/impact.md)")
    @STATUTE
    def population_command(paths, rows, seed, out, distributions, statute) -> None:
        """A synthetic population from the statute's facts, the same for the same seed."""

        def action() -> int:
            if not out.lower().endswith((".parquet", ".csv")):
                raise LexproofError(Diagnostic(COMMAND_LINE, f"--out {out}: give a .parquet or .csv file name"))
            program = api.load(*paths)
            try:
                api.generate_population(program, rows=rows, seed=seed, out=out, statute=statute,
                                        distributions=distributions)
            except Exception as error:  # noqa: BLE001 - the engine's errors (a path it cannot write)
                if type(error).__module__.split(".")[0] != "duckdb":
                    raise
                raise _engine_error(error) from None
            click.echo(visible(f"wrote {count_text('cases', rows)} to {out}"), err=True)
            return 0

        sys.exit(_guard(action))

    group.add_command(impact_command)
    group.add_command(population_command)
