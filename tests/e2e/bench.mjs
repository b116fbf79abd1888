// Window-level benchmark of the desktop app (not a test; prints figures):
//   cold start  = app process start → unlock screen painted, plus unlock click → home painted,
//                 minus the key derivation time the app reports (Argon2id is slow on purpose);
//   form open   = click on a list row → the form painted (largest form: see --template);
//   save        = "save draft" click → result painted.
// Usage (inside Xvfb, see scripts/e2e.sh for the environment):
//   node bench.mjs <survey> [runs]
// By default every launch gets a fresh HOME and a private session bus, as the tests do, so
// each is a first launch on a new desktop: the D-Bus services GTK and WebKit ask for (the
// desktop portal, the accessibility bus) are started for it, and no cache exists.
// BENCH_DESKTOP=1 measures a returning surveyor instead: one session bus and one HOME for
// all runs, after one launch that is not counted.
import path from 'node:path';
import { by, freshHome, homeEnv, launch, sessionBus, unlock, until, type, select, PASSPHRASE } from './lib.mjs';
import fs from 'node:fs';

const survey = process.argv[2];
const runs = Number(process.argv[3] || 5);
const template = process.env.BENCH_TEMPLATE || 'water.river';
if (!survey) throw new Error('usage: node bench.mjs <survey> [runs]');

const med = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (v) => `median ${med(v).toFixed(0)} ms (min ${Math.min(...v).toFixed(0)}, max ${Math.max(...v).toFixed(0)}, n=${v.length})`;
const cold = [];
const kdfs = [];
const opens = [];
const saves = [];
// Where the time goes: the IPC round trip (the command on the Rust side) vs. the webview.
const openIpc = [];
const saveIpc = [];

let desktop = null;
if (process.env.BENCH_DESKTOP) {
  const home = freshHome('bench-desktop');
  const bus = sessionBus(homeEnv(home));
  desktop = { home, bus };
}

