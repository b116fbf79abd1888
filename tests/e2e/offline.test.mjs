// The app makes no network connection. The suite runs in a network namespace with only
// loopback (scripts/e2e.sh); this test also traces every connect() of the whole app
// process tree (app, WebKit web and network processes) and checks the page's own record
// of requests, while the surveyor unlocks, opens the map and a form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { by, launch, select, surveyCopy, unlock, until, ARTIFACTS } from './lib.mjs';

/** Remote (non-loopback) connect() attempts in an strace log. */
export function remoteConnects(log) {
  const out = [];
  for (const line of log.split('\n')) {
    if (!line.includes('connect(')) continue;
    const v4 = /sa_family=AF_INET,.*sin_addr=inet_addr\("([^"]+)"\)/.exec(line);
    if (v4 && !v4[1].startsWith('127.')) out.push(line);
    const v6 = /sa_family=AF_INET6,.*inet_pton\(AF_INET6, "([^"]+)"/.exec(line);
    if (v6 && v6[1] !== '::1' && !v6[1].startsWith('::ffff:127.')) out.push(line);
  }
  return out;
}

test('works with no network and attempts no remote connection', async () => {
  if (process.env.TOPONYM_E2E_NETNS) {
    // /proc/net/dev lists the interfaces of this process's network namespace (sysfs may
    // still show the host's).
    const ifaces = fs
      .readFileSync('/proc/net/dev', 'utf8')
      .split('\n')
      .slice(2)
      .map((l) => l.split(':')[0].trim())
      .filter(Boolean);
    assert.deepEqual(ifaces, ['lo'], 'only loopback exists in the test network namespace');
  }
  const trace = path.join(ARTIFACTS, 'offline', 'connect.strace');
  fs.mkdirSync(path.dirname(trace), { recursive: true });
  const s = await launch('offline', {
    survey: surveyCopy('offline'),
    wrap: ['strace', '-f', '-qq', '--seccomp-bpf', '-e', 'trace=connect', '-o', trace],
  });
  const b = s.browser;
  try {
    await unlock(s);
    await s.screenshot('home-offline');
    await (await b.$(by('nav-map'))).click();
    await until(() => b.execute(() => !!window.__toponymMaps?.main?.loaded()), 'map rendered');
    await new Promise((r) => setTimeout(r, 1000));
    await s.screenshot('map-offline');
    await (await b.$(by('nav-home'))).click();
    await select(b, by('new-template'), 'terrain.peak');
    await (await b.$(by('new-record'))).click();
    await (await b.$(by('form'))).waitForExist({ timeout: 20000 });
    await s.screenshot('form-offline');
    const net = await b.execute(() => window.__toponymNet);
    assert.ok(net.urls.length > 0, 'the page recorded its own (local) requests');
    assert.deepEqual(net.remote, [], `remote requests from the page: ${net.remote.join(', ')}`);
  } finally {
    await s.close();
  }
  const log = fs.readFileSync(trace, 'utf8');
  assert.ok(log.includes('connect('), 'strace saw the process tree (at least local connects)');
  const remote = remoteConnects(log);
  assert.deepEqual(remote, [], 'no remote connect() from any process of the app');
});
