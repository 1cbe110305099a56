import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { open } from "./ready";

// axe-core on every page, as a visitor, a signed-in member and the
// operator: no serious or critical violation of WCAG 2.x A/AA.

async function check(page: Page, path: string, js: boolean) {
  await open(page, path, js);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(bad, bad.join("\n")).toEqual([]);
}

async function firstListing(page: Page, kind: string, js: boolean): Promise<string> {
  await open(page, `/${kind}`, js);
  const href = await page.getByTestId("listing-card").first().getByRole("link").getAttribute("href");
  expect(href).toBeTruthy();
  return href as string;
}

// One test per page: axe takes seconds a page on two busy cores, and a
// single test walking fourteen pages ran out of its 30 s budget under load.
for (const path of ["/", "/skills", "/agents", "/domains", "/components", "/workflows", "/login", "/signup", "/no-such-page"]) {
  test(`public page ${path} has no serious accessibility violations`, async ({ page, javaScriptEnabled }) => {
    await check(page, path, javaScriptEnabled);
  });
}

for (const kind of ["skills", "agents", "domains", "components", "workflows"]) {
  test(`a ${kind} listing page has no serious accessibility violations`, async ({ page, javaScriptEnabled }) => {
    const js = javaScriptEnabled;
    await check(page, await firstListing(page, kind, js), js);
  });
}

async function logInAsOperator(page: Page, js: boolean) {
  await open(page, "/login", js);
  await page.getByLabel("E-mail").fill("operator@demo.test");
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

for (const path of ["/account", "/account/agents", "/account/workspace", "/account/submissions", "/publish", "/admin"]) {
  test(`signed-in page ${path} has no serious accessibility violations`, async ({ page, javaScriptEnabled }) => {
    await logInAsOperator(page, javaScriptEnabled);
    await check(page, path, javaScriptEnabled);
  });
}