// Run -1 (desktop mode only) is the returning surveyor's earlier launch: not counted.
for (let i = desktop ? -1 : 0; i < runs; i++) {
  const counted = i >= 0;
  const copy = path.join(path.dirname(survey), `.bench-${i}-${path.basename(survey)}`);
  fs.copyFileSync(survey, copy);
  for (const ext of ['-wal', '-shm', '.toponym-kdf']) if (fs.existsSync(survey + ext)) fs.copyFileSync(survey + ext, copy + ext);
  const launched = Date.now();
  const s = await launch(desktop ? 'bench-desktop' : `bench-${i}`, {
    survey: copy,
    ...(desktop ? { home: desktop.home, bus: desktop.bus.address } : {}),
  });
  try {
    const b = s.browser;
    await unlock(s, PASSPHRASE);
    await until(() => b.execute(() => window.__toponymPerf.home?.length > 0), 'home painted');
    const perf = await b.execute(() => ({ origin: performance.timeOrigin, p: window.__toponymPerf }));
    const info = await b.execute(() => window.__toponymPerf);
    const kdf = await b.execute(() => window.__toponymLastUnlock?.kdf_ms ?? 0);
    // From the app process's own start (not the driver's), when /proc tells it.
    const started = s.appStartedAt() ?? launched;
    const toUnlockScreen = perf.origin + perf.p['unlock-screen'][0] - started;
    const unlockToHome = perf.p.home[0] - perf.p['unlock-submit'][0] - kdf;
    if (counted) cold.push(toUnlockScreen + unlockToHome);
    if (process.env.BENCH_VERBOSE) {
      const p = perf.p;
      const at = (k) => (p[k] ? `${(p[k][0] - p['unlock-submit'][0]).toFixed(0)}` : '–');
      console.log(`run ${i}: process start → page origin ${(perf.origin - started).toFixed(0)} ms, → script +${p['app-script']?.[0].toFixed(0)}, rendered +${p['app-rendered']?.[0].toFixed(0)}, unlock screen painted +${p['unlock-screen'][0].toFixed(0)} ms, unlock → home without KDF ${unlockToHome.toFixed(0)} ms`);
      console.log(`  after the unlock click (KDF ${kdf} ms): unlocked ${at('unlock-done')}, home data ${at('home-data')}, home painted ${at('home')}; map module ${at('map-module-loaded')}, form map loaded ${at('map-loaded-form')}, its layers ${at('map-layers-form')}`);
    }
    if (!counted) continue;
    kdfs.push(kdf);
    void info;

    await (await b.$(by('nav-list'))).click();
    await select(b, by('filter-template'), template);
    const row = await b.$(by('list-row'));
    await row.waitForExist({ timeout: 20000 });
    await row.click();
    await (await b.$(by('form'))).waitForExist({ timeout: 20000 });
    await until(() => b.execute(() => window.__toponymPerf['form-shown']?.length > 0), 'form painted');
    const p2 = await b.execute(() => window.__toponymPerf);
    opens.push(p2['form-shown'].at(-1) - p2['form-open'].at(-1));
    if (p2['form-data']) openIpc.push(p2['form-data'].at(-1) - p2['form-open'].at(-1));
    if (process.env.BENCH_VERBOSE) {
      const o = p2['form-open'].at(-1);
      console.log(`run ${i}: home ${(p2.home[0] - p2['unlock-submit'][0]).toFixed(0)} → open at +${(o - p2.home[0]).toFixed(0)}: data ${(p2['form-data'].at(-1) - o).toFixed(0)}, built ${(p2['form-built'].at(-1) - o).toFixed(0)}, shown ${(p2['form-shown'].at(-1) - o).toFixed(0)}`);
    }

    await type(b, by('field-remarks'), `bench ${i}`);
    // Let the autosave of the typed text run first (it fires 400 ms after the last key),
    // so the click below measures one clean save and nothing else is in flight.
    await new Promise((r) => setTimeout(r, 700));
    await until(async () => (await (await b.$(by('save-state'))).getAttribute('data-state')) === 'saved', 'autosaved');
    // Measured: the save started by the click → its result painted.
    const n0 = await b.execute(() => ({ start: window.__toponymPerf['save-start']?.length ?? 0, shown: window.__toponymPerf['save-shown']?.length ?? 0 }));
    await (await b.$(by('save-draft'))).click();
    await until(
      () => b.execute((n) => { const p = window.__toponymPerf; const k = p['save-start']?.length ?? 0; return k > n.start && (p['save-shown']?.length ?? 0) - n.shown >= k - n.start; }, n0),
      'save painted',
    );
    const p3 = await b.execute(() => window.__toponymPerf);
    saves.push(p3['save-shown'].at(-1) - p3['save-start'][n0.start]);
    if (p3['save-data']) saveIpc.push(p3['save-data'].at(-1) - p3['save-start'][n0.start]);
  } finally {
    await s.close();
    for (const ext of ['', '-wal', '-shm', '.toponym-kdf']) fs.rmSync(copy + ext, { force: true });
  }
}
desktop?.bus.end();
console.log(`survey: ${survey}  mode: ${desktop ? 'returning surveyor (one session bus and HOME)' : 'first launch (fresh HOME and session bus each)'}`);
console.log(`cold start to unlocked home (without KDF): ${fmt(cold)}`);
console.log(`key derivation reported by the app:        ${fmt(kdfs)}`);
console.log(`open form (${template}) click → painted:   ${fmt(opens)}`);
console.log(`save draft click → painted:                ${fmt(saves)}`);
if (openIpc.length) console.log(`  of which open IPC (click → data back):   ${fmt(openIpc)}`);
if (saveIpc.length) console.log(`  of which save IPC (click → outcome back): ${fmt(saveIpc)}`);
console.log(`app binary: ${process.env.TOPONYM_APP_BIN || 'target/debug/toponym-app'}`);
