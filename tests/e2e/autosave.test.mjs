// Drafts survive a crash: type into a new form, let the autosave run, kill the app with
// SIGKILL mid-edit, start it again and find the draft with its values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { by, launch, select, surveyCopy, type, unlock, until } from './lib.mjs';

test('a draft typed before a crash is there after restart', async () => {
  const survey = surveyCopy('autosave');
  const name = `岱庙灵泉${Date.now() % 100000}`;
  let id;
  const first = await launch('autosave', { survey });
  try {
    const b = first.browser;
    await unlock(first);
    await select(b, by('new-template'), 'water.spring');
    await (await b.$(by('new-record'))).click();
    const form = await b.$(by('form'));
    await form.waitForExist({ timeout: 20000 });
    id = await form.getAttribute('data-record-id');
    await type(b, by('field-standard_name'), name);
    await type(b, by('field-origin'), '因泉水出自岱庙东侧得名');
    // No save button pressed: the autosave after a pause in typing must store it.
    await until(async () => (await (await b.$(by('save-state'))).getAttribute('data-state')) === 'saved', 'autosave', 20000);
    // Start typing another field and crash before the pause ends.
    await (await b.$(by('field-history'))).setValue('明代');
    await first.screenshot('before-kill');
    const pid = first.appPid();
    assert.ok(pid, 'found the app process');
    process.kill(pid, 'SIGKILL');
    await until(() => !first.appPid(), 'app gone', 10000);
  } finally {
    await first.close();
  }

  const second = await launch('autosave-restart', { survey });
  try {
    const b = second.browser;
    await unlock(second);
    await (await b.$(by('nav-list'))).click();
    await type(b, by('filter-query'), name);
    const row = await b.$(`${by('list-row')}[data-id="${id}"]`);
    await row.waitForExist({ timeout: 20000 });
    assert.match(await row.getText(), /草稿/);
    await second.screenshot('draft-in-list');
    await row.click();
    await (await b.$(`${by('form')}[data-record-id="${id}"]`)).waitForExist({ timeout: 20000 });
    assert.equal(await (await b.$(by('field-standard_name'))).getValue(), name);
    assert.equal(await (await b.$(by('field-origin'))).getValue(), '因泉水出自岱庙东侧得名');
    await (await b.$(by('show-history'))).click();
    await (await b.$(by('history-entry'))).waitForExist({ timeout: 10000 });
    await second.screenshot('draft-reopened-with-history');
  } finally {
    await second.close();
  }
});
