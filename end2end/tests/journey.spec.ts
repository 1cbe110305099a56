import { test, expect, Browser, Page } from "@playwright/test";
import { open } from "./ready";

// The core journeys across three people: a publisher, the platform's
// operator (from the demo catalog) and a buyer from another tenant.

const OPERATOR = { email: "operator@demo.test", password: "demo-password" };

/** A made-up word, unique per run, that full-text search has never seen. */
function word(): string {
  const letters = "bcdfghjklmnpqrstvwz";
  const vowels = "aeiou";
  let w = "";
  for (let i = 0; i < 4; i++) {
    w += letters[Math.floor(Math.random() * letters.length)];
    w += vowels[Math.floor(Math.random() * vowels.length)];
  }
  return w.charAt(0).toUpperCase() + w.slice(1);
}

async function person(browser: Browser, js: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: js });
  return context.newPage();
}

async function signUp(page: Page, team: string, js: boolean) {
  const email = `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  await open(page, "/signup", js);
  await page.getByLabel("Team or company").fill(team);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

async function logIn(page: Page, who: { email: string; password: string }, js: boolean) {
  await open(page, "/login", js);
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

async function publish(page: Page, name: string, js: boolean) {
  await open(page, "/publish", js);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Summary", { exact: true }).fill(`${name} keeps ledgers in sync`);
  await page.getByLabel("Category", { exact: true }).fill("finance");
  await page.getByLabel("Tags", { exact: true }).fill("ledger, sync");
  if (js) {
    // The card preview follows the form as you type.
    await expect(page.getByTestId("card-preview")).toContainText(name);
  }
  await page.getByRole("button", { name: "Submit for review", exact: true }).click();
  await expect(page).toHaveURL(/\/account\/submissions$/);
  const row = page.getByTestId("submission").filter({ hasText: name });
  await expect(row.getByText("In review")).toBeVisible();
}

async function decide(page: Page, name: string, js: boolean, reason?: string) {
  await open(page, "/admin", js);
  const item = page.getByTestId("queue-item").filter({ hasText: name });
  await expect(item).toBeVisible();
  if (reason) {
    await item.getByLabel("Reason for rejecting").fill(reason);
    await item.getByRole("button", { name: "Reject" }).click();
  } else {
    await item.getByRole("button", { name: "Approve" }).click();
  }
  await expect(page.getByTestId("queue-item").filter({ hasText: name })).toHaveCount(0);
}

test("publish, approve, find with a typo, install into an agent, rate, see the rating on the card", async ({ browser }) => {
  const w = word();
  const name = `${w} Ledger`;
  const publisher = await person(browser, true);
  await signUp(publisher, `Publisher ${w}`, true);
  await publish(publisher, name, true);

  const operator = await person(browser, true);
  await logIn(operator, OPERATOR, true);
  await decide(operator, name, true);

  const buyer = await person(browser, true);
  await signUp(buyer, `Buyer ${w}`, true);
  await open(buyer, "/account/agents", true);
  await buyer.getByLabel("Name").fill("Helper");
  await buyer.getByRole("button", { name: "Create agent" }).click();
  await expect(buyer.getByTestId("agent").filter({ hasText: "Helper" })).toBeVisible();

  // A letter dropped from the word still finds it (trigram fallback).
  const typo = w.slice(0, 3) + w.slice(4);
  await open(buyer, `/skills?q=${typo.toLowerCase()}`, true);
  await buyer.getByRole("link", { name }).click();
  await expect(buyer.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(buyer.locator("main[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });

  await buyer.getByLabel("Install into").selectOption({ label: "Helper (student)" });
  await buyer.getByRole("button", { name: "Review install plan" }).click();
  await expect(buyer.getByTestId("install-plan")).toContainText("Ready to install.");
  await buyer.getByRole("button", { name: "Install", exact: true }).click();
  await expect(buyer.getByRole("status").filter({ hasText: "Installed." })).toBeVisible();

  await buyer.getByLabel("Your rating").selectOption("4");
  await buyer.getByLabel("Review (optional)").fill("Synced our books on the first try.");
  await buyer.getByRole("button", { name: "Submit rating" }).click();
  await expect(buyer.getByText("Thanks, your rating is saved.")).toBeVisible();

  await open(buyer, "/account/agents", true);
  await expect(buyer.getByTestId("agent").filter({ hasText: "Helper" })).toContainText(name);
  await open(buyer, `/skills?q=${w.toLowerCase()}`, true);
  const card = buyer.getByTestId("listing-card").filter({ hasText: name });
  await expect(card.getByRole("img", { name: "Rated 4.0 out of 5 from 1 rating" })).toBeVisible();
});

test("the operator rejects with a reason and the publisher sees it @nojs", async ({ browser, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  const name = `${word()} Draft`;
  const publisher = await person(browser, js);
  await signUp(publisher, `Rejected ${name}`, js);
  await publish(publisher, name, js);

  const operator = await person(browser, js);
  await logIn(operator, OPERATOR, js);
  await decide(operator, name, js, "Add documentation before listing");

  await open(publisher, "/account/submissions", js);
  const row = publisher.getByTestId("submission").filter({ hasText: name });
  await expect(row.getByText("Rejected")).toBeVisible();
  await expect(row.getByTestId("rejection-reason")).toContainText("Add documentation before listing");
  await row.getByRole("button", { name: "Resubmit" }).click();
  await expect(publisher.getByTestId("submission").filter({ hasText: name }).getByText("In review")).toBeVisible();
});

test("a flagged review is hidden by the operator @nojs", async ({ browser, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  const text = `Spam ${word()} buy followers now`;
  // A fresh reviewer writes the review on a demo skill.
  const author = await person(browser, js);
  await signUp(author, `Reviewer ${word()}`, js);
  await open(author, "/skills?q=invoice", js);
  await author.getByTestId("listing-card").first().getByRole("link").click();
  await expect(author.getByRole("heading", { level: 1 })).toBeVisible();
  const url = author.url();
  if (js) await expect(author.locator("main[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  await author.getByLabel("Your rating").selectOption("1");
  await author.getByLabel("Review (optional)").fill(text);
  await author.getByRole("button", { name: "Submit rating" }).click();
  // Hydrated, the form posts in the background: wait for its answer.
  if (js) await expect(author.getByText("Thanks, your rating is saved.")).toBeVisible();
  await open(author, new URL(url).pathname, js);
  await expect(author.getByText(text)).toBeVisible();

  // Someone else reports it.
  const reader = await person(browser, js);
  await signUp(reader, `Reader ${word()}`, js);
  await open(reader, new URL(url).pathname, js);
  const review = reader.getByTestId("review").filter({ hasText: text });
  await review.getByText("Report").click();
  await review.getByLabel("Why should an operator look at it?").fill("Spam");
  await review.getByRole("button", { name: "Flag review" }).click();
  if (js) await expect(reader.getByText("the review was reported")).toBeVisible();

  const operator = await person(browser, js);
  await logIn(operator, OPERATOR, js);
  await open(operator, "/admin", js);
  const flagged = operator.getByTestId("flagged-review").filter({ hasText: text });
  await flagged.getByRole("button", { name: "Hide review" }).click();
  await expect(operator.getByTestId("flagged-review").filter({ hasText: text }).getByRole("button", { name: "Restore" })).toBeVisible();

  await open(reader, new URL(url).pathname, js);
  await expect(reader.getByText(text)).toHaveCount(0);
});

test("a member creates a canvas in the workspace @nojs", async ({ browser, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  const page = await person(browser, js);
  await signUp(page, `Canvas ${word()}`, js);
  await open(page, "/account/workspace", js);
  await expect(page.getByText("No canvases yet.")).toBeVisible();
  await expect(page.getByText("No workflows yet.")).toBeVisible();
  await page.getByLabel("New canvas").fill("Sales board");
  await page.getByRole("button", { name: "Create canvas" }).click();
  await expect(page.getByTestId("canvas").filter({ hasText: "Sales board" })).toBeVisible();
  await expect(page.getByTestId("canvas").filter({ hasText: "Sales board" })).toContainText("No components placed.");
});

test("a member installs a component onto a canvas, imports a workflow and installs an agent template @nojs", async ({ browser, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  const page = await person(browser, js);
  await signUp(page, `Installer ${word()}`, js);
  await open(page, "/account/workspace", js);
  await page.getByLabel("New canvas").fill("Ops board");
  await page.getByRole("button", { name: "Create canvas" }).click();
  await expect(page.getByTestId("canvas").filter({ hasText: "Ops board" })).toBeVisible();

  await open(page, "/components", js);
  const component = page.getByTestId("listing-card").first().getByRole("link");
  const componentName = (await component.innerText()).trim();
  await component.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(componentName);
  if (js) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  await page.getByLabel("Place on canvas").selectOption({ label: "Ops board" });
  await page.getByRole("button", { name: "Install", exact: true }).click();
  if (js) await expect(page.getByText("Placed on the canvas.")).toBeVisible();

  await open(page, "/workflows", js);
  await page.getByRole("link", { name: "Daily Email Summarizer" }).click();
  if (js) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  await page.getByRole("button", { name: "Import into workspace" }).click();
  if (js) await expect(page.getByText("Imported into your workspace")).toBeVisible();

  await open(page, "/account/workspace", js);
  await expect(page.getByTestId("canvas").filter({ hasText: "Ops board" })).toContainText(componentName);
  await expect(page.getByTestId("workflow").filter({ hasText: "Daily Email Summarizer" })).toBeVisible();

  await open(page, "/agents", js);
  const template = page.getByTestId("listing-card").first().getByRole("link");
  await template.click();
  if (js) await expect(page.locator("main[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  await page.getByRole("button", { name: "Install", exact: true }).click();
  if (js) await expect(page.getByText("Installed as the agent")).toBeVisible();
  await open(page, "/account/agents", js);
  await expect(page.getByTestId("agent")).toHaveCount(1);
});

test("a domain goes into review from the publish page @nojs", async ({ browser, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  const name = `${word()} Desk`;
  const page = await person(browser, js);
  await signUp(page, `Domains ${name}`, js);
  await open(page, "/publish", js);
  await page.getByLabel("Kind").selectOption("domain");
  await page.getByLabel("Listing name").fill(name);
  await page.getByLabel("Listing summary").fill("Claims handling for insurers");
  await page.getByLabel("Listing tags").fill("insurance, claims");
  await page.getByRole("button", { name: "Submit listing for review" }).click();
  await expect(page).toHaveURL(/\/account\/submissions$/);
  const row = page.getByTestId("submission").filter({ hasText: name });
  await expect(row).toContainText("domain");
  await expect(row.getByText("In review")).toBeVisible();
});

test("a canvas component goes into review with its code and config schema @nojs", async ({ browser, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  const name = `${word()} Gauge`;
  const page = await person(browser, js);
  await signUp(page, `Components ${name}`, js);
  await open(page, "/publish", js);
  await page.getByLabel("Kind").selectOption("canvas_component");
  if (js) {
    // Once a kind is picked, only its own fields show.
    await expect(page.getByTestId("workflow-fields")).toBeHidden();
    await page.getByLabel("Config schema (JSON Schema, optional)").fill("{\"type\": ");
    await expect(page.locator("#o-config-error")).toContainText("Not valid JSON");
    await expect(page.getByRole("button", { name: "Submit listing for review" })).toBeDisabled();
  }
  await page.getByLabel("Listing name").fill(name);
  await page.getByLabel("Listing summary").fill("A dial for one number");
  await page.getByLabel("Component type").selectOption("chart");
  await page.getByLabel("Component code").fill("export default function Gauge() {}");
  await page.getByLabel("Config schema (JSON Schema, optional)").fill("{\"type\": \"object\"}");
  await page.getByRole("button", { name: "Submit listing for review" }).click();
  await expect(page).toHaveURL(/\/account\/submissions$/);
  const row = page.getByTestId("submission").filter({ hasText: name });
  await expect(row).toContainText("component");
  await expect(row.getByText("In review")).toBeVisible();
});

test("an agent is published as a template from the agents page @nojs", async ({ browser, javaScriptEnabled }) => {
  const js = javaScriptEnabled;
  const name = `${word()} Concierge`;
  const page = await person(browser, js);
  await signUp(page, `Agents ${name}`, js);
  await open(page, "/account/agents", js);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create agent" }).click();
  const card = page.getByTestId("agent").filter({ hasText: name });
  await expect(card).toBeVisible();
  await card.getByText("Publish as a template").click();
  await expect(card.getByLabel("Template name")).toHaveValue(name);
  await card.getByLabel("What it does").fill("Answers guests around the clock");
  await card.getByRole("button", { name: "Submit template for review" }).click();
  await expect(page).toHaveURL(/\/account\/submissions$/);
  const row = page.getByTestId("submission").filter({ hasText: name });
  await expect(row).toContainText("agent template");
  await expect(row.getByText("In review")).toBeVisible();
});
