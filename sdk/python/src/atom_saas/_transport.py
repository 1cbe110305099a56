"""What the sync and the async client share: building a request from the
route table, reading an answer into a model or an error, and deciding
whether and how long to wait before a retry. No I/O here."""

from __future__ import annotations

import json
import platform
import random
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote

import httpx
from pydantic import RootModel

from . import models
from ._errors_base import MarketplaceError
from ._namespace import Operation
from ._results import JsonList, JsonObject, NoContent, RateLimit, ResponseInfo, attach
from ._version import __version__
from .errors import ERROR_CLASSES

DEFAULT_BASE_URL = "http://127.0.0.1:3000"
USER_AGENT = f"atom-saas-python/{__version__} (python/{platform.python_version()})"

# A Retry-After longer than this is raised at once, not slept through.
MAX_RETRY_AFTER = 60.0
# The most a 503 backoff waits, and its first step (full jitter: a random
# wait in [0, min(cap, base * 2**attempt)]).
BACKOFF_CAP = 8.0
BACKOFF_BASE = 0.5


@dataclass
class Settings:
    base_url: str
    timeout: float
    max_retries: int
    max_total_wait: float
    user_agent: str


@dataclass
class RequestSpec:
    method: str
    url: str
    params: Dict[str, str]
    json: Optional[Dict[str, Any]]
    data: Optional[Dict[str, str]]


def _wire_value(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True, by_alias=True)
    if isinstance(value, (list, tuple)):
        return [_wire_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _wire_value(v) for k, v in value.items()}
    return value


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_query_value(v) for v in value)
    if isinstance(value, (dict,)):
        return json.dumps(value)
    return str(value)


def build(op: Operation, args: Mapping[str, Any], base_url: str) -> RequestSpec:
    path = op.path
    query: Dict[str, str] = {}
    body: Dict[str, Any] = {}
    for p in op.params:
        value = args.get(p.name)
        if value is None:
            if p.required and p.loc == "path":
                raise TypeError(f"{op.namespace}.{op.name}() needs {p.name}")
            continue
        if p.loc == "path":
            path = path.replace("{" + p.wire + "}", quote(str(value), safe=""))
        elif p.loc == "query":
            query[p.wire] = _query_value(value)
        else:
            body[p.wire] = _wire_value(value)
    url = base_url.rstrip("/") + path
    if op.body == "form":
        return RequestSpec(op.method, url, query, None, {k: _query_value(v) for k, v in body.items()})
    if op.body == "json":
        return RequestSpec(op.method, url, query, body, None)
    return RequestSpec(op.method, url, query, None, None)


def info_of(status: int, headers: Mapping[str, str]) -> ResponseInfo:
    return ResponseInfo(status, headers, RateLimit.from_headers(headers))


def parse(op: Optional[Operation], status: int, headers: Mapping[str, str], content: bytes) -> Any:
    info = info_of(status, headers)
    if op is None or op.response is None or not content:
        return attach(NoContent(), info)
    data = json.loads(content)
    kind, name = op.response
    model = getattr(models, name, None) if name else None
    value: Any
    if kind == "model" and model is not None:
        value = model.model_validate(data)
        # A oneOf answer (done or a dry run's plan) is the alternative itself.
        if isinstance(value, RootModel):
            value = value.root
            if isinstance(value, dict):
                value = JsonObject(value)
    elif kind == "list" and model is not None and isinstance(data, list):
        value = JsonList(model.model_validate(item) for item in data)
    elif isinstance(data, dict):
        value = JsonObject(data)
    elif isinstance(data, list):
        value = JsonList(data)
    else:
        return data
    return attach(value, info)


def error_from(status: int, headers: Mapping[str, str], content: bytes) -> MarketplaceError:
    body: Dict[str, Any] = {}
    try:
        parsed = json.loads(content) if content else {}
        if isinstance(parsed, dict):
            body = parsed
    except ValueError:
        pass
    code = str(body.get("code") or "")
    message = str(body.get("message") or body.get("error") or f"HTTP {status}")
    details = body.get("details") if isinstance(body.get("details"), dict) else {}
    retry_after = retry_after_of(headers, body)
    cls = ERROR_CLASSES.get(code, MarketplaceError)
    return cls(
        message,
        status=status,
        code=code,
        error=str(body.get("error") or ""),
        details=details,
        headers=headers,
        retry_after=retry_after,
    )


