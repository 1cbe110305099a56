"""The route table's types and the base of the generated namespaces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, NamedTuple, Optional, Tuple, TypeVar

if TYPE_CHECKING:
    from ._client import AsyncMarketplaceClient, MarketplaceClient

F = TypeVar("F", bound=Callable[..., Any])


class Param(NamedTuple):
    name: str  # the Python argument
    wire: str  # the name on the wire
    loc: str  # path | query | body
    required: bool


class Operation(NamedTuple):
    id: str
    method: str
    path: str
    params: Tuple[Param, ...]
    body: Optional[str]  # json | form | None
    response: Optional[Tuple[str, Optional[str]]]  # (model|list|json, schema name)
    items: Optional[str]  # the array field holding a page's items
    paged: bool
    namespace: str
    name: str
    alias_of: Optional[str]


def operation(operation_id: str) -> Callable[[F], F]:
    """Marks a namespace method with the operation it calls (read by
    `iter_all` and the coverage test)."""

    def mark(fn: F) -> F:
        fn.operation_id = operation_id  # type: ignore[attr-defined]
        return fn

    return mark


class SyncNamespace:
    def __init__(self, client: "MarketplaceClient") -> None:
        self._client = client

    def _call(self, operation_id: str, args: Dict[str, Any]) -> Any:
        return self._client._call(operation_id, args)


class AsyncNamespace:
    def __init__(self, client: "AsyncMarketplaceClient") -> None:
        self._client = client

    async def _call(self, operation_id: str, args: Dict[str, Any]) -> Any:
        return await self._client._call(operation_id, args)
