// The reference's JavaScript example, its three calls as written: only the
// key and the ids are real ones (the base URL comes from $ATOM_SAAS_BASE_URL).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buyer, key, publishSkill, unique } from "./helpers.mjs";
import { MarketplaceClient } from '@atom-saas/sdk';

test("the reference example runs as written", async () => {
  const skillUuid = await publishSkill(unique("SDK skill"));
  const agentUuid = (await buyer().agents.create({ name: unique("SDK agent") })).id;
  const yourKey = key("BUYER");

  // Initialize client
  const client = new MarketplaceClient({ apiKey: yourKey });
  // Browse skills
  const skills = await client.skills.browse({ category: 'productivity', limit: 10 });
  // Install skill
  const result = await client.skills.install({ skillId: skillUuid, agentId: agentUuid });
  // Rate skill
  await client.skills.rate({ skillId: skillUuid, rating: 5, review: 'Excellent!' });

  // ...and they did what they say.
  assert.ok(skills.success && skills.skills.length >= 1 && skills.skills.length <= 10);
  assert.ok(skills.skills.every((s) => s.category === "productivity"));
  assert.equal(result.success, true);
  const detail = await client.public.get({ skillId: skillUuid });
  assert.equal(detail.rating_count, 1);
  const reviews = await client.public.reviews({ skillId: skillUuid });
  assert.deepEqual(reviews.reviews.map((r) => [r.rating, r.review]), [[5, "Excellent!"]]);
});
