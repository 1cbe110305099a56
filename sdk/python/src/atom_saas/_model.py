"""The base class of the generated models (`models.py`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, PrivateAttr

from ._results import _EMPTY, RateLimit, ResponseInfo


class ApiModel(BaseModel):
    """A documented answer. Unknown fields are kept (a newer server may add
    some); `rate_limit` and `response_info` tell what the headers said."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    _response_info: ResponseInfo = PrivateAttr(default=_EMPTY)

    @property
    def response_info(self) -> ResponseInfo:
        return self._response_info

    @property
    def rate_limit(self) -> RateLimit:
        return self._response_info.rate_limit
