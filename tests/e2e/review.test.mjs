// People and review in the real window, on a copy of the sample survey (专人填写、专人审核):
// the registrar unlocks it (its one passphrase becomes the first member's), adds a
// reviewer in the members screen and marks a record complete; the reviewer, choosing
// themselves on the unlock screen, returns it with a comment on a named field; the
// registrar sees it first on the home, the comment next to the field, corrects it and
// marks it complete again; the reviewer accepts it, and the record shows 已审核.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { by, launch, PASSPHRASE, surveyCopy, type, until } from './lib.mjs';

// 大津口矿区, a draft of the sample with no blocking finding.
const RECORD = '019e7044-8800-70fa-ad19-56e9ce178036';
const NAME = '大津口矿区';
// The sample's first member after its move to key slots (it has several registrars).
const REGISTRAR = '登记人';
const REVIEWER = '李审核';
const REVIEWER_PASS = '审核人的口令 two';
const COMMENT = '沿革缺少矿区设立年份，请补充';
const FIX = '（1958年设立矿区）';

/** Unlocks as `member` (chosen on the unlock screen when the file has several). */
async function unlockAs(s, phase, member, passphrase) {
  const b = s.browser;
  const pass = await b.$(by('unlock-passphrase'));
  await pass.waitForExist({ timeout: 20000 });
  await until(async () => (await (await b.$(by('unlock-path'))).getValue()) !== '', 'survey path prefilled');
  if (member) {
    const sel = await b.$(by('unlock-member'));
    await sel.waitForExist({ timeout: 10000 });
    const names = await b.execute(() => [...document.querySelectorAll('[data-testid="unlock-member"] option')].map((o) => o.textContent));
    assert.ok(names.some((n) => n.includes(`${REGISTRAR}（登记人）`)), `members listed: ${names}`);
    assert.ok(names.some((n) => n.includes(`${REVIEWER}（审核人）`)), `members listed: ${names}`);
    await sel.selectByAttribute('data-name', member);
  }
  await pass.setValue(passphrase);
  await s.screenshot(`unlock-${phase}-${member ?? 'only-member'}`);
  await (await b.$(by('unlock-submit'))).click();
  const who = await b.$(by('whoami'));
  await who.waitForExist({ timeout: 60000 });
  if (member) assert.match(await who.getText(), new RegExp(member));
}

async function listStatus(b) {
  await (await b.$(by('nav-list'))).click();
  await type(b, by('filter-query'), NAME);
  const row = await b.$(`${by('list-row')}[data-id="${RECORD}"]`);
  await row.waitForExist({ timeout: 15000 });
  return row;
}

async function markComplete(s, step) {
  const b = s.browser;
  await (await b.$(by('mark-complete'))).click();
  await (await b.$(by('complete-ok'))).waitForExist({ timeout: 20000 });
  await until(async () => (await (await b.$(by('form-status'))).getText()) === '已完成', 'status 已完成');
  await s.screenshot(step);
}

