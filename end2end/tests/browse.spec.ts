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
