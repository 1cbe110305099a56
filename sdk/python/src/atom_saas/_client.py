"""`MarketplaceClient` (sync) and `AsyncMarketplaceClient`, on httpx."""

from __future__ import annotations

import os
import time
from typing import Any, AsyncIterator, Callable, Dict, Iterator, Mapping, Optional

import anyio
import httpx

from ._errors_base import MarketplaceConnectionError, MarketplaceError, MarketplaceTimeoutError
from ._operations import OPERATIONS, AsyncNamespaces, Namespaces
from ._namespace import Operation
from ._transport import (
    DEFAULT_BASE_URL,
    USER_AGENT,
    RequestSpec,
    Settings,
    build,
    error_from,
    follow,
    next_page,
    page_items,
    parse,
    retry_wait,
)

TokenCallback = Callable[[Mapping[str, Any]], None]
# Refresh a token this many seconds before the expiry its grant announced.
EXPIRY_MARGIN = 30.0


class _Auth:
    """The credentials and the OAuth refresh state both clients share."""

    def __init__(
        self,
        api_key: Optional[str],
        access_token: Optional[str],
        refresh_token: Optional[str],
        client_id: Optional[str],
        client_secret: Optional[str],
        on_token: Optional[TokenCallback],
        federation_key: Optional[str] = None,
    ) -> None:
        self.api_key = api_key
        self.federation_key = federation_key
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.on_token = on_token
        self.expires_at: Optional[float] = None

    def headers(self) -> Dict[str, str]:
        out = {"X-Federation-Key": self.federation_key} if self.federation_key else {}
        if self.access_token:
            out["Authorization"] = f"Bearer {self.access_token}"
        elif self.api_key:
            out["X-API-Key"] = self.api_key
        return out

    @property
    def can_refresh(self) -> bool:
        return bool(self.client_id) and (bool(self.refresh_token) or bool(self.client_secret))

    def needs_token(self) -> bool:
        if not self.can_refresh or self.api_key and not self.access_token:
            return False
        if not self.access_token:
            return True
        return self.expires_at is not None and time.time() > self.expires_at - EXPIRY_MARGIN

    def grant(self) -> Dict[str, str]:
        form = {"client_id": self.client_id or ""}
        if self.client_secret:
            form["client_secret"] = self.client_secret
        if self.refresh_token:
            form.update(grant_type="refresh_token", refresh_token=self.refresh_token)
        else:
            form["grant_type"] = "client_credentials"
        return form

    def took(self, reply: Mapping[str, Any]) -> None:
        self.access_token = str(reply["access_token"])
        if reply.get("refresh_token"):
            self.refresh_token = str(reply["refresh_token"])
        expires_in = reply.get("expires_in")
        self.expires_at = time.time() + float(expires_in) if isinstance(expires_in, (int, float)) else None
        if self.on_token:
            self.on_token(reply)


def _settings(base_url: Optional[str], timeout: float, max_retries: int, max_total_wait: float, user_agent: Optional[str]) -> Settings:
    ua = USER_AGENT if not user_agent else f"{user_agent} {USER_AGENT}"
    # Unset, the base URL is $ATOM_SAAS_BASE_URL, else the local default.
    url = base_url or os.environ.get("ATOM_SAAS_BASE_URL") or DEFAULT_BASE_URL
    return Settings(url.rstrip("/"), timeout, max_retries, max_total_wait, ua)


