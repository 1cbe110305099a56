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

test("public pages have no serious accessibility violations", async ({ page, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  for (const path of ["/", "/skills", "/agents", "/domains", "/components", "/workflows", "/login", "/signup", "/no-such-page"]) {
    await check(page, path, js);
  }
  for (const kind of ["skills", "agents", "domains", "components", "workflows"]) {
    await check(page, await firstListing(page, kind, js), js);
  }
});

test("member and operator pages have no serious accessibility violations", async ({ page, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  await open(page, "/login", js);
  await page.getByLabel("E-mail").fill("operator@demo.test");
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  for (const path of ["/account", "/account/agents", "/account/workspace", "/account/submissions", "/publish", "/admin"]) {
    await check(page, path, js);
  }
});
