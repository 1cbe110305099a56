// Shared by the SDK's node tests. scripts/sdk-test starts the servers,
// creates the accounts with the admin CLI and passes their keys in the
// environment (SDK_JS_<ROLE>_KEY); nothing here is mocked.
import { randomUUID } from "node:crypto";
import { MarketplaceClient } from "@atom-saas/sdk";

const LANG = process.env.SDK_LANG ?? "JS";

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through scripts/sdk-test`);
  return value;
}

export const key = (role) => env(`SDK_${LANG}_${role}_KEY`);
export const unique = (name) => `${name} ${randomUUID().slice(0, 8)}`;

export const operator = () => new MarketplaceClient({ apiKey: env("SDK_OPERATOR_KEY") });
export const publisher = () => new MarketplaceClient({ apiKey: key("PUBLISHER") });
export const buyer = () => new MarketplaceClient({ apiKey: key("BUYER") });

export function skillBody(name, category = "productivity") {
  return {
    name,
    description: `${name} does useful things`,
    skillType: "function",
    inputSchema: { type: "object", properties: { data: { type: "string" } } },
    outputSchema: { type: "object", properties: { result: { type: "string" } } },
    code: "def execute(data): return {'result': data}",
    category,
    tags: ["javascript", "data"],
  };
}

/** A skill through the real lifecycle: private draft, publish, an operator's approval. */
export async function publishSkill(name, category = "productivity") {
  const created = await publisher().private.create(skillBody(name, category));
  const submitted = await publisher().skills.publish({ skillId: created.skill_id });
  if (submitted.status !== "pending_approval") throw new Error(`publish: ${submitted.status}`);
  const approved = await operator().skills.approve({ skillId: submitted.marketplace_id });
  if (approved.status !== "approved") throw new Error(`approve: ${approved.status}`);
  return submitted.marketplace_id;
}

/**
 * The buyer signed in. fetch keeps no cookies, so this one does; state
 * changes with a cookie must name the site as their Origin.
 */
export async function session() {
  const base = env("ATOM_SAAS_BASE_URL");
  let cookie = "";
  const jar = async (url, init = {}) => {
    const headers = { ...(init.headers ?? {}), Origin: base };
    if (cookie) headers.Cookie = cookie;
    const res = await fetch(url, { ...init, headers });
    const set = res.headers.getSetCookie?.() ?? [];
    for (const c of set) if (c.startsWith("mp_session=")) cookie = c.split(";")[0];
    return res;
  };
  const client = new MarketplaceClient({ fetch: jar });
  await client.auth.login({ email: env(`SDK_${LANG}_BUYER_EMAIL`), password: env("SDK_PASSWORD") });
  return client;
}
