import { expect, Page } from "@playwright/test";

const errors = new WeakMap<Page, string[]>();

/** Script errors and console errors of a page (failed loads are the tests' business). */
function watch(page: Page): string[] {
  let list = errors.get(page);
  if (!list) {
    const seen: string[] = [];
    page.on("pageerror", (e) => seen.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) seen.push(m.text());
    });
    errors.set(page, seen);
    list = seen;
  }
  return list;
}

/** Opens a page; with JavaScript on, waits until its islands are hydrated
 * and checks that hydrating raised no error. */
export async function open(page: Page, path: string, javaScriptEnabled: boolean) {
  const seen = javaScriptEnabled ? watch(page) : [];
  seen.length = 0;
  const response = await page.goto(path);
  if (javaScriptEnabled) {
    try {
      await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
    } catch (e) {
      // Say why, when the page says it: a panic or a script error.
      throw new Error(`${path} did not hydrate; errors seen:\n${seen.join("\n")}\n${e}`);
    }
    expect(seen, `errors while hydrating ${path}:\n${seen.join("\n")}`).toEqual([]);
  }
  return response;
}
