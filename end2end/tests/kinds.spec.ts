import { test, expect } from "@playwright/test";
import { open } from "./ready";

// Every marketplace has its browse and detail pages (demo catalog loaded).

test("tabs lead to each marketplace and a workflow template opens @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/skills", javaScriptEnabled);
  const tabs = page.getByRole("navigation", { name: "Marketplaces" });
  await expect(tabs.getByRole("link", { name: "Skills" })).toHaveAttribute("aria-current", "page");
  await tabs.getByRole("link", { name: "Workflows" }).click();
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Workflows");
  await expect(page.getByTestId("listing-card").first()).toBeVisible();
  await page.getByRole("link", { name: "Daily Email Summarizer" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Daily Email Summarizer");
  await expect(page).toHaveTitle("Daily Email Summarizer · Agent Marketplace");
  await expect(page.getByText("/api/marketplace/templates/", { exact: false })).toBeVisible();
});

test("domains search and an empty result say so @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/domains?q=automaton", javaScriptEnabled);
  await expect(page.getByTestId("result-count")).toHaveText("1 domain");
  await expect(page.getByRole("link", { name: "Sales Automation" })).toBeVisible();
  await open(page, "/components?q=zzzqqq", javaScriptEnabled);
  await expect(page.getByTestId("no-results")).toContainText("No canvas components match.");
});
