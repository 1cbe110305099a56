import { test, expect, APIRequestContext } from "@playwright/test";
import { open } from "./ready";

// The operator desk shows what a change to an approved skill would do:
// each changed field live vs. under review, and the capability manifest
// with the widened parts marked. The listing page's versions show their
// change summary. Both hydrated and without JavaScript.

async function login(request: APIRequestContext, email: string) {
  const r = await request.post("/api/auth/login", { data: { email, password: "demo-password" } });
  expect(r.status()).toBe(200);
}

test("the operator sees the content and capability diff of a queued change, the listing its version summary @nojs", async ({
  browser,
  playwright,
  baseURL,
  javaScriptEnabled,
}) => {
  const js = javaScriptEnabled;
  const origin = { Origin: baseURL! };
  const publisher = await playwright.request.newContext({ baseURL, extraHTTPHeaders: origin });
  const operatorApi = await playwright.request.newContext({ baseURL, extraHTTPHeaders: origin });
  await login(publisher, "publisher@acme.demo.test");
  await login(operatorApi, "operator@demo.test");
  const tag = `diff${Date.now()}${js ? "j" : "n"}`;
  const name = `Fetcher ${tag}`;
  const created = await publisher.post("/api/v1/skills/private", {
    data: {
      name,
      description: "Fetches exchange rates",
      skill_type: "function",
      config_schema: { type: "object", properties: { currency: { type: "string" }, precision: { type: "integer" } } },
      capabilities: { network: ["api.rates.example"], filesystem: "read" },
    },
  });
  expect(created.status()).toBe(201);
  const id = (await created.json()).skill_id;
  const version = (v: string) => publisher.post(`/api/skills/version?skill_id=${id}&version_name=${v}`);
  expect((await version("1.0.0")).status()).toBe(200);
  // Dropping a config property breaks installers: 1.1.0 is refused, 2.0.0 taken.
  const edited = await publisher.put(`/api/v1/skills/private/${id}`, {
    data: {
      config_schema: { type: "object", properties: { currency: { type: "string" } } },
      capabilities: { network: ["api.rates.example"], filesystem: "read", secrets: ["RATES_TOKEN"] },
    },
  });
  expect(edited.status()).toBe(200);
  const refused = await version("1.1.0");
  expect(refused.status()).toBe(400);
  expect((await refused.json()).details.required_bump).toBe("major");
  expect((await version("2.0.0")).status()).toBe(200);
  expect((await publisher.post("/api/skills/publish", { data: { skill_id: id } })).status()).toBe(200);
  expect((await operatorApi.post(`/api/admin/listings/${id}/approve`)).status()).toBe(200);

  // A change to the approved skill: a new description and a shell.
  const change = await publisher.put(`/api/v1/skills/private/${id}`, {
    data: {
      description: "Fetches exchange rates and runs a local converter",
      capabilities: { network: ["api.rates.example"], filesystem: "read", secrets: ["RATES_TOKEN"], shell: true },
    },
  });
  expect(change.status()).toBe(200);

  const context = await browser.newContext({ javaScriptEnabled: js });
  const operator = await context.newPage();
  await open(operator, "/login", js);
  await operator.getByLabel("E-mail").fill("operator@demo.test");
  await operator.getByLabel("Password").fill("demo-password");
  await operator.getByRole("button", { name: "Log in" }).click();
  await expect(operator).not.toHaveURL(/\/login/);
  await open(operator, "/admin", js);
  const item = operator.getByTestId("queue-item").filter({ hasText: name });
  await expect(item).toBeVisible();
  await expect(item.getByTestId("queue-change")).toContainText("Change to an approved listing");
  await expect(item.getByTestId("capability-summary")).toHaveText("Capabilities widened: shell");
  const shell = item.getByTestId("capability-diff").getByRole("row", { name: /shell/ });
  await expect(shell).toHaveAttribute("data-widened", "true");
  await expect(shell).toContainText("widened");
  await expect(item.getByTestId("capability-diff").getByRole("row", { name: /network/ })).toHaveAttribute("data-widened", "false");
  const description = item.getByTestId("content-change").filter({ hasText: "description" });
  await expect(description).toContainText("Fetches exchange rates");
  await expect(description).toContainText("runs a local converter");
  await item.screenshot({ path: `test-results/operator-diff-${js ? "hydrated" : "nojs"}.png` });
  // On a phone the diff fits the page (the table scrolls inside its item).
  await operator.setViewportSize({ width: 390, height: 900 });
  expect(await operator.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await item.screenshot({ path: `test-results/operator-diff-${js ? "hydrated" : "nojs"}-phone.png` });
  await operator.setViewportSize({ width: 1280, height: 900 });

  // Approving it: the change goes live, the queue no longer holds it.
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(operator.getByTestId("queue-item").filter({ hasText: name })).toHaveCount(0);

  // The listing's versions say what each changed.
  const visitor = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await open(visitor, `/skills/${id}`, js);
  const versions = visitor.getByTestId("version");
  await expect(versions.filter({ hasText: /^\s*1\.0\.0/ }).getByTestId("version-change")).toContainText("First version");
  const v2 = versions.filter({ hasText: "2.0.0" });
  await expect(v2.getByTestId("version-change")).toContainText("Breaking (1)");
  await expect(v2.getByTestId("version-change")).toContainText("Capabilities widened: secrets");
  await expect(v2).toContainText("config_schema /properties/precision: property removed");
});
