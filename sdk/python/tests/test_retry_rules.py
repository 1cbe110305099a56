"""The retry rule itself (a pure function; the live 429 is in test_errors):
which answers are retried, how long each wait may be, and the caps."""

from atom_saas._transport import Settings, retry_wait
from atom_saas.errors import (
    MaintenanceModeError,
    RateLimitExceededError,
    ServiceUnavailableError,
    SkillLimitExceededError,
    TenantLimitExceededError,
)

SETTINGS = Settings("http://x", 30, 3, 90, "ua")


def limited(after):
    return RateLimitExceededError("slow down", status=429, code="RATE_LIMIT_EXCEEDED", retry_after=after)


def test_a_rate_limit_waits_its_retry_after_up_to_a_minute():
    assert retry_wait(limited(7), 0, 0, SETTINGS) == 7
    assert retry_wait(limited(60), 0, 0, SETTINGS) == 60
    assert retry_wait(limited(61), 0, 0, SETTINGS) is None


def test_retries_stop_at_max_retries_and_at_the_total_wait():
    assert retry_wait(limited(1), 3, 0, SETTINGS) is None
    assert retry_wait(limited(30), 1, 70, SETTINGS) is None
    assert retry_wait(limited(20), 1, 70, SETTINGS) == 20


def test_quota_and_maintenance_answers_are_never_retried():
    for cls, code, status in [
        (TenantLimitExceededError, "TENANT_LIMIT_EXCEEDED", 429),
        (SkillLimitExceededError, "SKILL_LIMIT_EXCEEDED", 429),
        (MaintenanceModeError, "MAINTENANCE_MODE", 503),
    ]:
        assert retry_wait(cls("no", status=status, code=code, retry_after=1), 0, 0, SETTINGS) is None


def test_a_503_backs_off_with_full_jitter_capped_at_8_seconds():
    err = ServiceUnavailableError("busy", status=503, code="SERVICE_UNAVAILABLE")
    many = Settings("http://x", 30, 10, 1000, "ua")
    for attempt, cap in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (6, 8.0)]:
        waits = [retry_wait(err, attempt, 0, many) for _ in range(200)]
        assert all(w is not None and 0 <= w <= cap for w in waits)
        assert max(waits) > cap / 2  # drawn across the range, not a fixed step
