// A surveyor's day in the real window: create and save a record of a point, a line and a
// polygon template; find each in the list and on the map; reopen one and find the values
// intact; try to complete a record with a required field missing and see the refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { by, launch, select, surveyCopy, type, unlock, until } from './lib.mjs';

// Names carry a run-specific suffix so a search finds exactly the records of this run.
const RUN = String(Date.now() % 100000);
const RECORDS = [
  { template: 'water.spring', kind: 'point', name: `黑龙潭泉${RUN}`, coords: '117°07′30″E 36°14′24″N' },
  {
    template: 'water.river',
    kind: 'line',
    name: `梳洗河${RUN}`,
    vertices: ['117.090000, 36.180000', '117.110000, 36.200000', '117.130000, 36.215000'],
  },
  {
    template: 'water.lake',
    kind: 'polygon',
    name: `天平湖${RUN}`,
    vertices: ['117.060000, 36.230000', '117.080000, 36.230000', '117.080000, 36.245000', '117.060000, 36.245000'],
  },
];

async function waitSaved(b) {
  await until(async () => (await (await b.$(by('save-state'))).getAttribute('data-state')) === 'saved', 'draft saved', 20000);
}

async function newRecord(s, rec) {
  const b = s.browser;
  await (await b.$(by('nav-home'))).click();
  await select(b, by('new-template'), rec.template);
  await (await b.$(by('new-record'))).click();
  const form = await b.$(by('form'));
  await form.waitForExist({ timeout: 20000 });
  assert.equal(await form.getAttribute('data-template'), rec.template);
  await type(b, by('field-standard_name'), rec.name);
  if (rec.kind === 'point') {
    const rp = await type(b, by('field-rep_point'), rec.coords);
    await b.keys('Enter');
    await until(async () => /^117\.12500/.test(await rp.getValue()), 'DMS parsed to decimal degrees');
  } else {
    if (rec.kind === 'line') {
      // A line record without a line: the form shows the geometry finding (C-4).
      const missingLine = `${by('findings-geometry')} [data-code="field.required"]`;
      await until(async () => (await b.$(missingLine)).isExisting(), 'missing-geometry finding on a blank line');
      // Draw on the map first: three clicks make a three-vertex line.
      await (await b.$(by('draw-toggle'))).click();
      const canvas = await b.$(`${by('map-form')} canvas`);
      for (const [x, y] of [[-80, 30], [0, -20], [70, 10]]) await canvas.click({ x, y });
      await (await b.$(by('draw-toggle'))).click();
      await until(async () => (await (await b.$(by('geometry-vertices'))).getValue()).split('\n').length === 3, 'three drawn vertices');
      // The live check (120 ms after the edit, before the autosave) clears it.
      await until(async () => !(await (await b.$(missingLine)).isExisting()), 'missing-geometry finding cleared by the drawn line');
      await s.screenshot('drawn-line');
    }
    // Then type the surveyed coordinates, which replace the sketch.
    await type(b, by('geometry-vertices'), rec.vertices.join('; '));
    await (await b.$(by('geometry-apply'))).click();
  }
  // Live romanisation fills 罗马字母拼写 from the name.
  await until(async () => (await (await b.$(by('field-roman'))).getValue()) !== '', 'romanisation suggested');
  await (await b.$(by('save-draft'))).click();
  await waitSaved(b);
  rec.id = await form.getAttribute('data-record-id');
  assert.equal(await (await b.$(by('form-status'))).getAttribute('class'), 'status-badge st-draft');
  await s.screenshot(`form-${rec.kind}`);
}

