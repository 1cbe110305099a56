"""Fixtures for the SDK tests. scripts/sdk-test starts the servers, creates
the accounts with the admin CLI and passes their keys in the environment
(SDK_<LANG>_<ROLE>_KEY); nothing here is mocked."""

from __future__ import annotations

import os
import uuid
from typing import Any, Dict

import httpx
import pytest

from atom_saas import MarketplaceClient

LANG = os.environ.get("SDK_LANG", "PY")


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run these tests through scripts/sdk-test")
    return value


def key(role: str) -> str:
    return env(f"SDK_{LANG}_{role}_KEY")


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def skill_body(name: str, category: str = "productivity") -> Dict[str, Any]:
    return {
        "name": name,
        "description": f"{name} does useful things",
        "skill_type": "function",
        "input_schema": {"type": "object", "properties": {"data": {"type": "string"}}},
        "output_schema": {"type": "object", "properties": {"result": {"type": "string"}}},
        "code": "def execute(data): return {'result': data}",
        "category": category,
        "tags": ["python", "data"],
    }


@pytest.fixture(scope="session")
def operator() -> MarketplaceClient:
    return MarketplaceClient(api_key=env("SDK_OPERATOR_KEY"))


@pytest.fixture(scope="session")
def publisher() -> MarketplaceClient:
    return MarketplaceClient(api_key=key("PUBLISHER"))


@pytest.fixture(scope="session")
def buyer() -> MarketplaceClient:
    return MarketplaceClient(api_key=key("BUYER"))


def publish_skill(publisher: MarketplaceClient, operator: MarketplaceClient, name: str, category: str = "productivity") -> str:
    """A skill through the real lifecycle: private draft, publish, an
    operator's approval. Returns its marketplace id."""
    created = publisher.private.create(**skill_body(name, category))
    submitted = publisher.skills.publish(skill_id=created.skill_id)
    assert submitted.status == "pending_approval"
    approved = operator.skills.approve(skill_id=submitted.marketplace_id)
    assert approved.status == "approved"
    return submitted.marketplace_id


@pytest.fixture(scope="session")
def session() -> MarketplaceClient:
    """The buyer signed in: an httpx client keeps the session cookie, and
    state changes with a cookie must name the site as their Origin."""
    base = env("ATOM_SAAS_BASE_URL")
    client = MarketplaceClient(http_client=httpx.Client(headers={"Origin": base}))
    client.auth.login(email=env(f"SDK_{LANG}_BUYER_EMAIL"), password=env("SDK_PASSWORD"))
    return client


@pytest.fixture
def approved_skill(publisher: MarketplaceClient, operator: MarketplaceClient) -> str:
    return publish_skill(publisher, operator, unique("SDK skill"))


@pytest.fixture
def agent_id(buyer: MarketplaceClient) -> str:
    return buyer.agents.create(name=unique("SDK agent")).id
