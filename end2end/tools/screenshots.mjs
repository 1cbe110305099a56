// Screenshots of every page at 1280 px and 390 px wide, as a visitor, a
// member and the operator: node end2end/tools/screenshots.mjs BASE_URL OUT_DIR
import { chromium } from "playwright";
import { mkdirSync } from "node:fs";

const [base = "http://127.0.0.1:3000", out = "target/screenshots"] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});

async function firstHref(page, kind) {
  await page.goto(`${base}/${kind}`);
  return page.getByTestId("listing-card").first().getByRole("link").getAttribute("href");
}

async function shoot(context, name, path) {
  const page = await context.newPage();
  for (const [label, width] of [["desktop", 1280], ["phone", 390]]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${base}${path}`);
    await page.waitForSelector("main[data-hydrated=true]", { timeout: 20000 }).catch(() => {});
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: `${out}/${name}-${label}.png`, fullPage: true });
    console.log(`${name}-${label}.png${overflow > 0 ? `  (overflows by ${overflow}px)` : ""}`);
  }
  await page.close();
}

const visitor = await browser.newContext();
const probe = await visitor.newPage();
const pages = [["home", "/"], ["login", "/login"], ["signup", "/signup"], ["not-found", "/no-such-page"]];
for (const kind of ["skills", "agents", "domains", "components", "workflows"]) {
  pages.push([kind, `/${kind}`]);
  pages.push([`${kind}-detail`, await firstHref(probe, kind)]);
}
pages.push(["skills-search-empty", "/skills?q=zzzqqq"]);
// The demo's deprecated skill (browse hides it): its page's banner names
// the replacement.
const deprecated = await (
  await fetch(`${base}/api/public/v1/marketplace/skills?query=Follow-up%20Reminder&include_deprecated=true`)
).json();
const old = deprecated.skills.find((s) => s.deprecated);
if (old) pages.push(["skills-detail-deprecated", `/skills/${old.id}`]);
else console.log("no deprecated demo skill found");
for (const [name, path] of pages) await shoot(visitor, name, path);

const operator = await browser.newContext();
const login = await operator.newPage();
await login.goto(`${base}/login`);
await login.getByLabel("E-mail").fill("operator@demo.test");
await login.getByLabel("Password").fill("demo-password");
await login.getByRole("button", { name: "Log in" }).click();
await login.waitForURL((u) => !u.pathname.startsWith("/login"));
for (const [name, path] of [
  ["account", "/account"],
  ["account-agents", "/account/agents"],
  ["account-workspace", "/account/workspace"],
  ["account-submissions", "/account/submissions"],
  ["publish", "/publish"],
  ["admin", "/admin"],
  ["skills-detail-signed-in", await firstHref(login, "skills")],
  ["components-detail-signed-in", await firstHref(login, "components")],
]) {
  await shoot(operator, name, path);
}

// The publisher's analytics: the dashboard and its busiest listing's page.
const publisher = await browser.newContext();
const asPublisher = await publisher.newPage();
await asPublisher.goto(`${base}/login`);
await asPublisher.getByLabel("E-mail").fill("publisher@acme.demo.test");
await asPublisher.getByLabel("Password").fill("demo-password");
await asPublisher.getByRole("button", { name: "Log in" }).click();
await asPublisher.waitForURL((u) => !u.pathname.startsWith("/login"));
await asPublisher.goto(`${base}/account/analytics`);
const busiest = await asPublisher.getByTestId("analytics-card").first().getByRole("link").getAttribute("href");
await shoot(publisher, "account-analytics", "/account/analytics");
if (busiest) await shoot(publisher, "skills-detail-publisher", busiest);
await browser.close();
