"""`scrm init` and `scrm doctor`: write the example config, then check it, the database,
each source's host and each account's credentials, one plain line per check.

A package by job: `example_file` (`scrm init`), `checkup` (`diagnose`, in order),
`findings` (`Check`, `Diagnosis`), `database`, `asking` (what each source, account and
webhook is asked) and `probes` (a probe run and judged).
"""

from scrm_tui.channels.probing import FAIL, OK, WARN
from scrm_tui.service.doctor.checkup import diagnose
from scrm_tui.service.doctor.example_file import write_example
from scrm_tui.service.doctor.findings import MARKS, TIMEOUT_S, Check, Diagnosis

__all__ = [
    "FAIL",
    "MARKS",
    "OK",
    "TIMEOUT_S",
    "WARN",
    "Check",
    "Diagnosis",
    "diagnose",
    "write_example",
]
