import { test } from "node:test";
import assert from "node:assert/strict";
import { MarketplaceClient } from "@atom-saas/sdk";

test("health", async () => {
  const client = new MarketplaceClient();
  const health = await client.service.health();
  assert.ok(health.status);
});
