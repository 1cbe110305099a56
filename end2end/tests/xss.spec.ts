import { test, expect, APIRequestContext } from "@playwright/test";
import { open } from "./ready";

// Hostile text published through the API and approved by the demo
// operator: the hydrated page shows it as text, runs none of it, and adds
// no element of it to the DOM.

const PAYLOADS = [
  "<script>window.__xss=1</script>",
  "<img src=x onerror=\"window.__xss=2\">",
  "\"><svg onload=\"window.__xss=3\">",
  "</title><script>window.__xss=4</script>",
];

async function login(request: APIRequestContext, email: string) {
  const r = await request.post("/api/auth/login", { data: { email, password: "demo-password" } });
  expect(r.status()).toBe(200);
}

test("hostile listing text stays text in the hydrated DOM", async ({ page, playwright, baseURL }) => {
  const origin = { Origin: baseURL! };
  const publisher = await playwright.request.newContext({ baseURL, extraHTTPHeaders: origin });
  const operator = await playwright.request.newContext({ baseURL, extraHTTPHeaders: origin });
  await login(publisher, "publisher@acme.demo.test");
  await login(operator, "operator@demo.test");
  const tag = `xss${Date.now()}`;
  const ids: string[] = [];
  for (const [i, payload] of PAYLOADS.entries()) {
    const created = await publisher.post("/api/v1/skills/private", {
      data: {
        name: `${payload} ${tag} ${i}`,
        description: `${payload} description`,
        long_description: `${payload}\n\n[click](javascript:window.__xss=9)`,
        skill_type: "function",
        tags: [tag],
      },
    });
    expect(created.status()).toBe(201);
    const id = (await created.json()).skill_id;
    expect((await publisher.post("/api/skills/publish", { data: { skill_id: id } })).status()).toBe(200);
    expect((await operator.post(`/api/skills/approve/${id}`)).status()).toBe(200);
    ids.push(id);
  }
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  for (const path of [`/skills?q=${tag}`, ...ids.map((id) => `/skills/${id}`)]) {
    await open(page, path, true);
    await expect(page.locator("main")).toContainText(tag.slice(0, 3));
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("main svg[onload], main img[onerror], main script").count()).toBe(0);
    expect(await page.locator('main a[href^="javascript:"]').count()).toBe(0);
  }
  // Client-side navigation renders the same text through hydration.
  await open(page, `/skills?q=${tag}`, true);
  await page.getByTestId("listing-card").first().getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(tag);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator("main svg[onload], main img[onerror], main script").count()).toBe(0);
  expect(dialogs).toEqual([]);
});
