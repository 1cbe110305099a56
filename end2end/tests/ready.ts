import { expect, Page } from "@playwright/test";

/** Opens a page; with JavaScript on, waits until it is hydrated. */
export async function open(page: Page, path: string, javaScriptEnabled: boolean) {
  const response = await page.goto(path);
  if (javaScriptEnabled) {
    await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  }
  return response;
}
