import { test, expect } from "@playwright/test";
import { open } from "./ready";

// Issue 19 on the listing page (demo catalog): the deprecation banner with
// its replacement link, who reviewed and whether they had it installed,
// and "Log in to rate" for visitors.

/** The demo's deprecated skill: browse leaves it out, so ask the API. */
async function deprecatedSkill(request: import("@playwright/test").APIRequestContext) {
  const r = await request.get("/api/public/v1/marketplace/skills?query=follow-up&include_deprecated=true");
  expect(r.ok()).toBeTruthy();
  const body = await r.json();
  const skill = body.skills.find((s: { name: string }) => s.name === "Follow-up Reminder");
  expect(skill, "the demo deprecates Follow-up Reminder").toBeTruthy();
  expect(skill.deprecated).toBe(true);
  return skill as { id: string; deprecation: { replacement_id: string } };
}

test("a deprecated listing shows a banner linking its replacement, and browse leaves it out @nojs", async ({ page, request, javaScriptEnabled }) => {
  await open(page, "/skills?q=follow-up", javaScriptEnabled);
  await expect(page.getByRole("link", { name: "Follow-up Reminder" })).toHaveCount(0);

  const skill = await deprecatedSkill(request);
  await open(page, `/skills/${skill.id}`, javaScriptEnabled);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Follow-up Reminder");
  const banner = page.getByTestId("deprecation-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("Deprecated since");
  await expect(banner).toContainText("Reminders are now part of Calendar Scheduler");
  const link = banner.getByRole("link", { name: "Calendar Scheduler" });
  await expect(link).toHaveAttribute("href", `/skills/${skill.deprecation.replacement_id}`);
  await link.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Calendar Scheduler");
  await expect(page.getByTestId("deprecation-banner")).toHaveCount(0);
});

test("reviews name the reviewer's team and show the verified badge with the version @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/skills?q=invoice", javaScriptEnabled);
  await page.getByRole("link", { name: "Invoice Parser" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Invoice Parser");
  if (javaScriptEnabled) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1);
  // Every demo rater installed the skill before rating it.
  const review = page.getByTestId("review").first();
  await expect(review.getByTestId("reviewer")).toHaveText(/^Demo Team \d+$/);
  await expect(review.getByTestId("verified-badge")).toHaveText(/Verified install/);
  await expect(review.getByTestId("review-version")).toHaveText("v1.0.0");
});

test("a fresh rating without an install has no badge @nojs", async ({ page, javaScriptEnabled }) => {
  const email = `unverified-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  const team = `Unverified ${Math.random().toString(36).slice(2, 7)}`;
  await open(page, "/signup", javaScriptEnabled);
  await page.getByLabel("Team or company").fill(team);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);

  await open(page, "/skills?q=currency", javaScriptEnabled);
  await page.getByRole("link", { name: "Currency Converter" }).click();
  if (javaScriptEnabled) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1);
  const text = `Have not installed it yet ${Date.now()}`;
  await page.getByLabel("Your rating").selectOption("3");
  await page.getByLabel("Review (optional)").fill(text);
  await page.getByRole("button", { name: "Submit rating" }).click();
  const mine = page.getByTestId("review").filter({ hasText: text });
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId("reviewer")).toHaveText(team);
  await expect(mine.getByTestId("verified-badge")).toHaveCount(0);
  await expect(mine.getByTestId("review-version")).toHaveCount(0);
});
