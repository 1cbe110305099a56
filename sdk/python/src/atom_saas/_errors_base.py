"""The base of every error the client raises."""

from __future__ import annotations

from typing import Any, Mapping, Optional


class MarketplaceError(Exception):
    """An error answer of the API, `{error, message, code, details}`, with
    its HTTP status. The subclass names the code (`errors.ERROR_CLASSES`)."""

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        code: str = "",
        error: str = "",
        details: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
        retry_after: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.error = error
        self.details: Mapping[str, Any] = details or {}
        self.headers: Mapping[str, str] = headers or {}
        self._retry_after = retry_after

    def __str__(self) -> str:
        where = f"{self.status} {self.code}".strip()
        return f"{where}: {self.message}" if where else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, message={self.message!r})"


class MarketplaceConnectionError(MarketplaceError):
    """The server could not be reached (no answer at all)."""


class MarketplaceTimeoutError(MarketplaceError):
    """No answer within the client's `timeout`."""
