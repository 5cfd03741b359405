// End-to-end: the packaged extension in real VS Code (code-server), driven in headless Chromium,
// against the real fim-lsp server and the fake Codestral. One screenshot per scenario in test-artifacts/.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { BAD_KEY, COMPLETION, GOOD_KEY, Harness, SAMPLES, sleep, waitFor } from "./harness.mjs";
import { STATUS, text, workbench } from "./workbench.mjs";

const HEADER = "def add(a, b):\n";
const FILES = {
  "tab.py": HEADER,
  "word.py": HEADER,
  "manual.py": "def mul(a, b):\n    ",
  "cycle.py": "def pair(a, b):\n",
  "toggle.py": "def sub(a, b):\n",
  "rejected.py": "def div(a, b):\n",
};

/** A workspace's own settings: they may tune suggestions, never choose where the code and key go. */
const WORKSPACE_STOP = "#workspace-stop#";
function workspaceSettings(trap) {
  return {
    "fimLsp.baseUrl": trap,
    "fimLsp.provider": "openai",
    "fimLsp.model": "workspace-model",
    "fimLsp.allowHttp": true,
    "fimLsp.server.command": "/bin/false",
    "fimLsp.stop": [WORKSPACE_STOP],
  };
}

const h = new Harness();
let page;
let rejecting;
let waitStatus, ghost, waitGhost, waitTypedGhost, quickInput, runCommand, openFile;

/** Set API Key with provider `auto`: pick which provider the key is for, then type it. */
async function setKey(key, provider = "mistral") {
  await runCommand("fim-lsp: Set API Key");
  const picker = await quickInput();
  const row = picker.locator(".monaco-list-row", { hasText: `${provider.toUpperCase()}_API_KEY` }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  const widget = await quickInput();
  await widget.locator('input[type="password"]').waitFor({ timeout: 10_000 });
  await page.keyboard.type(key);
  await page.keyboard.press("Enter");
}

/** The lines of the active editor (Monaco renders only those in view, positioned; sorted by their top). */
async function editorLines() {
  const lines = await page.locator(".part.editor .editor-group-container.active .monaco-editor .view-line").evaluateAll((nodes) =>
    nodes.map((node) => [parseFloat(node.style.top) || 0, node.textContent ?? ""]).sort((a, b) => a[0] - b[0]).map(([, line]) => line),
  );
  return lines.map(text);
}

/** Run a fim-lsp command that opens a read-only document named `name`; returns its text. */
async function commandDocument(title, name, ready) {
  await runCommand(title);
  await page.locator(`.tab.active[aria-label^="${name}"], .tab.active[data-resource-name="${name}"]`).first().waitFor({ timeout: 10_000 });
  return waitFor(`${name} to show its text`, async () => {
    const content = (await editorLines()).join("\n");
    return ready(content) && content;
  }, 10_000);
}

/** The today column of a row of the statistics table. */
function todayCount(table, label) {
  const row = new RegExp(`^${label} +(\\d+) +(\\d+)$`, "m").exec(table);
  assert.ok(row, `no row "${label}" in\n${table}`);
  return Number(row[1]);
}

async function saved(name) {
  await page.keyboard.press("Control+S");
  const file = path.join(h.workspace, name);
  return waitFor(`${name} saved`, () => {
    const now = fs.readFileSync(file, "utf8");
    return now !== FILES[name] && now;
  }, 10_000);
}

/** Replace the user settings the way a person would: in VS Code's own settings.json editor, then save. */
async function editSettings(extra) {
  await runCommand("Preferences: Open User Settings (JSON)");
  // VS Code 1.139 opens it in a modal editor, not a tab
  const editor = page.locator('.monaco-editor:has-text("fimLsp.baseUrl") .view-lines').first();
  await editor.waitFor({ timeout: 10_000 });
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(JSON.stringify(h.settings(extra)));
  await sleep(200);
  await page.keyboard.press("Control+S");
  await waitFor("settings.json saved", () => fs.readFileSync(h.settingsFile, "utf8") === JSON.stringify(h.settings(extra)), 10_000);
  // the saved file is what counts; VS Code 1.139's modal settings editor may still call itself dirty,
  // and on a busy machine a close can be swallowed: try a few times before giving up
  const dontSave = page.locator(".monaco-dialog-box button", { hasText: "Don't Save" });
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Control+W");
    if (await editor.waitFor({ state: "detached", timeout: 1500 }).then(() => true, () => false)) {
      return;
    }
    await dontSave.click({ timeout: 2000 }).catch(() => {});
    try {
      await editor.waitFor({ state: "detached", timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 4) throw error;
      await page.keyboard.press("Escape").catch(() => {});
    }
  }
}

/**
 * Change user settings and wait until the server has applied them: one save also turns the server
 * off and a second (the settings kept) turns it on; both show in the status bar. Each change writes
 * the whole settings, so a scenario that changes them sets all it needs and leaves them for the next
 * to replace (each change costs two trips through the settings editor).
 */
async function changeSettings(extra) {
  await editSettings({ ...extra, "fimLsp.enable": false });
  await waitStatus(/^fim-lsp: disabled/);
  await editSettings(extra);
  await waitStatus(/^fim-lsp: ready/);
}

/**
 * A scenario: on failure, a screenshot and the tab strip go to test-artifacts/ too. Scenarios that
 * change settings take longer: each change goes through VS Code's settings editor twice.
 */
function scenario(name, body, timeout = 60_000) {
  test(name, { timeout }, async (t) => {
    try {
      await body(t);
    } catch (error) {
      const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40);
      await h.screenshot(`failed-${slug}`).catch(() => {});
      const tabs = await page.locator(".tabs-container").innerHTML().catch(() => "");
      fs.writeFileSync(path.join(h.artifacts, `failed-${slug}.html`), tabs);
      await page.keyboard.press("Escape").catch(() => {});
      throw error;
    }
  });
}

