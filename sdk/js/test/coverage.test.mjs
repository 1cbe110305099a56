// Every operation the live server documents has its method, and the
// generated table is the served document's (a stale SDK fails here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MarketplaceClient, OPERATIONS } from "@atom-saas/sdk";

const CONTRACT = ["skills", "agentTemplates", "domains", "components", "workflows", "public", "private", "agents", "keys", "webhooks", "admin"];

test("every documented operation has a method", async () => {
  const client = new MarketplaceClient();
  const doc = await client.service.openapi();
  const served = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) served[op.operationId] = [method.toUpperCase(), path];
  }
  assert.ok(Object.keys(served).length > 0);
  const missing = Object.keys(served).filter((id) => !OPERATIONS[id]).sort();
  assert.deepEqual(missing, [], "operations without a method (run scripts/sdk-generate)");
  const extra = Object.keys(OPERATIONS).filter((id) => !served[id]).sort();
  assert.deepEqual(extra, [], "methods for operations the server no longer has");
  for (const [id, [method, path]] of Object.entries(served)) {
    const op = OPERATIONS[id];
    assert.deepEqual([op.method, op.path], [method, path]);
    const fn = client[op.namespace][op.name];
    assert.equal(typeof fn, "function", `${op.namespace}.${op.name}`);
    assert.equal(fn.operationId, op.aliasOf ?? id);
  }
  for (const ns of CONTRACT) assert.ok(client[ns], ns);
});

test("the package needs nothing at run time but fetch", async () => {
  const { readFile } = await import("node:fs/promises");
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
  assert.deepEqual(pkg.dependencies ?? {}, {});
  assert.deepEqual(pkg.peerDependencies ?? {}, {});
  assert.equal(pkg.type, "module");
  assert.equal(pkg.exports["."].types, "./dist/index.d.ts");
});
