import { test, expect } from "@playwright/test";
import { open } from "./ready";

// scripts/test loads the demo catalog (marketplace seed --demo) before it
// starts the server, so these read a living marketplace.

test("search finds a skill by a misspelt word and opens it @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/skills", javaScriptEnabled);
  await expect(page.getByTestId("listing-card").first()).toBeVisible();
  await page.getByLabel("Search").fill("invoce");
  if (!javaScriptEnabled) {
    await page.getByRole("button", { name: "Apply" }).click();
  }
  await expect(page).toHaveURL(/[?&]q=invoce/);
  await expect(page.getByTestId("result-count")).toHaveText("1 skill");
  await page.getByRole("link", { name: "Invoice Parser" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Invoice Parser");
  await expect(page).toHaveTitle("Invoice Parser · Agent Marketplace");
  await expect(page.getByRole("list", { name: "Rating distribution" }).getByRole("listitem")).toHaveCount(5);
});

test("filters live in the URL and survive a reload @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/skills?category=finance&sort=price", javaScriptEnabled);
  const cards = page.getByTestId("listing-card");
  await expect(cards.first()).toBeVisible();
  await expect(page.getByLabel("Category")).toHaveValue("finance");
  await expect(page.getByLabel("Sort by")).toHaveValue("price");
  await page.reload();
  await expect(page.getByLabel("Category")).toHaveValue("finance");
  for (const text of await cards.allInnerTexts()) {
    expect(text).toContain("finance");
  }
});

test("an empty search says so", async ({ page }) => {
  await open(page, "/skills?q=zzzqqqxxx", true);
  await expect(page.getByTestId("no-results")).toContainText("No skills match.");
});

test("a signed-in user rates a skill and can edit the rating @nojs", async ({ page, javaScriptEnabled }) => {
  const email = `rater-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  await open(page, "/signup", javaScriptEnabled);
  await page.getByLabel("Team or company").fill("Raters");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);

  await open(page, "/skills?q=currency", javaScriptEnabled);
  await page.getByRole("link", { name: "Currency Converter" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Currency Converter");
  if (javaScriptEnabled) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1);
  const text = `Rates were spot on ${Date.now()}`;
  await page.getByLabel("Your rating").selectOption("4");
  await page.getByLabel("Review (optional)").fill(text);
  await page.getByRole("button", { name: "Submit rating" }).click();
  await expect(page.getByTestId("review").filter({ hasText: text })).toHaveCount(1);

  // Submitting again edits the same rating rather than adding one.
  await page.getByLabel("Your rating").selectOption("2");
  await page.getByLabel("Review (optional)").fill(`${text} (edited)`);
  await page.getByRole("button", { name: "Submit rating" }).click();
  await expect(page.getByTestId("review").filter({ hasText: `${text} (edited)` })).toHaveCount(1);
  await expect(page.getByTestId("review").filter({ hasText: text })).toHaveCount(1);
});

test("visitors who are not logged in get a way to log in instead of a rating form @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/skills?q=currency", javaScriptEnabled);
  await page.getByRole("link", { name: "Currency Converter" }).click();
  if (javaScriptEnabled) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Submit rating" })).toHaveCount(0);
  const login = page.getByRole("link", { name: "Log in to rate" });
  await expect(login).toHaveAttribute("href", /^\/login\?next=\/skills\/[0-9a-f-]{36}$/);
  await login.click();
  await expect(page).toHaveURL(/\/login\?next=\/skills\//);
});

test("type, price and tag facets show counts and filter through the URL @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/skills", javaScriptEnabled);
  const types = page.getByRole("list", { name: "Type" });
  const first = types.getByRole("link").first();
  const label = (await first.innerText()).trim();
  const [type, count] = label.split(/\s+/);
  await first.click();
  await expect(page).toHaveURL(new RegExp(`[?&]type=${type}`));
  await expect(page.getByTestId("result-count")).toHaveText(`${count} skill${count === "1" ? "" : "s"}`);
  for (const text of await page.getByTestId("listing-card").allInnerTexts()) {
    expect(text).toContain(type);
  }
  await expect(page.getByRole("list", { name: "Type" }).getByRole("link", { name: new RegExp(`^${type}`) })).toHaveAttribute("aria-current", "true");
  const tag = page.getByRole("list", { name: "Tags" }).getByRole("link").first();
  const tagName = (await tag.innerText()).trim().split(/\s+/)[0];
  await tag.click();
  await expect(page).toHaveURL(new RegExp(`[?&]tag=${tagName}`));
  await expect(page.getByTestId("listing-card").first()).toBeVisible();
});