class MarketplaceClient(Namespaces):
    """The marketplace API, one method per route, grouped by marketplace.

    Authenticate with `api_key` (sent as `X-API-Key`) or `access_token`
    (OAuth bearer). Given `client_id` (and `client_secret`) with a
    `refresh_token`, an expired bearer is refreshed and the request sent
    again; with `client_id` and `client_secret` alone the client takes
    tokens with the client-credentials grant. Refresh tokens rotate: read
    `client.refresh_token` or pass `on_token` to keep the newest. A peer
    instance's `federation_key` is sent as `X-Federation-Key` (the
    `federation` routes).
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        access_token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: float = 30,
        max_retries: int = 3,
        *,
        refresh_token: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        on_token: Optional[TokenCallback] = None,
        max_total_wait: float = 90,
        user_agent: Optional[str] = None,
        federation_key: Optional[str] = None,
        http_client: Optional[httpx.Client] = None,
    ) -> None:
        self._settings = _settings(base_url, timeout, max_retries, max_total_wait, user_agent)
        self._auth = _Auth(api_key, access_token, refresh_token, client_id, client_secret, on_token, federation_key)
        self._http = http_client or httpx.Client(timeout=timeout)
        self._owns_http = http_client is None
        self._init_namespaces()

    @property
    def access_token(self) -> Optional[str]:
        return self._auth.access_token

    @property
    def refresh_token(self) -> Optional[str]:
        return self._auth.refresh_token

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> "MarketplaceClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, operation_id: str, args: Mapping[str, Any]) -> Any:
        op = OPERATIONS[operation_id]
        return self._send(op, build(op, args, self._settings.base_url))

    def _send(self, op: Optional[Operation], spec: RequestSpec) -> Any:
        attempt, waited, refreshed = 0, 0.0, False
        while True:
            if self._auth.needs_token() and (op is None or op.id != "post_oauth_token"):
                self._refresh()
                refreshed = True
            response = self._once(spec)
            if response.status_code < 400:
                return parse(op, response.status_code, response.headers, response.content)
            err = error_from(response.status_code, response.headers, response.content)
            if response.status_code == 401 and self._auth.access_token and self._auth.can_refresh and not refreshed:
                self._refresh()
                refreshed = True
                continue
            wait = retry_wait(err, attempt, waited, self._settings)
            if wait is None:
                raise err
            time.sleep(wait)
            attempt += 1
            waited += wait

    def _once(self, spec: RequestSpec) -> httpx.Response:
        headers = {"User-Agent": self._settings.user_agent, "Accept": "application/json", **self._auth.headers()}
        try:
            return self._http.request(
                spec.method,
                spec.url,
                params=spec.params or None,
                json=spec.json,
                data=spec.data,
                headers=headers,
                timeout=self._settings.timeout,
            )
        except httpx.TimeoutException as e:
            raise MarketplaceTimeoutError(f"no answer within {self._settings.timeout} s: {e}", code="TIMEOUT") from e
        except httpx.TransportError as e:
            raise MarketplaceConnectionError(f"cannot reach {self._settings.base_url}: {e}", code="CONNECTION_ERROR") from e

    def _refresh(self) -> None:
        op = OPERATIONS["post_oauth_token"]
        spec = RequestSpec("POST", self._settings.base_url + op.path, {}, None, self._auth.grant())
        # The token request itself carries no bearer.
        headers = {"User-Agent": self._settings.user_agent, "Accept": "application/json"}
        try:
            response = self._http.post(spec.url, data=spec.data, headers=headers, timeout=self._settings.timeout)
        except httpx.TransportError as e:
            raise MarketplaceConnectionError(f"cannot reach {self._settings.base_url}: {e}", code="CONNECTION_ERROR") from e
        if response.status_code >= 400:
            raise error_from(response.status_code, response.headers, response.content)
        self._auth.took(response.json())

    def iter_all(self, method: Callable[..., Any], **args: Any) -> Iterator[Any]:
        """Every item of a listing route, page after page:
        `for skill in client.iter_all(client.public.browse, category="productivity")`.
        Follows the `Link: rel="next"` cursor where the server sends one,
        else `offset` while `has_more`, else while pages are full."""
        op = _operation_of(method)
        page = method(**args)
        first = None
        while True:
            items = page_items(op, page)
            first = len(items) if first is None else first
            yield from items
            step = next_page(op, page, args, len(items), first or 1)
            if step is None:
                return
            kind, value = step
            if kind == "url":
                page = self._send(op, follow(op, args, value, self._settings.base_url))
            else:
                args = value
                page = method(**args)


class AsyncMarketplaceClient(AsyncNamespaces):
    """`MarketplaceClient` for asyncio (and trio): the same arguments, every
    method a coroutine, `iter_all` an async iterator."""

    def __init__(
        self,
        api_key: Optional[str] = None,
        access_token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: float = 30,
        max_retries: int = 3,
        *,
        refresh_token: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        on_token: Optional[TokenCallback] = None,
        max_total_wait: float = 90,
        user_agent: Optional[str] = None,
        federation_key: Optional[str] = None,
        http_client: Optional[httpx.AsyncClient] = None,
    ) -> None:
        self._settings = _settings(base_url, timeout, max_retries, max_total_wait, user_agent)
        self._auth = _Auth(api_key, access_token, refresh_token, client_id, client_secret, on_token, federation_key)
        self._http = http_client or httpx.AsyncClient(timeout=timeout)
        self._owns_http = http_client is None
        self._init_namespaces()

    @property
    def access_token(self) -> Optional[str]:
        return self._auth.access_token

    @property
    def refresh_token(self) -> Optional[str]:
        return self._auth.refresh_token

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> "AsyncMarketplaceClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _call(self, operation_id: str, args: Mapping[str, Any]) -> Any:
        op = OPERATIONS[operation_id]
        return await self._send(op, build(op, args, self._settings.base_url))

    async def _send(self, op: Optional[Operation], spec: RequestSpec) -> Any:
        attempt, waited, refreshed = 0, 0.0, False
        while True:
            if self._auth.needs_token() and (op is None or op.id != "post_oauth_token"):
                await self._refresh()
                refreshed = True
            response = await self._once(spec)
            if response.status_code < 400:
                return parse(op, response.status_code, response.headers, response.content)
            err = error_from(response.status_code, response.headers, response.content)
            if response.status_code == 401 and self._auth.access_token and self._auth.can_refresh and not refreshed:
                await self._refresh()
                refreshed = True
                continue
            wait = retry_wait(err, attempt, waited, self._settings)
            if wait is None:
                raise err
            await anyio.sleep(wait)
            attempt += 1
            waited += wait

    async def _once(self, spec: RequestSpec) -> httpx.Response:
        headers = {"User-Agent": self._settings.user_agent, "Accept": "application/json", **self._auth.headers()}
        try:
            return await self._http.request(
                spec.method,
                spec.url,
                params=spec.params or None,
                json=spec.json,
                data=spec.data,
                headers=headers,
                timeout=self._settings.timeout,
            )
        except httpx.TimeoutException as e:
            raise MarketplaceTimeoutError(f"no answer within {self._settings.timeout} s: {e}", code="TIMEOUT") from e
        except httpx.TransportError as e:
            raise MarketplaceConnectionError(f"cannot reach {self._settings.base_url}: {e}", code="CONNECTION_ERROR") from e

    async def _refresh(self) -> None:
        url = self._settings.base_url + OPERATIONS["post_oauth_token"].path
        headers = {"User-Agent": self._settings.user_agent, "Accept": "application/json"}
        try:
            response = await self._http.post(url, data=self._auth.grant(), headers=headers, timeout=self._settings.timeout)
        except httpx.TransportError as e:
            raise MarketplaceConnectionError(f"cannot reach {self._settings.base_url}: {e}", code="CONNECTION_ERROR") from e
        if response.status_code >= 400:
            raise error_from(response.status_code, response.headers, response.content)
        self._auth.took(response.json())

    async def iter_all(self, method: Callable[..., Any], **args: Any) -> AsyncIterator[Any]:
        """`async for item in client.iter_all(client.public.browse, ...)`."""
        op = _operation_of(method)
        page = await method(**args)
        first = None
        while True:
            items = page_items(op, page)
            first = len(items) if first is None else first
            for item in items:
                yield item
            step = next_page(op, page, args, len(items), first or 1)
            if step is None:
                return
            kind, value = step
            if kind == "url":
                page = await self._send(op, follow(op, args, value, self._settings.base_url))
            else:
                args = value
                page = await method(**args)


def _operation_of(method: Callable[..., Any]) -> Operation:
    operation_id = getattr(method, "operation_id", None)
    if operation_id not in OPERATIONS:
        raise TypeError("iter_all takes a client method, e.g. client.public.browse")
    return OPERATIONS[str(operation_id)]


__all__ = ["MarketplaceClient", "AsyncMarketplaceClient", "MarketplaceError"]
