// End-to-end: VS Code started with no key for the provider says so at once, with a Set API Key
// button that makes suggestions work, and says it again after Clear API Key (issue 18).
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { ARTIFACTS, COMPLETION, GOOD_KEY, Harness, sleep, waitFor } from "./harness.mjs";
import { STATUS, workbench } from "./workbench.mjs";

const FILE = "keys.py";
const HEADER = "def add(a, b):\n";
/** What the extension says, in VS Code's terms, when mistral has no key. */
const MISSING = "no API key for mistral (MISTRAL_API_KEY)";
/** The start of the server's own words for it (`fim-lsp check`'s), advice for a terminal. */
const SERVER_WORDS = "MISTRAL_API_KEY is not set";

const h = new Harness(path.join(ARTIFACTS, "keys"));
let page;
let ui;

/** A test that leaves a screenshot in test-artifacts/keys/ when it fails. */
function scenario(name, body, timeout = 90_000) {
  test(name, { timeout }, async (t) => {
    try {
      await body(t);
    } catch (error) {
      await h.screenshot(`failed-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`).catch(() => {});
      throw error;
    }
  });
}

/** The status bar item shows the key icon and says the key is missing, for a click to set it. */
async function assertKeyStatus() {
  const label = await ui.waitStatus(/^fim-lsp: no API key/);
  assert.ok(label.includes(MISSING) && label.endsWith("Click to set it."), `the status says what is missing: ${label}`);
  assert.equal(await page.locator(`${STATUS} .codicon-key`).count(), 1, "the status bar item shows the key icon");
}

/** The notifications on screen that are about the missing key: exactly one, the extension's. */
async function assertToldOnce() {
  const shown = await ui.toasts();
  const missing = shown.filter((message) => message.includes(MISSING));
  assert.equal(missing.length, 1, `one missing-key notification: ${JSON.stringify(shown)}`);
  assert.ok(
    !shown.some((message) => message.includes(SERVER_WORDS)),
    `the server's terminal advice is not shown besides it: ${JSON.stringify(shown)}`,
  );
}

describe("VS Code without a key for the provider (code-server + Chromium)", { concurrency: false }, () => {
  before(async () => {
    h.fakeUrl = await h.startRecorder(await h.startFake());
    h.writeSettings({ "fimLsp.provider": "mistral" });
    h.writeWorkspace({ [FILE]: HEADER });
    h.installExtension();
    await h.startCodeServer(); // the harness gives it no MISTRAL_API_KEY, and its secret storage is new
    await h.openBrowser();
    page = h.page;
    ui = workbench(page);
  });

  after(async () => {
    h.saveLogs();
    await h.close();
  });

  scenario("at start, before any typing, the status bar and one message say the key is missing", async () => {
    await assertKeyStatus();
    const toast = await ui.waitToast(MISSING, 60_000);
    assert.equal(await toast.locator(".monaco-button", { hasText: "Set API Key" }).count(), 1, "the message has a Set API Key button");
    assert.match((await toast.first().textContent()) ?? "", /Set one with "fim-lsp: Set API Key"; VS Code keeps it in its secret storage\./);
    await assertToldOnce();
    await h.screenshot("1-missing-key-at-start");
    assert.deepEqual(h.received, [], "nothing went to the provider");
  });

  scenario("Set API Key in the message, then a key typed in, makes ghost text come from the fake", async (t) => {
    const toast = await ui.waitToast(MISSING);
    await toast.locator(".monaco-button", { hasText: "Set API Key" }).first().click();
    // provider mistral: no picker, straight to the password box for its key
    const input = await ui.quickInput();
    await input.locator('input[type="password"]').waitFor({ timeout: 10_000 });
    assert.match((await input.textContent()) ?? "", /API key for mistral/);
    await page.keyboard.type(GOOD_KEY);
    await page.keyboard.press("Enter");
    await ui.waitStatus(/^fim-lsp: ready/, 60_000);
    await ui.openFile(FILE);
    await page.keyboard.type("    ");
    await ui.waitTypedGhost(t);
    assert.equal((await ui.ghost()).trim(), COMPLETION);
    assert.ok(h.received.some((body) => body.prompt?.includes(HEADER)), "the ghost text came from the fake");
    await h.screenshot("2-key-set-ghost-text");
    await page.keyboard.press("Escape");
  });

  scenario("Clear API Key brings the message and the key icon back, once, however much one types", async () => {
    await ui.runCommand("Notifications: Clear All Notifications");
    await waitFor("no notification on screen", async () => (await ui.toasts()).length === 0, 10_000);
    await ui.runCommand("fim-lsp: Clear API Key");
    const toast = await ui.waitToast(MISSING, 60_000);
    assert.equal(await toast.locator(".monaco-button", { hasText: "Set API Key" }).count(), 1);
    await assertKeyStatus();
    const asked = h.received.length;
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\n    ret");
    await sleep(2000); // over ten times the debounce: a request, an answer or another message would be here by now
    assert.equal(await ui.ghost(), "", "no suggestion without a key");
    assert.equal(h.received.length, asked, "nothing went to the provider without a key");
    await assertToldOnce();
    await h.screenshot("3-cleared-key");
  });

  test("the key is in no file the editor wrote (settings, logs, workspace)", () => {
    assert.deepEqual(h.filesContaining(GOOD_KEY), []);
    assert.ok(h.filesContaining("fim_lsp.lsp.server: client code-server").length > 0, "the server's log was searched too");
  });
});
