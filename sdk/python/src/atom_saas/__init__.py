"""Python client of the Agent Marketplace API.

    from atom_saas import MarketplaceClient
    client = MarketplaceClient(api_key="sk-your-key")
    skills = client.skills.browse(category="productivity", limit=10)
"""

from . import errors as errors
from . import models as models
from ._client import AsyncMarketplaceClient as AsyncMarketplaceClient
from ._client import MarketplaceClient as MarketplaceClient
from ._errors_base import MarketplaceConnectionError as MarketplaceConnectionError
from ._errors_base import MarketplaceError as MarketplaceError
from ._errors_base import MarketplaceTimeoutError as MarketplaceTimeoutError
from ._results import JsonList as JsonList
from ._results import JsonObject as JsonObject
from ._results import NoContent as NoContent
from ._results import RateLimit as RateLimit
from ._results import ResponseInfo as ResponseInfo
from ._version import __version__ as __version__
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
]
__all__ += errors.__all__
