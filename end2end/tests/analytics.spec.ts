import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { open } from "./ready";

// Charts are drawn on the server (SVG): they must be there with
// JavaScript off, be one named image each, say what they show in words,
// and carry their numbers in a table.

const PUBLISHER = { email: "publisher@acme.demo.test", password: "demo-password" };
const OPERATOR = { email: "operator@demo.test", password: "demo-password" };

async function logIn(page: Page, who: { email: string; password: string }, js: boolean) {
  await open(page, "/login", js);
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** A chart figure: a named SVG image, its summary, and a data table of `rows` rows. */
async function expectChart(page: Page, name: RegExp, rows: number) {
  const image = page.getByRole("img", { name });
  await expect(image).toHaveCount(1);
  const figure = page.getByTestId("chart").filter({ has: image });
  await expect(figure.locator("svg")).toHaveCount(1);
  await expect(figure.locator("figcaption")).toHaveText(name);
  // The summary is the figure's description.
  const summaryId = await figure.getAttribute("aria-describedby");
  await expect(page.locator(`[id="${summaryId}"]`)).not.toBeEmpty();
  // Exact: a listing may be named "Data Table" itself (the demo seed is random).
  await figure.getByText("Data table", { exact: true }).click();
  const table = figure.getByRole("table");
  await expect(table).toBeVisible();
  await expect(table.locator("tbody tr")).toHaveCount(rows);
  await expect(table.locator("thead th").first()).toHaveText("Date");
}

test("the publisher's dashboard and listing page draw their charts @nojs", async ({ page, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  await logIn(page, PUBLISHER, js);
  await open(page, "/account/analytics", js);
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  const cards = page.getByTestId("analytics-card");
  expect(await cards.count()).toBeGreaterThan(3);
  // Sorted by installs in the last 30 days, most first.
  const counts = await cards.locator("p span.font-semibold").allInnerTexts();
  const numbers = counts.map((c) => Number(c));
  expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  const first = cards.first();
  const name = await first.getByRole("heading").innerText();
  await expectChart(page, new RegExp(`^Installs per day of ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, last 30 days$`), 30);

  // Its page shows the publisher the installs and rating charts.
  await first.getByRole("link").click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  const section = page.getByTestId("listing-analytics");
  await expect(section).toBeVisible();
  await expectChart(page, /^Installs per day, last 90 days$/, 90);
  await expectChart(page, /^Average rating, last 90 days$/, 90);
  const url = page.url();

  // A visitor sees the same page without them.
  const visitor = await page.context().browser()!.newPage({ javaScriptEnabled: js });
  await visitor.goto(url);
  await expect(visitor.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(visitor.getByTestId("listing-analytics")).toHaveCount(0);
  await visitor.close();
});

test("the operator desk shows the queue's health @nojs", async ({ page, javaScriptEnabled }) => {
  await logIn(page, OPERATOR, javaScriptEnabled);
  await open(page, "/admin", javaScriptEnabled);
  await expectChart(page, /^Review queue health, last 30 days$/, 30);
  const summary = page.getByTestId("queue-health").locator("p").first();
  await expect(summary).toContainText("waiting now");
});

async function expectNoSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(bad, bad.join("\n")).toEqual([]);
}

test("the analytics dashboard has no serious accessibility violations", async ({ page, javaScriptEnabled }) => {
  await logIn(page, PUBLISHER, javaScriptEnabled);
  await open(page, "/account/analytics", javaScriptEnabled);
  await expectNoSeriousViolations(page);
});

test("a listing page with its publisher's charts has no serious accessibility violations", async ({ page, javaScriptEnabled }) => {
  await logIn(page, PUBLISHER, javaScriptEnabled);
  await open(page, "/account/analytics", javaScriptEnabled);
  const href = await page.getByTestId("analytics-card").first().getByRole("link").getAttribute("href");
  await open(page, href as string, javaScriptEnabled);
  await expect(page.getByTestId("listing-analytics")).toBeVisible();
  await expectNoSeriousViolations(page);
});