def retry_after_of(headers: Mapping[str, str], body: Mapping[str, Any]) -> Optional[int]:
    value = headers.get("retry-after")
    if value is not None and value.strip().isdigit():
        return int(value.strip())
    from_body = body.get("retry_after")
    return int(from_body) if isinstance(from_body, int) else None


def retry_wait(err: MarketplaceError, attempt: int, waited: float, settings: Settings) -> Optional[float]:
    """Seconds to wait before retry number `attempt + 1`, or None to raise.
    Only the request budget's 429 and a plain 503 are retried: a quota 429
    (TENANT_LIMIT_EXCEEDED, ...) or maintenance would answer the same."""
    if attempt >= settings.max_retries:
        return None
    if err.status == 429 and err.code == "RATE_LIMIT_EXCEEDED":
        wait = float(err._retry_after if err._retry_after is not None else 1)
        if wait > MAX_RETRY_AFTER:
            return None
    elif err.status == 503 and err.code in ("SERVICE_UNAVAILABLE", ""):
        wait = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))
    else:
        return None
    if waited + wait > settings.max_total_wait:
        return None
    return wait


_LINK = re.compile(r'<([^>]*)>\s*((?:;\s*[^;,]+)*)')


def next_link(headers: Mapping[str, str]) -> Optional[str]:
    value = headers.get("link")
    if not value:
        return None
    for m in _LINK.finditer(value):
        params = m.group(2)
        if re.search(r'rel\s*=\s*"?next"?', params):
            return m.group(1)
    return None


def page_items(op: Operation, page: Any) -> List[Any]:
    if isinstance(page, list):
        return list(page)
    if op.items is None:
        return []
    if isinstance(page, dict):
        return list(page.get(op.items) or [])
    return list(getattr(page, op.items, None) or [])


def _field(page: Any, name: str) -> Any:
    if isinstance(page, dict):
        return page.get(name)
    return getattr(page, name, None)


def next_page(
    op: Operation, page: Any, args: Dict[str, Any], count: int, first_size: int
) -> Optional[Tuple[str, Any]]:
    """("url", link) to follow the Link header's cursor, ("args", args) for
    the next cursor or offset, or None after the last page."""
    headers = page.response_info.headers if hasattr(page, "response_info") else {}
    link = next_link(headers)
    if link:
        return ("url", link)
    # A feed that names its next position in the body (`next_cursor`).
    cursor_param = next((p for p in op.params if p.wire == "cursor" and p.loc == "query"), None)
    next_cursor = _field(page, "next_cursor")
    if cursor_param is not None and isinstance(next_cursor, str) and next_cursor:
        if _field(page, "has_more") is True and count > 0:
            return ("args", {**args, cursor_param.name: next_cursor})
        return None
    offset_param = next((p for p in op.params if p.wire == "offset" and p.loc == "query"), None)
    if offset_param is None or count == 0:
        return None
    offset = int(args.get(offset_param.name) or 0) + count
    has_more = _field(page, "has_more")
    if isinstance(has_more, bool):
        return ("args", {**args, offset_param.name: offset}) if has_more else None
    limit_param = next((p for p in op.params if p.wire == "limit" and p.loc == "query"), None)
    size = (args.get(limit_param.name) if limit_param else None) or _field(page, "limit") or first_size
    if count < int(size):
        return None
    return ("args", {**args, offset_param.name: offset})


def follow(op: Operation, args: Mapping[str, Any], link: str, base_url: str) -> RequestSpec:
    """The request for a `Link: rel="next"` target. The caller's filters the
    link does not repeat are kept (a cursor continues the same search; a
    link that dropped them would page through the whole catalog)."""
    first = build(op, args, base_url)
    target = httpx.URL(base_url + "/").join(link)
    params = {k: v for k, v in first.params.items() if k not in ("offset", "cursor")}
    params.update(dict(target.params.multi_items()))
    return RequestSpec("GET", str(target.copy_with(query=None)), params, None, None)
