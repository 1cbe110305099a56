// The client's own behaviour against the live server: paging, OAuth bearer
// with refresh, results carrying rate-limit headers, the user agent and an
// unreachable server.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { MarketplaceClient, MarketplaceConnectionError, VERSION } from "@atom-saas/sdk";
import { buyer, publishSkill, session, unique } from "./helpers.mjs";

let category;
let ids;
before(async () => {
  // Five approved skills alone in their category.
  category = `sdk-iter-${randomUUID().slice(0, 8)}`;
  ids = [];
  for (let i = 0; i < 5; i++) ids.push(await publishSkill(unique("Paged"), category));
  ids.sort();
});

test("iterAll follows the Link cursor", async () => {
  const client = buyer();
  const page = await client.public.browse({ category, limit: 2 });
  assert.match(page.response.headers.get("link") ?? "", /rel="next"/);
  const seen = [];
  for await (const s of client.iterAll(client.public.browse, { category, limit: 2 })) seen.push(s.id);
  assert.deepEqual(seen.sort(), ids);
});

test("iterAll pages by offset while pages are full", async () => {
  const client = buyer();
  assert.equal((await client.skills.browse({ category, limit: 2 })).skills.length, 2);
  const seen = [];
  for await (const s of client.iterAll(client.skills.browse, { category, limit: 2 })) seen.push(s.id);
  assert.deepEqual(seen.sort(), ids);
});

test("results carry the rate-limit headers, out of the JSON", async () => {
  const page = await buyer().agents.list();
  assert.equal(page.rateLimit.limit, 100000);
  assert.ok(page.rateLimit.remaining !== null && page.rateLimit.reset !== null);
  assert.ok(!("rateLimit" in JSON.parse(JSON.stringify(page))));
  const trending = await buyer().domains.trending();
  assert.ok(Array.isArray(trending) && trending.rateLimit.limit !== null);
  const signedIn = await session();
  const created = await signedIn.keys.create({ name: unique("short-lived"), scope: "read" });
  const gone = await signedIn.keys.delete({ keyId: created.id });
  assert.equal(gone.response.status, 204);
});

test("camelCase arguments go out as the wire's snake_case", async () => {
  const seen = [];
  const spy = (url, init) => {
    seen.push([String(url), init.body]);
    return fetch(url, init);
  };
  const client = new MarketplaceClient({ apiKey: process.env.SDK_JS_BUYER_KEY, fetch: spy });
  await client.skills.browse({ sortBy: "rating", sortOrder: "desc", limit: 1 });
  assert.match(seen[0][0], /sort_by=rating&sort_order=desc&limit=1$/);
  await client.skills.install({ skillId: randomUUID(), agentId: randomUUID(), installDependencies: false }).catch(() => {});
  assert.deepEqual(Object.keys(JSON.parse(seen[1][1])).sort(), ["agent_id", "install_dependencies", "skill_id"]);
});

test("the user agent names the SDK and its version", async () => {
  let ua;
  const spy = (url, init) => {
    ua = init.headers["User-Agent"];
    return fetch(url, init);
  };
  await new MarketplaceClient({ fetch: spy }).service.health();
  assert.ok(ua.startsWith(`atom-saas-js/${VERSION} `), ua);
});

test("an unreachable server is a MarketplaceConnectionError", async () => {
  const err = await new MarketplaceClient({ baseUrl: "http://127.0.0.1:9", timeout: 2000 }).service.health().catch((e) => e);
  assert.ok(err instanceof MarketplaceConnectionError, String(err));
});

test("an expired bearer is refreshed with the refresh token", async () => {
  const signedIn = await session();
  const registered = await signedIn.oauth.createClient({ name: unique("sdk app"), redirectUris: ["http://127.0.0.1/cb"] });
  const grant = await new MarketplaceClient().oauth.token({
    grantType: "client_credentials",
    clientId: registered.client_id,
    clientSecret: registered.client_secret,
  });
  const seen = [];
  const client = new MarketplaceClient({
    accessToken: "not-a-live-token",
    refreshToken: grant.refresh_token,
    clientId: registered.client_id,
    clientSecret: registered.client_secret,
    onToken: (t) => seen.push(t),
  });
  assert.ok(Array.isArray((await client.agents.list()).agents));
  assert.equal(seen.length, 1);
  assert.notEqual(client.refreshToken, grant.refresh_token);
  assert.equal(client.accessToken, seen[0].access_token);
});

test("client credentials alone take a token", async () => {
  const signedIn = await session();
  const registered = await signedIn.oauth.createClient({ name: unique("sdk service"), redirectUris: ["http://127.0.0.1/cb"] });
  const client = new MarketplaceClient({ clientId: registered.client_id, clientSecret: registered.client_secret });
  assert.ok(Array.isArray((await client.agents.list()).agents));
  assert.ok(client.accessToken);
});

test("no answer within the timeout is a MarketplaceTimeoutError", async () => {
  const { createServer } = await import("node:net");
  const { MarketplaceTimeoutError } = await import("@atom-saas/sdk");
  // A listener that accepts and never answers.
  const sockets = [];
  const hole = createServer((s) => sockets.push(s));
  await new Promise((r) => hole.listen(0, "127.0.0.1", r));
  try {
    const client = new MarketplaceClient({ baseUrl: `http://127.0.0.1:${hole.address().port}`, timeout: 500 });
    const started = Date.now();
    const err = await client.service.health().catch((e) => e);
    assert.ok(err instanceof MarketplaceTimeoutError, String(err));
    assert.ok(Date.now() - started < 5000);
  } finally {
    for (const s of sockets) s.destroy();
    hole.close();
  }
});

test("a federation peer walks the feed by its next cursor", async () => {
  const { InvalidFederationKeyError } = await import("@atom-saas/sdk");
  const peer = new MarketplaceClient({ federationKey: process.env.SDK_FEDERATION_KEY });
  const first = await peer.federation.catalog({ kind: "skills", limit: 2 });
  assert.ok(first.has_more && first.items.length === 2 && first.next_cursor);
  const seen = [];
  for await (const item of peer.iterAll(peer.federation.catalog, { kind: "skills", limit: 2 })) seen.push(item.id);
  assert.equal(new Set(seen).size, seen.length);
  for (const id of ids) assert.ok(seen.includes(id), id);
  const err = await new MarketplaceClient({ federationKey: "not-a-peer" }).federation.catalog({ kind: "skills" }).catch((e) => e);
  assert.ok(err instanceof InvalidFederationKeyError, String(err));
});
