"""The one HTTP client of the channels, and how API answers become data or SendErrors.

A package by job: `client` (the bounded client and its limits), `sending`
(`send_request`: a network failure in words), `errors` (a failed status as a SendError),
`retries` (when an API asks us to come back), `answers` (a body's JSON, a server's own
words cleaned), `times`. The channels import every name from here.
"""

from scrm_tui.channels.http.answers import api_message, clean, json_object, read_json
from scrm_tui.channels.http.client import (
    DEADLINE_S,
    MAX_BYTES,
    USER_AGENT,
    WEBHOOK_MAX_BYTES,
    AnswerTooLarge,
    BoundedClient,
    NoCompleteAnswer,
    make_client,
    size_text,
)
from scrm_tui.channels.http.errors import PERMANENT_STATUSES, check, error_for
from scrm_tui.channels.http.retries import LOW_BUDGET, low_budget_wait, retry_at
from scrm_tui.channels.http.sending import no_answer, send_request, transport_error
from scrm_tui.channels.http.times import clock_text, iso_utc

__all__ = [
    "DEADLINE_S",
    "LOW_BUDGET",
    "MAX_BYTES",
    "PERMANENT_STATUSES",
    "USER_AGENT",
    "WEBHOOK_MAX_BYTES",
    "AnswerTooLarge",
    "BoundedClient",
    "NoCompleteAnswer",
    "api_message",
    "check",
    "clean",
    "clock_text",
    "error_for",
    "iso_utc",
    "json_object",
    "low_budget_wait",
    "make_client",
    "no_answer",
    "read_json",
    "retry_at",
    "send_request",
    "size_text",
    "transport_error",
]
