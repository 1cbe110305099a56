// A journey through each marketplace with the SDK: publish, approve with an
// operator key, browse, install, rate and read the reviews, wherever the
// marketplace has the route (agent and workflow templates take no ratings).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buyer, operator, publishSkill, publisher, unique } from "./helpers.mjs";

test("skill marketplace", async () => {
  const name = unique("Journey skill");
  const skillId = await publishSkill(name);
  const found = await buyer().skills.browse({ query: name, limit: 5 });
  assert.deepEqual(found.skills.map((s) => s.id), [skillId]);
  const agent = await buyer().agents.create({ name: unique("Agent") });
  const installed = await buyer().skills.install({ skillId, agentId: agent.id });
  assert.equal(installed.status, "installed");
  const rated = await buyer().skills.rate({ skillId, rating: 4, review: "Solid" });
  assert.deepEqual([rated.rating, rated.total_ratings], [4, 1]);
  const again = await buyer().skills.updateRating({ skillId, rating: 5, review: "Better now" });
  assert.equal(again.new_average, 5);
  const reviews = await buyer().public.reviews({ skillId });
  assert.deepEqual(reviews.reviews.map((r) => [r.rating, r.review]), [[5, "Better now"]]);
  assert.equal((await buyer().public.get({ skillId })).installs, 1);
});

test("agent template marketplace", async () => {
  const agent = await publisher().agents.create({ name: unique("Template source") });
  const name = unique("Sales Assistant");
  const published = await publisher().agentTemplates.publish({
    agentId: agent.id,
    name,
    description: "Automated follow-up",
    price: 19.99,
    category: "sales",
  });
  assert.equal(published.status, "pending_approval");
  const approved = await operator().agentTemplates.approve({ templateId: published.template_id });
  assert.equal(approved.status, "approved");
  const client = buyer();
  const names = [];
  for await (const t of client.iterAll(client.agentTemplates.browse, { limit: 50 })) names.push(t.name);
  assert.ok(names.includes(name));
  const installed = await client.agentTemplates.install({ templateId: published.template_id });
  assert.equal(installed.success, true);
  const mine = (await client.agents.list()).agents.map((a) => a.id);
  assert.ok(mine.includes(installed.agent_id));
});

test("domain marketplace", async () => {
  const name = unique("Sales Automation");
  const draft = await publisher().domains.create({ domainName: name, description: `${name} workflows`, category: "sales" });
  assert.equal(draft.status, "draft");
  const submitted = await publisher().domains.submit({ domainId: draft.domain_id, priceUsd: 29.99, licenseType: "MIT", tags: ["sales"] });
  assert.equal(submitted.status, "pending_approval");
  assert.equal((await operator().domains.approve({ domainId: draft.domain_id })).status, "approved");
  const found = await buyer().domains.browse({ q: name });
  assert.deepEqual(found.map((d) => d.id), [draft.domain_id]);
  const copy = await buyer().domains.install({ templateDomainId: draft.domain_id, customName: unique("My sales") });
  assert.equal(copy.template_id, draft.domain_id);
  const rated = await buyer().domains.rate({ domainId: draft.domain_id, rating: 4.5, review: "Half a star short" });
  assert.equal(rated.success, true);
  const detail = await buyer().domains.get({ domainId: draft.domain_id });
  assert.deepEqual([detail.rating_count, detail.install_count], [1, 1]);
});

test("canvas component marketplace", async () => {
  const name = unique("Revenue chart");
  const created = await publisher().components.create({
    name,
    description: "A chart",
    category: "charts",
    componentType: "chart",
    code: "export default 1",
  });
  const submitted = await publisher().components.publish({ componentId: created.component_id, price: 0, tags: ["chart"] });
  assert.equal(submitted.status, "submitted_for_approval");
  assert.equal((await operator().components.approve({ componentId: created.component_id })).status, "approved");
  const found = await buyer().components.browse({ query: name });
  assert.deepEqual(found.components.map((c) => c.id), [created.component_id]);
  const canvas = await buyer().canvases.create({ name: unique("Board") });
  const installed = await buyer().components.install({ componentId: created.component_id, canvasId: canvas.id });
  assert.deepEqual([installed.status, installed.canvas_id], ["installed", canvas.id]);
  await buyer().components.rate({ componentId: created.component_id, rating: 5, review: "Pretty" });
  const ratings = await buyer().components.ratings({ componentId: created.component_id });
  assert.deepEqual(ratings.ratings.map((r) => [r.rating, r.review]), [[5, "Pretty"]]);
});

test("workflow template marketplace", async () => {
  const name = unique("Lead router");
  const created = await publisher().workflows.createAdvanced({ name, description: "Routes leads", category: "sales" });
  assert.equal(created.status, "pending_approval");
  const decided = await operator().admin.approveListing({ listingId: created.id });
  assert.equal(decided.status, "approved");
  const listed = await buyer().workflows.browse({ category: "sales" });
  assert.ok(listed.map((t) => t.id).includes(created.id));
  const imported = await buyer().workflows.install({ templateId: created.id });
  assert.ok(imported.name);
  const workspace = await buyer().workflows.listWorkspace();
  assert.ok(workspace.workflows.map((w) => w.id).includes(imported.id));
});
