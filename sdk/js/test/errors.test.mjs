// One error class per code, and the retry rules: a 429 of the request
// budget is waited out and retried, a quota's 429 and other errors never.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  ERROR_CLASSES,
  InsufficientScopeError,
  InvalidApiKeyError,
  MarketplaceClient,
  MarketplaceError,
  RateLimitExceededError,
  RatingExistsError,
  SkillNotFoundError,
  TenantLimitExceededError,
} from "@atom-saas/sdk";
import { buyer, env, key, publishSkill, session, unique } from "./helpers.mjs";

test("an unknown skill is SkillNotFoundError", async () => {
  const err = await buyer().public.get({ skillId: randomUUID() }).catch((e) => e);
  assert.ok(err instanceof SkillNotFoundError && err instanceof MarketplaceError);
  assert.deepEqual([err.status, err.code], [404, "SKILL_NOT_FOUND"]);
  assert.ok(err.message);
});

test("a second rating is RatingExistsError", async () => {
  const skillId = await publishSkill(unique("Rated twice"));
  await buyer().skills.rate({ skillId, rating: 3 });
  const err = await buyer().skills.rate({ skillId, rating: 4 }).catch((e) => e);
  assert.ok(err instanceof RatingExistsError);
  assert.deepEqual([err.status, err.code], [409, "RATING_EXISTS"]);
});

test("a read key cannot write: InsufficientScopeError", async () => {
  const skillId = await publishSkill(unique("Read only"));
  const created = await (await session()).keys.create({ name: unique("read only"), scope: "read" });
  const reader = new MarketplaceClient({ apiKey: created.key });
  assert.equal((await reader.public.get({ skillId })).id, skillId);
  const err = await reader.skills.rate({ skillId, rating: 5 }).catch((e) => e);
  assert.ok(err instanceof InsufficientScopeError);
  assert.deepEqual([err.status, err.code], [403, "INSUFFICIENT_SCOPE"]);
});

test("junk credentials are InvalidApiKeyError", async () => {
  const err = await new MarketplaceClient({ apiKey: "sk-" + "0".repeat(40) }).keys.list().catch((e) => e);
  assert.ok(err instanceof InvalidApiKeyError);
  assert.equal(err.status, 401);
});

test("every error code has its own class", () => {
  assert.equal(ERROR_CLASSES.SKILL_NOT_FOUND, SkillNotFoundError);
  const classes = Object.values(ERROR_CLASSES);
  assert.equal(new Set(classes).size, classes.length);
  for (const C of classes) assert.ok(C.prototype instanceof MarketplaceError);
});

test("a rate-limit 429 is waited out and retried", async () => {
  // The second server allows each key 3 requests a minute.
  const baseUrl = env("SDK_LIMITED_URL");
  const impatient = new MarketplaceClient({ apiKey: key("LIMITED"), baseUrl, maxRetries: 0 });
  let err;
  for (let i = 0; i < 10 && !err; i++) {
    try {
      const page = await impatient.keys.list();
      assert.equal(page.rateLimit.limit, 3);
    } catch (e) {
      err = e;
    }
  }
  assert.ok(err instanceof RateLimitExceededError, String(err));
  assert.ok(err.status === 429 && err.retryAfter >= 1 && err.retryAfter <= 60);
  const patient = new MarketplaceClient({ apiKey: key("LIMITED"), baseUrl });
  const started = Date.now();
  const page = await patient.keys.list();
  const waited = (Date.now() - started) / 1000;
  assert.ok(Array.isArray(page.keys));
  assert.ok(waited >= err.retryAfter - 2, `answered after ${waited} s, Retry-After was ${err.retryAfter}`);
  assert.ok(page.rateLimit.remaining !== null && page.rateLimit.remaining < 3);
});

test("a quota 429 is never retried", async () => {
  const quota = new MarketplaceClient({ apiKey: key("QUOTA") });
  const started = Date.now();
  let err;
  for (let i = 0; i < 20 && !err; i++) {
    await quota.canvases.create({ name: `canvas ${i}` }).catch((e) => (err = e));
  }
  assert.ok(err instanceof TenantLimitExceededError, String(err));
  assert.equal(err.status, 429);
  assert.equal(err.details.limit, 10);
  assert.equal((await quota.canvases.list()).canvases.length, 10);
  assert.ok(Date.now() - started < 15_000);
});
