"""One error class per code, and the retry rules: a 429 of the request
budget is waited out and retried, a quota's 429 and other errors never."""

import time
import uuid

import pytest
from conftest import env, key, unique

import atom_saas
from atom_saas import (
    InsufficientScopeError,
    MarketplaceClient,
    MarketplaceError,
    RateLimitExceededError,
    RatingExistsError,
    SkillNotFoundError,
    TenantLimitExceededError,
)


def test_an_unknown_skill_is_skill_not_found(buyer):
    with pytest.raises(SkillNotFoundError) as e:
        buyer.public.get(skill_id=str(uuid.uuid4()))
    assert (e.value.status, e.value.code) == (404, "SKILL_NOT_FOUND")
    assert isinstance(e.value, MarketplaceError) and e.value.message


def test_a_second_rating_is_rating_exists(buyer, approved_skill):
    buyer.skills.rate(skill_id=approved_skill, rating=3)
    with pytest.raises(RatingExistsError) as e:
        buyer.skills.rate(skill_id=approved_skill, rating=4)
    assert (e.value.status, e.value.code) == (409, "RATING_EXISTS")


def test_a_read_key_cannot_write(session, approved_skill):
    created = session.keys.create(name=unique("read only"), scope="read")
    reader = MarketplaceClient(api_key=created.key)
    assert reader.public.get(skill_id=approved_skill).id == approved_skill
    with pytest.raises(InsufficientScopeError) as e:
        reader.skills.rate(skill_id=approved_skill, rating=5)
    assert (e.value.status, e.value.code) == (403, "INSUFFICIENT_SCOPE")


def test_junk_credentials_are_refused():
    with pytest.raises(atom_saas.InvalidApiKeyError) as e:
        MarketplaceClient(api_key="sk-" + "0" * 40).keys.list()
    assert e.value.status == 401


def test_every_error_code_has_its_class():
    assert atom_saas.errors.ERROR_CLASSES["SKILL_NOT_FOUND"] is SkillNotFoundError
    assert all(issubclass(c, MarketplaceError) for c in atom_saas.errors.ERROR_CLASSES.values())
    assert len(set(atom_saas.errors.ERROR_CLASSES.values())) == len(atom_saas.errors.ERROR_CLASSES)


def test_a_rate_limit_429_is_waited_out_and_retried():
    # The second server allows each key 3 requests a minute.
    url, limited = env("SDK_LIMITED_URL"), key("LIMITED")
    impatient = MarketplaceClient(api_key=limited, base_url=url, max_retries=0)
    with pytest.raises(RateLimitExceededError) as e:
        for _ in range(10):
            last = impatient.keys.list()
            assert last.rate_limit.limit == 3
    assert e.value.status == 429 and 1 <= e.value.retry_after <= 60
    patient = MarketplaceClient(api_key=limited, base_url=url)
    started = time.monotonic()
    page = patient.keys.list()
    waited = time.monotonic() - started
    assert page.keys is not None
    assert waited >= e.value.retry_after - 2, f"answered after {waited:.1f} s, Retry-After was {e.value.retry_after}"
    assert page.rate_limit.remaining is not None and page.rate_limit.remaining < 3


def test_a_quota_429_is_never_retried():
    quota = MarketplaceClient(api_key=key("QUOTA"))
    started = time.monotonic()
    with pytest.raises(TenantLimitExceededError) as e:
        for i in range(20):
            quota.canvases.create(name=f"canvas {i}")
    assert e.value.status == 429 and e.value.details.get("limit") == 10
    assert len(quota.canvases.list().canvases) == 10
    assert time.monotonic() - started < 15
