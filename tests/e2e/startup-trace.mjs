// Where the app's cold start goes, outside WebDriver (not a test; prints figures): launches
// the app binary directly, N times, with TOPONYM_TRACE_STARTUP=1 (see src-tauri/src/trace.rs)
// and prints the median time since process start of each milestone the app reports, up to
// the unlock screen's first IPC call (`startup_info`, sent once the screen has rendered).
// Usage (inside Xvfb, e.g. the environment scripts/e2e.sh sets up):
//   node startup-trace.mjs [runs]          TOPONYM_APP_BIN=… for another build
// Extra environment for the app can be given as TRACE_ENV='A=1 B=2' (to try WebKit settings),
// and TRACE_WRAP='dbus-run-session --' runs it on a fresh session bus, as the tests do.
// TRACE_WARMUP=1 adds one unrecorded launch first (services on the session bus, caches);
// TRACE_HOME=<dir> keeps one HOME for every launch (a returning user) instead of a fresh one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APP, appEnv, descendants, releaseHome } from './lib.mjs';

const runs = Number(process.argv[2] || 5);
const extra = Object.fromEntries(
  (process.env.TRACE_ENV || '')
    .split(/\s+/)
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const DONE = 'first IPC call: startup_info';

function once(i) {
  const keep = process.env.TRACE_HOME;
  const home = keep || fs.mkdtempSync(path.join(os.tmpdir(), `toponym-trace-${i}-`));
  const env = appEnv(home, { TOPONYM_TRACE_STARTUP: '1', ...extra });
  return new Promise((resolve, reject) => {
    const argv = [...(process.env.TRACE_WRAP || '').split(/\s+/).filter(Boolean), APP];
    const app = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const marks = [];
    let buf = '';
    let finished = false;
    const end = (err) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const p of [app.pid, ...descendants(app.pid)].reverse()) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* already ended */
        }
      }
      if (!keep) {
        releaseHome(home);
        fs.rmSync(home, { recursive: true, force: true });
      }
      if (err) reject(err);
      else resolve(marks);
    };
    const timer = setTimeout(() => end(new Error(`no "${DONE}" within 30 s`)), 30000);
    app.stderr.on('data', (d) => {
      buf += d;
      let k;
      while ((k = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, k);
        buf = buf.slice(k + 1);
        const m = /^toponym-trace\s+([\d.]+) ms\s+(.*)$/.exec(line);
        if (!m) continue;
        marks.push([m[2], Number(m[1])]);
        // A little longer than the first IPC, so the page-load "Finished" line is caught too.
        if (m[2] === DONE) setTimeout(() => end(), 1500);
      }
    });
    app.on('exit', () => end(marks.some(([w]) => w === DONE) ? undefined : new Error('app exited early')));
  });
}

const all = new Map();
if (process.env.TRACE_WARMUP) await once(-1);
for (let i = 0; i < runs; i++) {
  const marks = await once(i);
  if (process.env.TRACE_VERBOSE) console.log(`run ${i}: ${marks.map(([w, t]) => `${t.toFixed(0)} ${w.slice(0, 40)}`).join(' | ')}`);
  for (const [w, t] of marks) {
    if (!all.has(w)) all.set(w, []);
    all.get(w).push(t);
  }
  await new Promise((r) => setTimeout(r, 500));
}
const med = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`app: ${APP}  runs: ${runs}  extra env: ${process.env.TRACE_ENV || '(none)'}  wrap: ${process.env.TRACE_WRAP || '(none)'}  load: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const rows = [...all].sort((a, b) => med(a[1]) - med(b[1]));
for (const [w, v] of rows) {
  console.log(`${med(v).toFixed(0).padStart(6)} ms  (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}, n=${v.length})  ${w}`);
}
