"""`scrm report` as text (a terminal, cron mail), Markdown or JSON.

Names and handles in the tables are strangers' text: they pass through
`sanitize.inline`, so no escape sequence reaches a terminal or a mail reader, and a
Markdown cell's `|` is escaped.
"""

from __future__ import annotations

import json
from typing import Any

from scrm_tui.core import blocks, sanitize
from scrm_tui.core.figures import Figure, Row, Series, Table, cells, right_aligned
from scrm_tui.core.timefmt import iso_from_ms
from scrm_tui.service.report import Report

FORMATS = ("text", "markdown", "json")


def render(report: Report, form: str) -> str:
    if form == "json":
        return json.dumps(as_json(report), indent=2, ensure_ascii=False)
    if form == "markdown":
        return as_markdown(report)
    return as_text(report)


def _value(figure: Figure) -> str:
    return figure.shown()


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - cells(text))
    return gap + text if right else text + gap


def as_text(report: Report) -> str:
    lines = [
        f"scrm report {report.range.name}: {report.range.describe()}",
        f"compared with {report.previous.describe()}",
    ]
    for section in report.sections:
        lines += ["", section.title, "=" * len(section.title)]
        width = max((len(f.label) for f in section.figures), default=0)
        for figure in section.figures:
            line = f"  {figure.label:<{width}}  {_value(figure):>20}  {figure.change_shown():>10}"
            if figure.interval is not None:
                line += f"  (80% interval {figure.interval_shown()})"
            lines.append(line)
            if figure.note:
                lines.append(f"  {'':<{width}}  {figure.note}")
        lines += [f"  {line}" for series in section.series for line in _spark_lines(series)]
        for table in section.tables:
            lines += ["", f"  {table.label}"]
            lines += ["  " + line for line in _columns(table)]
            if table.note:
                lines.append(f"  ({table.note})")
    lines += ["", "Formulas: scrm report --format json, or ? on a figure in the dashboard (D)."]
    return "\n".join(lines)


def _spark_lines(series: Series) -> list[str]:
    """A series as lines of block characters on one scale (core/blocks.py), with their
    range; a balance (net sentiment) above and below its zero line. A chart library is
    overkill for a few lines of text."""
    pad = len(series.label)
    if series.signed:
        known = [abs(v) for v in series.values if v is not None]
        top = max(known, default=0.0)
        above, below = blocks.signed_rows(series.values, top)
        return [
            f"{series.label}: {above}  up to +{top:.0f}",
            f"{'':>{pad}}  {below}  down to −{top:.0f}",
        ]
    every = [v for v in (*series.values, *(series.previous or ()), *(series.high or ())) if v]
    top = max(every, default=0.0)
    known = [v for v in series.values if v is not None]
    span = f"{min(known):,.0f}–{max(known):,.0f}" if known else "—"
    out = [f"{series.label}: {blocks.row(series.values, top)}  {span}"]
    if series.previous is not None:
        out.append(f"{'before':>{pad}}: {blocks.row(series.previous, top)}")
    if series.low is not None and series.high is not None:
        out.append(f"{'80% low':>{pad}}: {blocks.row(series.low, top)}")
        out.append(f"{'80% high':>{pad}}: {blocks.row(series.high, top)}")
    return out


def _columns(table: Table) -> list[str]:
    rows = [table.columns] + [tuple(sanitize.inline(c) for c in r.cells) for r in table.rows]
    widths = [max(cells(row[i]) for row in rows) for i in range(len(table.columns))]
    right = right_aligned(table)  # the header follows its column
    out = []
    for row in rows:
        line = [_pad(cell, widths[i], right[i]) for i, cell in enumerate(row)]
        out.append("  ".join(line).rstrip())
    if not table.rows:
        out.append("(none in this range)")
    return out


def _md(text: str) -> str:
    return sanitize.inline(text).replace("|", "\\|")


def as_markdown(report: Report) -> str:
    lines = [
        f"# scrm report {report.range.name}",
        "",
        f"{report.range.describe()}, compared with {report.previous.describe()}.",
    ]
    for section in report.sections:
        lines += ["", f"## {section.title}", "", "| figure | value | change | how |"]
        lines.append("|---|---:|---:|---|")
        for f in section.figures:
            how = f.formula + (f"; {f.note}" if f.note else "")
            value = _value(f) + (f" ({f.interval_shown()})" if f.interval is not None else "")
            lines.append(f"| {f.label} | {value} | {f.change_shown()} | {_md(how)} |")
        for table in section.tables:
            lines += ["", f"### {table.label}", ""]
            lines.append("| " + " | ".join(table.columns) + " |")
            lines.append("|" + "---|" * len(table.columns))
            for row in table.rows:
                lines.append("| " + " | ".join(_md(c) for c in row.cells) + " |")
            if not table.rows:
                lines.append("| (none in this range) |" + " |" * (len(table.columns) - 1))
            if table.note:
                lines += ["", f"_{table.note}_"]
    return "\n".join(lines)


def _row(row: Row) -> dict[str, Any]:
    return {"cells": [sanitize.inline(c) for c in row.cells], "filter": row.filter}


def as_json(report: Report) -> dict[str, Any]:
    def period(r: Any) -> dict[str, str]:
        return {"start": iso_from_ms(r.start_ms), "end": iso_from_ms(r.end_ms), "name": r.name}

    return {
        "range": period(report.range),
        "previous": period(report.previous),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "figures": [
                    {
                        "key": f.key,
                        "label": f.label,
                        "value": f.value,
                        "previous": f.previous,
                        "unit": f.unit,
                        "estimated": f.estimated,
                        "formula": f.formula,
                        "inputs": dict(f.inputs),
                        "note": f.note,
                        "filter": f.filter,
                        "customers": list(f.customers) if f.customers is not None else None,
                        "interval": list(f.interval) if f.interval is not None else None,
                    }
                    for f in s.figures
                ],
                "series": [
                    {
                        "key": x.key,
                        "label": x.label,
                        "starts": [iso_from_ms(t) for t in x.starts_ms],
                        "values": list(x.values),
                        "previous": list(x.previous) if x.previous is not None else None,
                        "low": list(x.low) if x.low is not None else None,
                        "high": list(x.high) if x.high is not None else None,
                    }
                    for x in s.series
                ],
                "tables": [
                    {
                        "key": t.key,
                        "label": t.label,
                        "columns": list(t.columns),
                        "rows": [
                            {
                                "cells": [sanitize.inline(c) for c in r.cells],
                                "filter": r.filter,
                                "customer": r.customer,
                            }
                            for r in t.rows
                        ],
                        "note": t.note,
                    }
                    for t in s.tables
                ],
            }
            for s in report.sections
        ],
    }
