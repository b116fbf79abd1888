// Helpers for the end-to-end tests: each test session starts a fresh tauri-driver (a
// long-lived one was seen to wedge after a connection reset), drives the real app window
// through WebKitWebDriver, saves screenshots, and ends every process it started by pid.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const APP = process.env.TOPONYM_APP_BIN || path.join(ROOT, 'target/debug/toponym-app');
export const ARTIFACTS = path.join(ROOT, 'e2e-artifacts');
export const PASSPHRASE = process.env.TOPONYM_E2E_PASSPHRASE || 'taishan-1987';

fs.mkdirSync(ARTIFACTS, { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((r) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        r(true);
      });
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on port ${port} within ${ms} ms`);
}

/** All descendants of `pid` (children first found by walking /proc), for cleanup by pid. */
export function descendants(pid) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(after[1]));
    } catch {
      /* process ended meanwhile */
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of parent) if (pp === p) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export function comm(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** A fresh home for the app: its WebKit data and recent-survey list stay per test. */
export function freshHome(name) {
  const home = path.join(ARTIFACTS, name, 'home');
  releaseHome(home);
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(home, { recursive: true });
  return home;
}

/**
 * Starts tauri-driver and a WebDriver session on the app.
 * `opts.env` is added to the app's environment; `opts.wrap` (e.g. ['strace', …]) prefixes
 * the tauri-driver command so the whole process tree can be observed. `opts.home` keeps a
 * given HOME; `opts.bus` (a D-Bus address, see `sessionBus`) runs the app on that session
 * bus instead of a private one.
 */
export async function launch(name, opts = {}) {
  // A session that fails to start (seen under heavy load: the new-session request times
  // out) is retried once with a fresh driver, as STACK-NOTES advises.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(name, opts);
    } catch (e) {
      if (attempt >= 2) throw e;
      console.error(`session start failed (${e.message}); retrying with a fresh tauri-driver`);
    }
  }
}

/** HOME and the XDG data, config and cache folders inside it. */
export function homeEnv(home) {
  return {
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
}

/**
 * The app's environment: its own HOME (and XDG folders in it), no accessibility bus and no
 * desktop portals (they would outlive the session), plus `extra`.
 */
export function appEnv(home, extra = {}) {
  return {
    ...process.env,
    ...homeEnv(home),
    NO_AT_BRIDGE: '1',
    GTK_USE_PORTAL: '0',
    GTK_A11Y: 'none',
    ...extra,
  };
}

async function launchOnce(name, opts) {
  const dir = path.join(ARTIFACTS, name);
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const nativePort = await freePort();
  const home = opts.home || freshHome(name);
  const env = appEnv(home, opts.env);
  // A private session bus per test, so D-Bus services started for the app end with it.
  const driverCmd = [...(opts.bus ? [] : ['dbus-run-session', '--']), 'tauri-driver', '--port', String(port), '--native-port', String(nativePort)];
  if (opts.bus) env.DBUS_SESSION_BUS_ADDRESS = opts.bus;
  const argv = [...(opts.wrap || []), ...driverCmd];
  const log = fs.openSync(path.join(dir, `tauri-driver-${Date.now()}.log`), 'w');
  const driver = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', log, log] });
  let browser;
  try {
    await waitPort(port, 15000);
    const args = opts.survey ? ['--survey', opts.survey] : [];
    browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      connectionRetryCount: 0,
      connectionRetryTimeout: 60000,
      capabilities: { 'tauri:options': { application: APP, args } },
    });
  } catch (e) {
    await endDriver(driver);
    releaseHome(home);
    throw e;
  }
  let shot = 0;
  const session = {
    browser,
    driver,
    dir,
    /**
     * Saves a numbered screenshot named after the step: the X screen the app draws on, as a
     * person would see it (ImageMagick's `import`), not WebKit's own snapshot, which hangs
     * with the renderer the app picks on a machine without a GPU.
     */
    async screenshot(step) {
      shot += 1;
      const file = path.join(dir, `${String(shot).padStart(2, '0')}-${step}.png`);
      // Two animation frames first, so what the last action changed has been painted.
      await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      execFileSync('import', ['-display', process.env.DISPLAY, '-window', 'root', file]);
      return file;
    },
    /** The pid of the app process under this session's driver. */
    appPid() {
      return descendants(driver.pid).find((p) => comm(p).startsWith('toponym-app'));
    },
    /**
     * When the app process started (ms since the epoch, 10 ms resolution, from /proc): its
     * age (uptime now minus its start, both on the boot clock) subtracted from the wall
     * clock now. Not `btime` plus the start: btime is whole seconds and the wall clock
     * drifts from the boot clock, which put this up to about half a second off.
     */
    appStartedAt() {
      const pid = this.appPid();
      if (!pid) return undefined;
      // Field 22 of /proc/<pid>/stat, after the parenthesised command name.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      const now = Date.now();
      const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      return now - (uptime * 1000 - ticks * 10); // USER_HZ is 100 on Linux
    },
    async close() {
      try {
        await browser.deleteSession();
      } catch {
        /* the app may already be gone (crash test) */
      }
      await endDriver(driver);
      // A kept HOME on a shared bus belongs to the caller, with the services on that bus.
      if (!opts.bus) releaseHome(home);
    },
  };
  return session;
}

async function endDriver(driver) {
  const kids = descendants(driver.pid);
  try {
    process.kill(driver.pid, 'SIGTERM');
  } catch {
    /* already ended */
  }
  await new Promise((r) => setTimeout(r, 300));
  for (const p of kids.reverse()) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* already ended */
    }
  }
  try {
    process.kill(driver.pid, 'SIGKILL');
  } catch {
    /* already ended */
  }
}

/**
 * D-Bus-activated helpers (the document portal) are reparented to init, so they are not
 * descendants of the driver; they are found by the private HOME this test gave them.
 */
function killByHome(home, signal = 'SIGTERM') {
  const mark = Buffer.from(`HOME=${home}\0`);
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/environ`).includes(mark)) process.kill(Number(d), signal);
    } catch {
      /* not ours to read, or ended meanwhile */
    }
  }
}

