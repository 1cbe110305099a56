import { test, expect } from "@playwright/test";
import { open } from "./ready";

test("home page is readable @nojs", async ({ page, javaScriptEnabled }) => {
  const response = await open(page, "/", javaScriptEnabled);
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("Browse · Agent Marketplace");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Everything your agents need");
  // Server-rendered data from Postgres is in the page without JavaScript.
  await expect(page.getByTestId("shown-total")).toHaveText(/^\d+$/);
  await expect(page.getByRole("group", { name: "Asset kind" }).getByRole("button")).toHaveCount(6);
});

test("kind tabs work once hydrated", async ({ page }) => {
  await open(page, "/", true);
  const all = page.getByRole("button", { name: "All", exact: true });
  const domains = page.getByRole("button", { name: "Domains", exact: true });
  await expect(all).toHaveAttribute("aria-pressed", "true");
  // The marker can land a moment before a suspended subtree has attached
  // its handlers: retry the click briefly rather than race it.
  await expect(async () => {
    await domains.click();
    await expect(domains).toHaveAttribute("aria-pressed", "true", { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await expect(all).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByTestId("shown-label")).toHaveText("Domains");
  // Keyboard: Tab to a tab and press Enter.
  await all.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("shown-label")).toHaveText("All listings");
});
