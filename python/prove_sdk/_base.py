"""The hand-written base of the generated method groups (``prove_sdk._generated.clients``).

A group (``client.flow``, ``client.identity_manager``, ...) holds only its client; every
generated method is one call of :meth:`SyncGroup._call` / :meth:`AsyncGroup._call`, which hand
the method name, the request and the per-call options to the client. The identity listing's
iterators (``pages()`` and ``list()`` of ``identity_manager``) are here too.
"""
from __future__ import annotations

import json
from typing import (
    Any,
    AsyncIterator,
    Iterator,
    Mapping,
    Optional,
    Protocol,
    Type,
    TypedDict,
    TypeVar,
    Union,
)

from ._generated.models import BatchGetIdentitiesResponse, GetBatchIdentityItem, ListIdentities
from ._model import Model, _from_owned_json

__all__ = [
    "CallOptions",
    "SyncCaller",
    "AsyncCaller",
    "SyncGroup",
    "AsyncGroup",
    "IdentityListing",
    "AsyncIdentityListing",
    "NativeCursor",
]

_M = TypeVar("_M", bound=Model)


class CallOptions(TypedDict, total=False):
    """Options of one call (every key optional)."""

    timeout_ms: float
    """Total time of this call in milliseconds, retries included."""
    attempt_timeout_ms: float
    """Time limit of one attempt in milliseconds."""
    retries: int
    """Retries after the first attempt for this call; 0 switches retries off."""
    client_request_id: str
    """Sent as the request's ``clientRequestId`` when it has that field and does not set it."""


class NativeCursor(Protocol):
    """The native listing cursor (``prove_sdk._native.NativeCursor``)."""

    def next_page(self) -> Optional[str]: ...

    def next_page_async(self) -> Any: ...


class SyncCaller(Protocol):
    """What a synchronous group needs of its client."""

    def _invoke(
        self,
        out: Type[_M],
        name: str,
        request: Any,
        fields: Mapping[str, Any],
        options: Optional[CallOptions],
    ) -> _M: ...

    def _cursor(
        self, request: Any, fields: Mapping[str, Any], options: Optional[CallOptions]
    ) -> NativeCursor: ...


class AsyncCaller(Protocol):
    """What an asynchronous group needs of its client."""

    async def _invoke(
        self,
        out: Type[_M],
        name: str,
        request: Any,
        fields: Mapping[str, Any],
        options: Optional[CallOptions],
    ) -> _M: ...

    def _cursor(
        self, request: Any, fields: Mapping[str, Any], options: Optional[CallOptions]
    ) -> NativeCursor: ...


def _one(name: str, request: Any) -> Any:
    """The request of a generated method, given as ``*request`` (at most one) or as one value."""
    if not isinstance(request, tuple):
        return request
    if len(request) > 1:
        raise TypeError(f"{name} takes at most one positional argument (the request)")
    return request[0] if request else None


class SyncGroup:
    """A method group of ``ProveClient``."""

    __slots__ = ("_caller",)

    def __init__(self, caller: SyncCaller) -> None:
        self._caller = caller

    def _call(
        self,
        out: Type[_M],
        name: str,
        request: Any,
        fields: Mapping[str, Any],
        options: Optional[CallOptions],
    ) -> _M:
        return self._caller._invoke(out, name, _one(name, request), fields, options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class AsyncGroup:
    """A method group of ``AsyncProveClient``."""

    __slots__ = ("_caller",)

    def __init__(self, caller: AsyncCaller) -> None:
        self._caller = caller

    async def _call(
        self,
        out: Type[_M],
        name: str,
        request: Any,
        fields: Mapping[str, Any],
        options: Optional[CallOptions],
    ) -> _M:
        return await self._caller._invoke(out, name, _one(name, request), fields, options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _listing_fields(
    limit: Optional[int], show_inactive: Optional[bool], client_request_id: Optional[str]
) -> Mapping[str, Any]:
    return {
        k: v
        for k, v in (
            ("limit", limit),
            ("show_inactive", show_inactive),
            ("client_request_id", client_request_id),
        )
        if v is not None
    }


def _page(text: str) -> BatchGetIdentitiesResponse:
    return _from_owned_json(BatchGetIdentitiesResponse, json.loads(text))


_ListRequest = Union[ListIdentities, Mapping[str, Any], None]


class IdentityListing(SyncGroup):
    """The identity listing of ``client.identity_manager`` as iterators, following ``lastKey``."""

    __slots__ = ()

    def pages(
        self,
        request: _ListRequest = None,
        /,
        *,
        limit: Optional[int] = None,
        show_inactive: Optional[bool] = None,
        client_request_id: Optional[str] = None,
        options: Optional[CallOptions] = None,
    ) -> Iterator[BatchGetIdentitiesResponse]:
        """Every page of the enrolled identities (``limit`` per page), fetched as you iterate.

        Nothing is sent before the first ``next()``; an error ends the iteration by raising.
        """
        fields = _listing_fields(limit, show_inactive, client_request_id)
        cursor = self._caller._cursor(request, fields, options)
        while True:
            text = cursor.next_page()
            if text is None:
                return
            yield _page(text)

    def list(
        self,
        request: _ListRequest = None,
        /,
        *,
        limit: Optional[int] = None,
        show_inactive: Optional[bool] = None,
        client_request_id: Optional[str] = None,
        options: Optional[CallOptions] = None,
    ) -> Iterator[GetBatchIdentityItem]:
        """Every enrolled identity, page after page (see :meth:`pages`)."""
        for page in self.pages(
            request,
            limit=limit,
            show_inactive=show_inactive,
            client_request_id=client_request_id,
            options=options,
        ):
            yield from page.results


class AsyncIdentityListing(AsyncGroup):
    """The identity listing of ``client.identity_manager`` as async iterators."""

    __slots__ = ()

    async def pages(
        self,
        request: _ListRequest = None,
        /,
        *,
        limit: Optional[int] = None,
        show_inactive: Optional[bool] = None,
        client_request_id: Optional[str] = None,
        options: Optional[CallOptions] = None,
    ) -> AsyncIterator[BatchGetIdentitiesResponse]:
        """Every page of the enrolled identities, fetched as you iterate (``async for``).

        Cancelling the task while a page is in flight leaves the listing where it was.
        """
        fields = _listing_fields(limit, show_inactive, client_request_id)
        cursor = self._caller._cursor(request, fields, options)
        while True:
            text = await cursor.next_page_async()
            if text is None:
                return
            yield _page(text)

    async def list(
        self,
        request: _ListRequest = None,
        /,
        *,
        limit: Optional[int] = None,
        show_inactive: Optional[bool] = None,
        client_request_id: Optional[str] = None,
        options: Optional[CallOptions] = None,
    ) -> AsyncIterator[GetBatchIdentityItem]:
        """Every enrolled identity, page after page (see :meth:`pages`)."""
        async for page in self.pages(
            request,
            limit=limit,
            show_inactive=show_inactive,
            client_request_id=client_request_id,
            options=options,
        ):
            for item in page.results:
                yield item