test('point, line and polygon records: create, list, map, reopen, refused completion', async () => {
  const s = await launch('records', { survey: surveyCopy('records') });
  const b = s.browser;
  try {
    await unlock(s);
    for (const rec of RECORDS) await newRecord(s, rec);

    // Each record is in the investigation list, found by its name.
    await (await b.$(by('nav-list'))).click();
    for (const rec of RECORDS) {
      await type(b, by('filter-query'), rec.name);
      await until(async () => (await (await b.$(by('list-count'))).getAttribute('data-total')) === '1', `list finds ${rec.name}`);
      const row = await b.$(`${by('list-row')}[data-id="${rec.id}"]`);
      await row.waitForExist({ timeout: 10000 });
      assert.match(await row.getText(), new RegExp(rec.name));
    }
    await s.screenshot('list-search');
    // Pinyin search finds the spring too (the store indexes the toneless key).
    await type(b, by('filter-query'), `heilongtan`);
    await until(async () => Number(await (await b.$(by('list-count'))).getAttribute('data-total')) >= 1, 'pinyin search');
    await type(b, by('filter-query'), '');

    // Each record is on the map, drawn by its geometry type.
    await (await b.$(by('nav-map'))).click();
    await until(() => b.execute(() => !!window.__toponymMaps?.main?.getSource('records')), 'map ready');
    const kinds = await until(
      () =>
        b.execute((ids) => {
          const m = window.__toponymMaps.main;
          const feats = m.querySourceFeatures('records');
          const found = {};
          for (const f of feats) if (ids.includes(f.properties.id)) found[f.properties.id] = f.geometry.type;
          return Object.keys(found).length === ids.length ? found : null;
        }, RECORDS.map((r) => r.id)),
      'records on the map',
    );
    assert.deepEqual(
      RECORDS.map((r) => kinds[r.id]),
      ['Point', 'LineString', 'Polygon'],
    );
    // Zoom to the records and photograph them.
    await b.execute(() => {
      window.__toponymMaps.main.fitBounds([117.05, 36.17, 117.14, 36.25], { animate: false });
    });
    await new Promise((r) => setTimeout(r, 800));
    await s.screenshot('map-records');

    // Clicking the line on the map opens its form: find a pixel on the line where it is
    // the topmost feature (the survey's own records may lie near it).
    const px = await b.execute((id) => {
      const m = window.__toponymMaps.main;
      const line = m.querySourceFeatures('records').find((f) => f.properties.id === id);
      const cs = line.geometry.coordinates;
      for (let i = 0; i + 1 < cs.length; i++) {
        for (const t of [0.5, 0.25, 0.75, 0.1, 0.9]) {
          const p = m.project([cs[i][0] + (cs[i + 1][0] - cs[i][0]) * t, cs[i][1] + (cs[i + 1][1] - cs[i][1]) * t]);
          const hit = m.queryRenderedFeatures(p, { layers: ['rec-point', 'rec-line', 'rec-fill'] })[0];
          if (hit && hit.properties.id === id) {
            const c = m.getCanvas();
            return { x: Math.round(p.x - c.clientWidth / 2), y: Math.round(p.y - c.clientHeight / 2) };
          }
        }
      }
      return null;
    }, RECORDS[1].id);
    assert.ok(px, 'a clickable pixel on the drawn line');
    const canvas = await b.$(`${by('map-main')} canvas`);
    await canvas.click({ x: px.x, y: px.y });
    const form = await b.$(by('form'));
    await form.waitForExist({ timeout: 20000 });
    assert.equal(await form.getAttribute('data-record-id'), RECORDS[1].id);

    // Reopen the polygon from the list: its values are intact.
    await (await b.$(by('nav-list'))).click();
    await type(b, by('filter-query'), RECORDS[2].name);
    const row = await b.$(`${by('list-row')}[data-id="${RECORDS[2].id}"]`);
    await row.waitForExist({ timeout: 10000 });
    await row.click();
    await (await b.$(`${by('form')}[data-record-id="${RECORDS[2].id}"]`)).waitForExist({ timeout: 20000 });
    assert.equal(await (await b.$(by('field-standard_name'))).getValue(), RECORDS[2].name);
    const verts = (await (await b.$(by('geometry-vertices'))).getValue()).split('\n');
    assert.deepEqual(verts, RECORDS[2].vertices);
    assert.notEqual(await (await b.$(by('field-roman'))).getValue(), '');
    await s.screenshot('reopened-polygon');

    // Drag the polygon's second vertex on the form's map: only that vertex moves, and
    // east/south as dragged.
    await until(() => b.execute(() => !!document.querySelector('.form-side [data-testid="map-form"][data-ready="1"]')), 'form map in place');
    const area = await b.$(by('geometry-vertices'));
    const before = (await area.getValue()).split('\n');
    const canvas2 = await b.$(`${by('map-form')} canvas`);
    await canvas2.scrollIntoView({ block: 'center' });
    const pt = await b.execute((v) => {
      const m = window.__toponymMaps.form;
      const p = m.project(v.split(',').map(Number));
      const c = m.getCanvas();
      return { x: Math.round(p.x - c.clientWidth / 2), y: Math.round(p.y - c.clientHeight / 2) };
    }, before[1]);
    await b
      .action('pointer')
      .move({ origin: canvas2, x: pt.x, y: pt.y })
      .down()
      .move({ origin: canvas2, x: pt.x + 15, y: pt.y + 10, duration: 100 })
      .move({ origin: canvas2, x: pt.x + 40, y: pt.y + 30, duration: 200 })
      .up()
      .perform();
    await until(async () => (await area.getValue()).split('\n')[1] !== before[1], 'the dragged vertex moved');
    const after = (await area.getValue()).split('\n');
    assert.equal(after.length, before.length);
    for (const i of [0, 2, 3]) assert.equal(after[i], before[i], `vertex ${i} stays`);
    const [x0, y0] = before[1].split(',').map(Number);
    const [x1, y1] = after[1].split(',').map(Number);
    assert.ok(x1 > x0 && y1 < y0, `moved east and south: ${before[1]} → ${after[1]}`);
    await s.screenshot('dragged-vertex');

    // Mark complete with required fields missing (e.g. 水面面积): refused, with findings.
    await (await b.$(by('mark-complete'))).click();
    const refused = await b.$(by('complete-refused'));
    await refused.waitForExist({ timeout: 20000 });
    assert.match(await refused.getText(), /不能标记完成/);
    const blockingFindings = await b.$$(`${by('finding')}[data-severity="ERROR"], ${by('finding')}[data-severity="BLOCKER"]`);
    assert.ok(blockingFindings.length > 0, 'blocking findings shown next to the fields');
    assert.equal(await (await b.$(by('form-status'))).getAttribute('class'), 'status-badge st-draft');
    await s.screenshot('complete-refused');
  } finally {
    await s.close();
  }
});