test('review loop: add a reviewer, complete, return with a field comment, fix, accept', async () => {
  const survey = surveyCopy('review');

  // 1. The registrar: add a reviewer, mark the record complete.
  let s = await launch('review', { survey });
  let b = s.browser;
  try {
    await unlockAs(s, 1, null, PASSPHRASE);
    assert.match(await (await b.$(by('whoami'))).getText(), /登记人（登记人）/);
    assert.equal(await b.$$(by('nav-review')).then((l) => l.length), 0, 'no review queue for a registrar');
    await (await b.$(by('nav-members'))).click();
    await (await b.$(by('member-add'))).waitForExist({ timeout: 10000 });
    await type(b, by('member-name'), REVIEWER);
    await type(b, by('member-unit'), '泰山区民政局');
    await type(b, by('member-pass'), REVIEWER_PASS);
    await type(b, by('member-pass2'), `${REVIEWER_PASS}x`);
    await (await b.$(by('member-add-submit'))).click();
    const mismatch = await b.$(`${by('member-add-error')}[data-code="members.mismatch"]`);
    await mismatch.waitForExist({ timeout: 5000 });
    await type(b, by('member-pass2'), REVIEWER_PASS);
    await (await b.$(by('member-add-submit'))).click();
    await (await b.$(by('member-add-ok'))).waitForExist({ timeout: 60000 });
    const row = await b.$(`${by('member-row')}[data-name="${REVIEWER}"]`);
    await row.waitForExist({ timeout: 10000 });
    assert.equal(await row.getAttribute('data-role'), 'reviewer');
    assert.match(await row.getText(), /审核人/);
    assert.match(await row.getText(), /泰山区民政局/);
    assert.equal((await b.$$(by('member-row'))).length, 2);
    await s.screenshot('1-members-reviewer-added');

    await (await listStatus(b)).click();
    await (await b.$(`${by('form')}[data-record-id="${RECORD}"]`)).waitForExist({ timeout: 20000 });
    await markComplete(s, '1-registrar-complete');
  } finally {
    await s.close();
  }

  // 2. The reviewer: the queue, the record, a return with a comment on 沿革.
  s = await launch('review', { survey });
  b = s.browser;
  try {
    await unlockAs(s, 2, REVIEWER, REVIEWER_PASS);
    const item = await b.$(`${by('queue-item')}[data-record-id="${RECORD}"]`);
    await item.waitForExist({ timeout: 20000 });
    assert.match(await item.getText(), new RegExp(NAME));
    await s.screenshot('2-reviewer-queue');
    await (await item.$(by('queue-open'))).click();
    await (await b.$(`${by('review-record')}[data-record-id="${RECORD}"]`)).waitForExist({ timeout: 20000 });
    await (await b.$(`${by('review-fields')} tr[data-field="history"]`)).waitForExist({ timeout: 20000 });
    // A return needs a comment: refused with the catalogue's text.
    await (await b.$(by('review-return'))).click();
    const refused = await b.$(`${by('review-error')}[data-code="review.comment_required"]`);
    await refused.waitForExist({ timeout: 10000 });
    assert.match(await refused.getText(), /退回记录须写明需要修改的内容/);
    await (await b.$(by('review-add-comment'))).click();
    const field = await b.$(by('review-comment-field'));
    await field.waitForExist({ timeout: 5000 });
    await field.selectByAttribute('value', 'history');
    await type(b, by('review-comment-text'), COMMENT);
    await type(b, by('review-comment-record'), '其余内容无误');
    await s.screenshot('2-reviewer-return-comment');
    await (await b.$(by('review-return'))).click();
    const done = await b.$(by('review-done'));
    await done.waitForExist({ timeout: 20000 });
    assert.match(await done.getText(), /已退回修改/);
    await until(async () => (await b.$$(`${by('queue-item')}[data-record-id="${RECORD}"]`)).length === 0, 'record left the queue');
    await s.screenshot('2-reviewer-returned');
  } finally {
    await s.close();
  }

  // 3. The registrar: returned records first, the comment by the field, fix, complete.
  s = await launch('review', { survey });
  b = s.browser;
  try {
    await unlockAs(s, 3, REGISTRAR, PASSPHRASE);
    const returned = await b.$(`${by('returned-item')}[data-record-id="${RECORD}"]`);
    await returned.waitForExist({ timeout: 20000 });
    assert.match(await returned.getText(), new RegExp(`历史沿革：${COMMENT}`), 'the field by its label');
    assert.match(await returned.getText(), new RegExp(REVIEWER));
    await s.screenshot('3-registrar-home-returned');
    await (await returned.$(by('returned-open'))).click();
    await (await b.$(`${by('form')}[data-record-id="${RECORD}"][data-status="returned"]`)).waitForExist({ timeout: 20000 });
    const comment = await b.$(by('review-comment-history'));
    await comment.waitForExist({ timeout: 10000 });
    assert.match(await comment.getText(), new RegExp(COMMENT));
    // Next to the field: inside the 沿革 row.
    assert.equal(
      await b.execute(() => !!document.querySelector('.field[data-field="history"] [data-testid="review-comment-history"]')),
      true,
    );
    assert.match(await (await b.$(by('review-banner'))).getText(), /其余内容无误/);
    await comment.scrollIntoView({ block: 'center' });
    await s.screenshot('3-registrar-form-comment');
    const history = await b.$(by('field-history'));
    const before = await history.getValue();
    await type(b, by('field-history'), `${before}${FIX}`);
    await markComplete(s, '3-registrar-fixed-complete');
  } finally {
    await s.close();
  }

  // 4. The reviewer accepts: 已审核.
  s = await launch('review', { survey });
  b = s.browser;
  try {
    await unlockAs(s, 4, REVIEWER, REVIEWER_PASS);
    const item = await b.$(`${by('queue-item')}[data-record-id="${RECORD}"]`);
    await item.waitForExist({ timeout: 20000 });
    assert.match(await item.getText(), /退回/, 'the queue shows the earlier return');
    await (await item.$(by('queue-open'))).click();
    const hist = await b.$(`${by('review-fields')} tr[data-field="history"]`);
    await hist.waitForExist({ timeout: 20000 });
    assert.match(await hist.getText(), new RegExp(FIX.replace(/[()（）]/g, '.')));
    await (await b.$(by('review-accept'))).click();
    const done = await b.$(by('review-done'));
    await done.waitForExist({ timeout: 20000 });
    assert.match(await done.getText(), /已审核通过/);
    await s.screenshot('4-reviewer-accepted');
    const row = await listStatus(b);
    await until(async () => /已审核/.test(await row.getText()), 'list shows 已审核');
    await s.screenshot('4-list-reviewed');
    await row.click();
    await until(async () => (await (await b.$(by('form-status'))).getText()) === '已审核', 'form shows 已审核');
    await s.screenshot('4-form-reviewed');
  } finally {
    await s.close();
  }
});