/**
 * Ends what a test's app left behind under its private HOME: helpers found by that HOME
 * (a late D-Bus activation can start one while the app shuts down, so look twice), and
 * the document portal's FUSE mount in HOME/.cache/doc, which would block deleting HOME.
 */
export function releaseHome(home) {
  killByHome(home);
  const until = Date.now() + 500;
  while (Date.now() < until) {
    /* give a late-started helper time to appear */
  }
  killByHome(home, 'SIGKILL');
  const doc = path.join(home, '.cache', 'doc');
  if (fs.existsSync(doc)) {
    try {
      execFileSync('fusermount3', ['-u', '-z', doc], { stdio: 'ignore' });
    } catch {
      /* not mounted */
    }
  }
}

/**
 * A long-lived session bus, as on a desktop: the D-Bus services the app activates (the
 * desktop portal, the accessibility bus) stay up between launches, instead of starting
 * again with a private bus for every session. Started with `env` (its services inherit
 * it); `end()` stops the bus by pid and releases `env.HOME`.
 */
export function sessionBus(env) {
  const out = execFileSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const [address, pid] = out.trim().split('\n');
  return {
    address,
    end() {
      try {
        process.kill(Number(pid), 'SIGTERM');
      } catch {
        /* already ended */
      }
      if (env.HOME) releaseHome(env.HOME);
    },
  };
}

export const by = (id) => `[data-testid="${id}"]`;

/** Waits until `fn` returns a truthy value (polling), or throws with `what`. */
export async function until(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/** Copies the sample survey into the test's folder so tests never change the committed file. */
export function surveyCopy(name) {
  const src = process.env.TOPONYM_E2E_SURVEY;
  if (!src) throw new Error('TOPONYM_E2E_SURVEY is not set (scripts/e2e.sh sets it)');
  const dst = path.join(ARTIFACTS, name, 'survey.toponym');
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  // The key-derivation sidecar (and a WAL, if any) belong to the survey file.
  for (const ext of ['', '.toponym-kdf', '-wal', '-shm']) {
    if (fs.existsSync(src + ext)) fs.copyFileSync(src + ext, dst + ext);
    else fs.rmSync(dst + ext, { force: true });
  }
  return dst;
}

/** Unlocks the survey named on the command line with the passphrase; waits for home. */
export async function unlock(s, passphrase = PASSPHRASE) {
  const b = s.browser;
  const pass = await b.$(by('unlock-passphrase'));
  await pass.waitForExist({ timeout: 20000 });
  await until(async () => (await (await b.$(by('unlock-path'))).getValue()) !== '', 'survey path prefilled');
  await pass.setValue(passphrase);
  await (await b.$(by('unlock-submit'))).click();
  await (await b.$(by('home'))).waitForExist({ timeout: 60000 });
}

/** Sets an input's value the way a person types it (clear, then keys). */
export async function type(b, selector, text) {
  const el = await b.$(selector);
  await el.waitForExist({ timeout: 10000 });
  await el.scrollIntoView({ block: 'center' });
  await el.clearValue();
  // Clearing does not fire an input event; the UI listens to input.
  await b.execute((e) => e.dispatchEvent(new Event('input', { bubbles: true })), el);
  if (text !== '') await el.setValue(text);
  return el;
}

export async function select(b, selector, value) {
  const el = await b.$(selector);
  await el.waitForExist({ timeout: 10000 });
  await el.scrollIntoView({ block: 'center' });
  await el.selectByAttribute('value', value);
  return el;
}

export function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}
