"""Python client of the Agent Marketplace API.

    from atom_saas import MarketplaceClient
    client = MarketplaceClient(api_key="sk-your-key")
    skills = client.skills.browse(category="productivity", limit=10)
"""

from . import errors, models
from ._client import AsyncMarketplaceClient, MarketplaceClient
from ._errors_base import MarketplaceConnectionError, MarketplaceError, MarketplaceTimeoutError
from ._results import JsonList, JsonObject, NoContent, RateLimit, ResponseInfo
from ._version import __version__
from .errors import *  # noqa: F401,F403  (one class per error code)

__all__ = [
    "AsyncMarketplaceClient",
    "JsonList",
    "JsonObject",
    "MarketplaceClient",
    "MarketplaceConnectionError",
    "MarketplaceError",
    "MarketplaceTimeoutError",
    "NoContent",
    "RateLimit",
    "ResponseInfo",
    "__version__",
    "errors",
    "models",
] + errors.__all__
