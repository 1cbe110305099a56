// The retry rule itself (a pure function; the live 429 is in errors.test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MaintenanceModeError, RateLimitExceededError, ServiceUnavailableError, TenantLimitExceededError } from "@atom-saas/sdk";
import { retryWait } from "../dist/transport.js";

const limited = (retryAfter) => new RateLimitExceededError({ status: 429, code: "RATE_LIMIT_EXCEEDED", message: "slow", retryAfter });

test("a rate limit waits its Retry-After, up to a minute", () => {
  assert.equal(retryWait(limited(7), 0, 0, 3, 90), 7);
  assert.equal(retryWait(limited(60), 0, 0, 3, 90), 60);
  assert.equal(retryWait(limited(61), 0, 0, 3, 90), null);
});

test("retries stop at maxRetries and at the total wait", () => {
  assert.equal(retryWait(limited(1), 3, 0, 3, 90), null);
  assert.equal(retryWait(limited(30), 1, 70, 3, 90), null);
  assert.equal(retryWait(limited(20), 1, 70, 3, 90), 20);
});

test("quota and maintenance answers are never retried", () => {
  assert.equal(retryWait(new TenantLimitExceededError({ status: 429, code: "TENANT_LIMIT_EXCEEDED", message: "", retryAfter: 1 }), 0, 0, 3, 90), null);
  assert.equal(retryWait(new MaintenanceModeError({ status: 503, code: "MAINTENANCE_MODE", message: "" }), 0, 0, 3, 90), null);
});

test("a 503 backs off with full jitter, capped at 8 s", () => {
  const err = new ServiceUnavailableError({ status: 503, code: "SERVICE_UNAVAILABLE", message: "busy" });
  for (const [attempt, cap] of [[0, 0.5], [1, 1], [2, 2], [3, 4], [4, 8], [6, 8]]) {
    const waits = Array.from({ length: 200 }, () => retryWait(err, attempt, 0, 10, 1000));
    assert.ok(waits.every((w) => w !== null && w >= 0 && w <= cap));
    assert.ok(Math.max(...waits) > cap / 2);
  }
});
