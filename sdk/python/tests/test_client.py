"""The client's own behaviour against the live server: paging, the async
client, OAuth bearer with refresh, results carrying rate-limit headers,
the user agent, timeouts and unreachable servers."""

import uuid

import httpx
import pytest
from conftest import env, key, publish_skill, unique

from atom_saas import (
    AsyncMarketplaceClient,
    MarketplaceClient,
    MarketplaceConnectionError,
    NoContent,
    __version__,
)


@pytest.fixture(scope="module")
def category(publisher, operator):
    """Five approved skills alone in their category."""
    cat = f"sdk-iter-{uuid.uuid4().hex[:8]}"
    ids = {publish_skill(publisher, operator, unique("Paged"), category=cat) for _ in range(5)}
    return cat, ids


def test_iter_all_follows_the_link_cursor(buyer, category):
    cat, ids = category
    page = buyer.public.browse(category=cat, limit=2)
    assert 'rel="next"' in page.response_info.headers.get("link", "")
    seen = [s.id for s in buyer.iter_all(buyer.public.browse, category=cat, limit=2)]
    assert sorted(seen) == sorted(ids)


def test_iter_all_pages_by_offset_while_pages_are_full(buyer, category):
    cat, ids = category
    assert len(buyer.skills.browse(category=cat, limit=2).skills) == 2
    seen = [s.id for s in buyer.iter_all(buyer.skills.browse, category=cat, limit=2)]
    assert sorted(seen) == sorted(ids)


def test_results_carry_the_rate_limit_headers(buyer, session):
    page = buyer.keys.list()
    assert page.rate_limit.limit == 100000
    assert page.rate_limit.remaining is not None and page.rate_limit.reset is not None
    listed = buyer.domains.trending()
    assert listed.rate_limit.limit is not None
    gone = session.keys.delete(key_id=session.keys.create(name=unique("short-lived"), scope="read").id)
    assert isinstance(gone, NoContent) and gone.response_info.status == 204


def test_the_user_agent_names_the_sdk_and_its_version():
    seen = {}

    def record(request: httpx.Request) -> None:
        seen["ua"] = request.headers["user-agent"]

    http = httpx.Client(event_hooks={"request": [record]})
    MarketplaceClient(http_client=http).service.health()
    assert seen["ua"].startswith(f"atom-saas-python/{__version__} ")


def test_an_unreachable_server_is_a_connection_error():
    client = MarketplaceClient(base_url="http://127.0.0.1:9", timeout=2)
    with pytest.raises(MarketplaceConnectionError):
        client.service.health()


def test_an_expired_bearer_is_refreshed_with_the_refresh_token(session):
    registered = session.oauth.create_client(name=unique("sdk app"), redirect_uris=["http://127.0.0.1/cb"])
    grant = MarketplaceClient().oauth.token(
        grant_type="client_credentials", client_id=registered.client_id, client_secret=registered.client_secret
    )
    seen = []
    client = MarketplaceClient(
        access_token="not-a-live-token",
        refresh_token=grant.refresh_token,
        client_id=registered.client_id,
        client_secret=registered.client_secret,
        on_token=seen.append,
    )
    assert client.agents.list().agents is not None
    assert len(seen) == 1 and client.refresh_token != grant.refresh_token
    assert client.access_token == seen[0]["access_token"]


def test_client_credentials_alone_take_a_token(session):
    registered = session.oauth.create_client(name=unique("sdk service"), redirect_uris=["http://127.0.0.1/cb"])
    client = MarketplaceClient(client_id=registered.client_id, client_secret=registered.client_secret)
    assert client.agents.list().agents is not None
    assert client.access_token


@pytest.mark.anyio
async def test_the_async_client(category):
    cat, ids = category
    async with AsyncMarketplaceClient(api_key=key("BUYER")) as client:
        page = await client.public.browse(category=cat, limit=10)
        assert {s.id for s in page.skills} == ids
        seen = [s.id async for s in client.iter_all(client.public.browse, category=cat, limit=2)]
        assert sorted(seen) == sorted(ids)
        health = await client.service.health()
        assert health.status in ("ok", "healthy", "degraded")


@pytest.fixture
def anyio_backend():
    return "asyncio"


def test_no_answer_within_the_timeout_is_a_timeout_error():
    import socket
    import time

    from atom_saas import MarketplaceTimeoutError

    # A listener that accepts and never answers.
    with socket.socket() as hole:
        hole.bind(("127.0.0.1", 0))
        hole.listen()
        client = MarketplaceClient(base_url=f"http://127.0.0.1:{hole.getsockname()[1]}", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(MarketplaceTimeoutError):
            client.service.health()
        assert time.monotonic() - started < 5


def test_a_federation_peer_walks_the_feed_by_its_next_cursor(category):
    from atom_saas import InvalidFederationKeyError

    peer = MarketplaceClient(federation_key=env("SDK_FEDERATION_KEY"))
    first = peer.federation.catalog(kind="skills", limit=2)
    assert first.has_more and len(first.items) == 2 and first.next_cursor
    seen = [item.id for item in peer.iter_all(peer.federation.catalog, kind="skills", limit=2)]
    assert len(seen) == len(set(seen)) and set(category[1]) <= set(seen)
    with pytest.raises(InvalidFederationKeyError):
        MarketplaceClient(federation_key="not-a-peer").federation.catalog(kind="skills")
