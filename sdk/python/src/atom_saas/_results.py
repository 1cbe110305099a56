"""What every result carries besides its body: the status, the headers and
the rate-limit budget they tell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, List, Mapping, Optional, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RateLimit:
    """`X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds)."""

    limit: Optional[int] = None
    remaining: Optional[int] = None
    reset: Optional[int] = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> "RateLimit":
        def num(name: str) -> Optional[int]:
            value = headers.get(name)
            try:
                return int(value) if value is not None else None
            except ValueError:
                return None

        return cls(num("x-ratelimit-limit"), num("x-ratelimit-remaining"), num("x-ratelimit-reset"))


@dataclass(frozen=True)
class ResponseInfo:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    rate_limit: RateLimit = field(default_factory=RateLimit)

    @property
    def request_id(self) -> Optional[str]:
        return self.headers.get("x-request-id")


_EMPTY = ResponseInfo(0)


class _Meta:
    """`rate_limit` and `response_info` on a result."""

    _response_info: ResponseInfo = _EMPTY

    @property
    def response_info(self) -> ResponseInfo:
        return self._response_info

    @property
    def rate_limit(self) -> RateLimit:
        return self._response_info.rate_limit


class JsonObject(dict, _Meta):  # type: ignore[type-arg]
    """An answer documented as a free-form object."""


class JsonList(List[T], _Meta, Generic[T]):
    """An answer that is a JSON array."""


class NoContent(_Meta):
    """The answer of a route that returns no body (204)."""

    def __repr__(self) -> str:
        return f"NoContent(status={self._response_info.status})"


def attach(value: Any, info: ResponseInfo) -> Any:
    # Pydantic keeps private attributes apart from the fields, dict and
    # list subclasses in their __dict__: setattr reaches both.
    try:
        setattr(value, "_response_info", info)
    except (AttributeError, TypeError, ValueError):
        pass
    return value
