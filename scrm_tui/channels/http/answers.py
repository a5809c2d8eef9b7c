"""What a server answered: its JSON body, and its own words about a failure cleaned to one line."""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterable
from typing import Any

import httpx

from scrm_tui.core.outgoing import TransientError
from scrm_tui.core.secrets import redact

_MESSAGE_MAX = 200


_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://([^\s/?#\"'<>]+)[^\s\"'<>]*", re.IGNORECASE)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")


def read_json(response: httpx.Response, service: str) -> Any:
    """The JSON body of a success; a cut or garbled body is worth another try."""
    try:
        return json.loads(response.content)
    except ValueError:
        raise TransientError(
            f"{service} sent a response that is not valid JSON", status=response.status_code
        ) from None


def json_object(response: httpx.Response, service: str) -> dict[str, Any]:
    data = read_json(response, service)
    if not isinstance(data, dict):
        raise TransientError(f"{service} sent an unexpected response", status=response.status_code)
    return data


def api_message(response: httpx.Response, *, secrets: Iterable[str] = ()) -> str | None:
    """The API's own words about a failure, cleaned to one short line, if it has any."""
    text = _body_text(response)
    if not text or _is_html(text):
        return None
    message: str | None = None
    if text[0] in "{[":
        data = _parse(text)
        if isinstance(data, dict):
            message = _dict_message(data)
        elif data is not None:
            return None
        else:
            message = None  # a broken JSON body says nothing useful
    elif len(text) <= 500:
        message = text.splitlines()[0]  # Slack: `channel_is_archived`
    return clean(message, secrets=secrets) if message else None


def clean(text: str, *, secrets: Iterable[str] = ()) -> str:
    """One short line with no URL path, no control characters and no known secret.

    Every message a server wrote goes through here before it is put in a SendError:
    the reason is what the database, `scrm sources`, `scrm watch` and the screens show.
    """
    # URLs first: one becomes its host (a webhook's path is its secret, and whole it
    # would be hidden entirely, host and all), then what is left of a secret goes.
    text = _URL.sub(lambda match: match.group(1).rsplit("@", 1)[-1], text)
    text = redact(text, secrets)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > _MESSAGE_MAX:
        text = text[: _MESSAGE_MAX - 1].rstrip() + "…"
    return text


_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


_TITLE_MAX = 60


def _dict_message(data: dict[str, Any]) -> str | None:
    for key in ("message", "error_description", "error"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            code = data.get("code")
            if key == "message" and isinstance(code, int) and not isinstance(code, bool):
                return f"{value} (code {code})"  # Discord: the number is the documented one
            return value
    return None


def _parse(text: str) -> Any:
    if not text or text[0] not in "{[":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _body_text(response: httpx.Response) -> str:
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return ""
    return content[:65536].decode("utf-8", errors="replace").strip()


def _html_title(text: str, status: int, secrets: Iterable[str]) -> str:
    """An error page's <title> as one short line, without the status it repeats."""
    found = _TITLE.search(text[:4096])
    if found is None:
        return ""
    title = clean(html_lib.unescape(found.group(1)), secrets=secrets)
    title = title.removeprefix(str(status)).strip(" -:")
    if len(title) > _TITLE_MAX:
        title = title[: _TITLE_MAX - 1].rstrip() + "…"
    return title


def _is_html(text: str) -> bool:
    head = text[:200].lower()
    return head.startswith("<") or "<html" in head or "<!doctype" in head
