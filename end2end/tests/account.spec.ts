import { test, expect } from "@playwright/test";
import { open } from "./ready";

const uniqueEmail = () =>
  `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;

test("sign up, create a key, see it once, revoke it @nojs", async ({ page, javaScriptEnabled }) => {
  const email = uniqueEmail();
  await open(page, "/signup", javaScriptEnabled);
  await page.getByLabel("Team or company").fill("E2E Team");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/account$/);
  if (javaScriptEnabled) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1);
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await expect(page.getByText("No keys yet")).toBeVisible();

  await page.getByLabel("Name", { exact: true }).fill("CI pipeline");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-key-value")).toHaveValue(/^sk-[A-Za-z0-9]{40}$/);
  await expect(page.getByTestId("key-row")).toHaveCount(1);

  // Shown once: after a reload only the prefix remains.
  await page.reload();
  if (javaScriptEnabled) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId("new-key")).toHaveCount(0);
  await expect(page.getByTestId("key-row")).toHaveCount(1);

  await page.getByRole("button", { name: "Revoke key CI pipeline" }).click();
  await expect(page.getByTestId("key-row").getByText("revoked")).toBeVisible();
});

test("a wrong password is reported beside the form @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/login", javaScriptEnabled);
  await page.getByLabel("E-mail").fill("nobody@example.test");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid e-mail or password" })).toBeVisible();
});

test("signup errors sit next to their fields @nojs", async ({ page, javaScriptEnabled }) => {
  await open(page, "/signup", javaScriptEnabled);
  await page.getByLabel("Team or company").fill("Team");
  await page.getByLabel("E-mail").fill("not-an-email");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-email-error")).toHaveText("Enter a valid e-mail address");
  await expect(page.getByLabel("E-mail")).toHaveAttribute("aria-invalid", "true");
});