describe("fim-lsp in VS Code (code-server + Chromium)", { concurrency: false }, () => {
  before(async () => {
    // the extension talks to the fake through a recorder, so tests can see what the fake received
    h.fakeUrl = await h.startRecorder(await h.startFake());
    rejecting = await h.startFake(BAD_KEY);
    h.writeSettings();
    // a repository that tries to send the key and the code elsewhere (machine-scoped settings)
    h.writeWorkspace({ ...FILES, ".vscode/settings.json": JSON.stringify(workspaceSettings(await h.startTrap()), null, 2) });
    h.installExtension();
    await h.startCodeServer();
    await h.openBrowser();
    page = h.page;
    ({ waitStatus, ghost, waitGhost, waitTypedGhost, quickInput, runCommand, openFile } = workbench(page));
    // readiness: the extension reports the server started before anything is typed
    await waitStatus(/^fim-lsp: ready/, 60_000);
    // the only key the fake accepts, entered through the command and SecretStorage
    await setKey(GOOD_KEY);
    await waitStatus(/^fim-lsp: ready/, 30_000);
  });

  after(async () => {
    h.saveLogs();
    await h.close();
  });

  test("the server that runs is the one bundled in the .vsix, on python3 from PATH", () => {
    const log = h.extensionLog();
    const bundled = path.join(h.extensions, "fim-lsp.fim-lsp-0.1.0", "bundled", "tool", "fim_lsp_server.py");
    const started = log.split("\n").filter((line) => /\] starting /.test(line));
    assert.ok(started.length > 0, `the extension's log says what it started:\n${log}`);
    for (const line of started) {
      assert.ok(line.includes(` -I ${bundled} `), `started the bundled server (${bundled}): ${line}`);
    }
    assert.match(log, /the bundled server runs on Python 3\.\d+: python3 on PATH/);
  });

  scenario("ghost text appears after typing, and Tab accepts it", async (t) => {
    await openFile("tab.py");
    await page.keyboard.type("    ");
    await waitTypedGhost(t);
    assert.equal((await ghost()).trim(), COMPLETION);
    await h.screenshot("1-ghost-text");
    await page.keyboard.press("Tab");
    // what counts is the file: the fake answers every prompt alike, so right after the accept it
    // may offer the same line again (seen on a busy machine), and no ghost text is no sign
    assert.equal(await saved("tab.py"), `${HEADER}    ${COMPLETION}`);
    await h.screenshot("2-tab-accepted");
  });

  scenario("Ctrl+Right (acceptNextWord) inserts one word", async (t) => {
    await openFile("word.py");
    await page.keyboard.type("    ");
    await waitTypedGhost(t);
    await page.keyboard.press("Control+ArrowRight");
    await waitFor("the rest to stay as ghost text", async () => (await ghost()).includes("a + b"), 5000);
    await h.screenshot("3-word-accept");
    const line = (await saved("word.py")).slice(HEADER.length);
    assert.match(line, /^ {4}return ?$/, `after one word the line is ${JSON.stringify(line)}`);
  });

  scenario("Show Statistics counts what was shown and accepted; Show Last Request shows what the fake received", async () => {
    // the two scenarios above showed ghost text twice, accepted one whole (Tab) and one word (Ctrl+Right);
    // shown and partly accepted reach the server only through the proposed API's handlers
    const table = await commandDocument("fim-lsp: Show Statistics", "fim-lsp-statistics.txt", (content) => /accepted in part/.test(content));
    await h.screenshot("4-statistics");
    assert.ok(table.includes(`statistics in ${h.statsFile}`), `the run's own statistics file:\n${table}`);
    assert.ok(todayCount(table, "suggestions shown") >= 1, table);
    assert.ok(todayCount(table, "accepted whole") >= 1, table);
    assert.ok(todayCount(table, "accepted in part") >= 1, table);

    const sent = h.received.at(-1);
    assert.ok(sent?.prompt?.includes("def add(a, b):"), `the fake's last request: ${JSON.stringify(sent)}`);
    const inspected = await commandDocument("fim-lsp: Show Last Request", "fim-lsp-last-request.txt", (content) => content.includes("=== suffix"));
    await h.screenshot("5-last-request");
    assert.ok(
      inspected.includes(`=== prompt (before the cursor) ===\n${sent.prompt}\n\n=== suffix (after the cursor) ===`),
      `the inspector shows the prompt the fake received (${JSON.stringify(sent.prompt)}):\n${inspected}`,
    );
    await page.keyboard.press("Control+W");
  });

  scenario("a workspace's .vscode/settings.json cannot redirect the key or the code", async () => {
    // the scenarios above got ghost text from the fake: the server command, provider, model and
    // address came from the user's settings; the workspace's stop string, a window-scoped
    // setting, shows that its file was read
    const asked = h.received.filter((body) => typeof body.prompt === "string");
    assert.ok(asked.length > 0, "the fake received the requests");
    assert.deepEqual(h.trapped, [], "the workspace's baseUrl received nothing");
    for (const body of asked) {
      assert.equal(body.model, "codestral-latest", `the user's model, not the workspace's: ${JSON.stringify(body)}`);
    }
    assert.ok(
      asked.every((body) => Array.isArray(body.stop) && body.stop.includes(WORKSPACE_STOP)),
      `the workspace's own fimLsp.stop was applied: ${JSON.stringify(asked.map((body) => body.stop))}`,
    );
  });

  scenario("clicking the status bar item turns suggestions off and on", async () => {
    await openFile("toggle.py");
    await page.locator(STATUS).click();
    await waitStatus(/^fim-lsp: disabled/);
    assert.match(fs.readFileSync(h.settingsFile, "utf8"), /"fimLsp\.enable": false/);
    await page.keyboard.type("    ");
    await sleep(1000);
    assert.equal(await ghost(), "", "no suggestion while disabled");
    await h.screenshot("6-disabled");
    await page.locator(STATUS).click();
    await waitStatus(/^fim-lsp: ready/);
    const settings = await waitFor("fimLsp.enable removed from settings.json", () => {
      const now = fs.readFileSync(h.settingsFile, "utf8");
      return !now.includes("fimLsp.enable") && now;
    }, 10_000).catch(() => fs.readFileSync(h.settingsFile, "utf8"));
    assert.doesNotMatch(settings, /fimLsp\.enable/, "back on, the default: no fimLsp.enable left in settings.json");
  });

  scenario("Alt+\\, the key the extension binds to the trigger, skips a long debounce; settings reach the server live", async () => {
    await changeSettings({ "fimLsp.debounceMs": 6000 });
    await openFile("manual.py"); // already indented: nothing typed, so no automatic request
    const asked = Date.now();
    await page.keyboard.press("Alt+Backslash");
    await waitGhost(4000);
    const took = Date.now() - asked;
    assert.ok(took < 4000, `ghost text after ${took} ms; an automatic request would wait 6000 ms`);
    await h.screenshot("7-manual-trigger");
    await page.keyboard.press("Escape");
  }, 150_000);

  scenario("manual mode: typing asks nothing, Alt+\\ asks, Alt+] and Alt+[ go through the alternatives", async () => {
    await changeSettings({ "fimLsp.triggerMode": "manual", "fimLsp.suggestions": 3 });
    await openFile("cycle.py");
    const before = h.received.length;
    await page.keyboard.type("    ");
    await sleep(1500); // ten times the debounce: an automatic request would have gone by now
    assert.equal(await ghost(), "", "no suggestion while typing in manual mode");
    assert.deepEqual(h.received.slice(before), [], "typing in manual mode sent nothing to the provider");
    await page.keyboard.press("Alt+Backslash");
    const shows = async (expected) => (await ghost()).trim() === expected;
    await waitFor(`the usual suggestion ${COMPLETION}`, () => shows(COMPLETION), 10_000);
    const asked = h.received.slice(before);
    assert.equal(asked.length, 3, `the usual request and two alternatives: ${JSON.stringify(asked.map((body) => body.random_seed))}`);
    assert.deepEqual(asked.map((body) => body.random_seed ?? null).sort(), [1, 2, null]);
    for (const [key, expected] of [["Alt+BracketRight", SAMPLES[1]], ["Alt+BracketRight", SAMPLES[2]], ["Alt+BracketLeft", SAMPLES[1]]]) {
      await page.keyboard.press(key);
      await waitFor(`${key} to show ${expected}`, () => shows(expected), 10_000).catch(async (error) => {
        throw new Error(`${error.message}; the ghost text is ${JSON.stringify(await ghost())}`);
      });
    }
    await h.screenshot("8-alternative");
    assert.equal(h.received.length, before + 3, "going through the alternatives asked the provider again");
    await page.keyboard.press("Tab");
    assert.equal(await saved("cycle.py"), `${FILES["cycle.py"]}    ${SAMPLES[1]}`);
  }, 180_000);

  scenario("a rejected key (401 from the fake) shows an error in the status bar", async () => {
    // a second fake that does not accept our key; switched to live through fimLsp.baseUrl
    await changeSettings({ "fimLsp.baseUrl": rejecting });
    await openFile("rejected.py");
    await page.keyboard.type("    ");
    const label = await waitStatus(/^fim-lsp error:/);
    assert.match(label, /MISTRAL_API_KEY was rejected .*401/);
    assert.equal(await ghost(), "");
    await h.screenshot("9-status-error");
  }, 120_000);

  test("the keys are in no file the editor wrote (settings, logs, workspace)", () => {
    assert.deepEqual(h.filesContaining(GOOD_KEY), []);
    assert.ok(h.filesContaining("fim_lsp.lsp.server: client code-server").length > 0, "the server's log was searched too");
  });
});
