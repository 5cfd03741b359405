// What the e2e scenarios do in VS Code's workbench (status bar, ghost text, commands, files), on one page.
import { waitFor } from "./harness.mjs";

export const STATUS = '[id="fim-lsp.fim-lsp.fimLsp.status"]';
const GHOST = ".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text-decoration-preview, .monaco-editor .ghost-text";
const TOAST = ".notifications-toasts .notification-toast";

/** DOM text with the U+00A0 Monaco uses for spaces made plain. */
export function text(value) {
  return (value ?? "").replace(/\u00a0/g, " ");
}

/** The helpers for one browser page of code-server. */
export function workbench(page) {
  async function statusLabel() {
    return text(await page.locator(STATUS).getAttribute("aria-label", { timeout: 1000 }));
  }

  async function waitStatus(pattern, ms = 20_000) {
    try {
      return await waitFor(`status ${pattern}`, async () => pattern.test(await statusLabel()) && (await statusLabel()), ms);
    } catch (error) {
      throw new Error(`${error.message}; status is "${await statusLabel().catch(() => "(none)")}"`);
    }
  }

  async function ghost() {
    return text((await page.locator(GHOST).allTextContents()).join(""));
  }

  async function waitGhost(ms = 10_000) {
    return waitFor("ghost text", async () => (await ghost()).includes("return"), ms);
  }

  /**
   * Ghost text after typing. If VS Code shows none within 5 s, ask once more with the manual trigger
   * (the readiness pitfall of shared/reference/editor-testing.md); each retry is reported.
   */
  async function waitTypedGhost(t) {
    try {
      return await waitGhost(5000);
    } catch {
      t.diagnostic("no ghost text 5 s after typing; retried with editor.action.inlineSuggest.trigger");
      await trigger();
      return waitGhost(5000);
    }
  }

  /** editor.action.inlineSuggest.trigger, from the command palette (Alt+\\ did not reach it in headless Chromium). */
  async function trigger() {
    await runCommand("Trigger Inline Suggestion");
  }

  async function quickInput() {
    const widget = page.locator(".quick-input-widget");
    await widget.waitFor({ state: "visible", timeout: 10_000 });
    return widget;
  }

  async function runCommand(title) {
    await page.keyboard.press("F1");
    const widget = await quickInput();
    await page.keyboard.type(title);
    const row = widget.locator(".monaco-list-row", { hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
  }

  async function openFile(name) {
    await page.keyboard.press("Control+P");
    const widget = await quickInput();
    await page.keyboard.type(name);
    // click the row: Enter could open whichever row was first before the filter caught up
    const row = widget.locator(".monaco-list-row", { hasText: name }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await page.locator(`.tab.active[data-resource-name="${name}"], .tab.active[aria-label^="${name}"]`).first().waitFor({ timeout: 10_000 });
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
  }

  /** The messages of the notification toasts on screen now, oldest first. */
  async function toasts() {
    return (await page.locator(`${TOAST} .notification-list-item-message`).allTextContents()).map(text);
  }

  /** The toast whose message contains `words` (a string), once one is on screen. */
  async function waitToast(words, ms = 20_000) {
    const toast = page.locator(TOAST, { hasText: words });
    try {
      await toast.first().waitFor({ state: "visible", timeout: ms });
    } catch (error) {
      throw new Error(`no notification saying "${words}" within ${ms} ms; on screen: ${JSON.stringify(await toasts())} (${error.message.split("\n")[0]})`);
    }
    return toast;
  }

  return { statusLabel, waitStatus, ghost, waitGhost, waitTypedGhost, trigger, quickInput, runCommand, openFile, toasts, waitToast };
}
