// Unlock: a wrong passphrase gives a clear message and no crash; the right one opens the
// survey home with its progress chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { by, launch, surveyCopy, unlock, until, PASSPHRASE } from './lib.mjs';

test('wrong passphrase is refused with a message, then the right one opens the home', async () => {
  const survey = surveyCopy('unlock');
  const s = await launch('unlock', { survey });
  try {
    const b = s.browser;
    await (await b.$(by('unlock-passphrase'))).waitForExist({ timeout: 20000 });
    await s.screenshot('unlock-screen');
    await until(async () => (await (await b.$(by('unlock-path'))).getValue()) === survey, 'survey path from --survey');

    await (await b.$(by('unlock-passphrase'))).setValue('not-the-passphrase');
    await (await b.$(by('unlock-submit'))).click();
    const err = await b.$(by('unlock-error'));
    await err.waitForExist({ timeout: 60000 });
    assert.equal(await err.getAttribute('data-code'), 'survey.wrong_passphrase');
    assert.match(await err.getText(), /口令错误/);
    await s.screenshot('wrong-passphrase');
    // The app is still alive and usable: the form is there, the process runs.
    assert.ok(s.appPid(), 'app process still running');

    await (await b.$(by('unlock-passphrase'))).clearValue();
    await unlock(s, PASSPHRASE);
    const chart = await b.$(by('progress-chart'));
    await chart.waitForExist({ timeout: 20000 });
    const total = Number(await (await b.$(by('total-entries'))).getText());
    assert.ok(total > 0, `the sample survey has entries (home shows ${total})`);
    await s.screenshot('home');

    // English is a setting; core messages and labels follow it.
    await (await b.$(by('lang'))).selectByAttribute('value', 'en');
    await until(async () => (await (await b.$(by('nav-home'))).getText()) === 'Home', 'English labels');
    assert.match(await (await b.$(by('total-todo'))).getText(), /To do/);
    await s.screenshot('home-english');
    await (await b.$(by('lang'))).selectByAttribute('value', 'zh');
    await until(async () => (await (await b.$(by('nav-home'))).getText()) === '首页', 'Chinese labels again');
  } finally {
    await s.close();
  }
});
