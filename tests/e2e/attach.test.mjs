// What a form links to, in the real window: a photo attached from disk shows as a
// thumbnail (a JPEG made for the test by GDAL), a reference to another record is picked by
// searching its name and survives reopening, the 大类 field shows the category's name
// (not its id), and a local MBTiles basemap (made by GDAL's MBTiles driver) is added on
// the map screen and serves its tiles, while a file that is not a basemap is refused
// with a bilingual reason. One app session, to keep the suite's CI time down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, by, launch, run, select, surveyCopy, type, unlock, until } from './lib.mjs';

const RUN = String(Date.now() % 100000);
const DIR = path.join(ARTIFACTS, 'attach', 'files');

/** A 640×480 three-colour JPEG and a 256×256 raster over Tai'an as MBTiles, via gdal-bin. */
function makeFiles() {
  fs.mkdirSync(DIR, { recursive: true });
  const tif = path.join(DIR, 'area.tif');
  const jpg = path.join(DIR, `photo-${RUN}.jpg`);
  const mbtiles = path.join(DIR, 'taian.mbtiles');
  for (const f of [tif, jpg, mbtiles]) fs.rmSync(f, { force: true });
  run('gdal_create', ['-of', 'GTiff', '-outsize', '256', '256', '-bands', '3', '-burn', '200', '-burn', '120', '-burn', '40',
    '-a_srs', 'EPSG:4326', '-a_ullr', '117.0', '36.3', '117.2', '36.1', tif]);
  run('gdal_translate', ['-q', '-of', 'MBTILES', '-co', 'TILE_FORMAT=PNG', tif, mbtiles]);
  const photoTif = path.join(DIR, 'photo.tif');
  fs.rmSync(photoTif, { force: true });
  run('gdal_create', ['-of', 'GTiff', '-outsize', '640', '480', '-bands', '3', '-burn', '40', '-burn', '110', '-burn', '180', photoTif]);
  run('gdal_translate', ['-q', '-of', 'JPEG', photoTif, jpg]);
  const notes = path.join(DIR, 'notes.mbtiles');
  fs.writeFileSync(notes, 'not a basemap\n'.repeat(100));
  return { jpg, mbtiles, notes };
}

async function waitSaved(b) {
  await until(async () => (await (await b.$(by('save-state'))).getAttribute('data-state')) === 'saved', 'draft saved', 20000);
}

async function newForm(b, template) {
  await (await b.$(by('nav-home'))).click();
  await select(b, by('new-template'), template);
  await (await b.$(by('new-record'))).click();
  const form = await b.$(`${by('form')}[data-template="${template}"]`);
  await form.waitForExist({ timeout: 20000 });
  return form.getAttribute('data-record-id');
}

test('photo thumbnail, reference by search, category name, MBTiles basemap', async () => {
  const files = makeFiles();
  const s = await launch('attach', { survey: surveyCopy('attach') });
  const b = s.browser;
  try {
    await unlock(s);

    // The record to refer to: a village committee with a name unique to this run.
    const committee = `卧龙峪村民委员会${RUN}`;
    const committeeId = await newForm(b, 'selfgov.village_committee');
    await type(b, by('field-standard_name'), committee);
    await (await b.$(by('save-draft'))).click();
    await waitSaved(b);

    // A village whose 所属村委会 is picked by searching the committee's name.
    const village = `卧龙峪${RUN}`;
    const villageId = await newForm(b, 'settlement.village');
    await type(b, by('field-standard_name'), village);
    // 大类 shows the category's Chinese name; the stored value stays the id.
    const cat = await b.$(by('field-category'));
    assert.equal(await cat.getValue(), 'settlement');
    assert.equal(await b.execute((e) => e.options[e.selectedIndex].text, cat), '居民点');
    await type(b, by('field-committee-search'), `卧龙峪村民`);
    const hit = await until(async () => {
      for (const h of await b.$$(by('ref-hit'))) if ((await h.getText()).includes(committee)) return h;
      return null;
    }, 'the committee among the search hits');
    await s.screenshot('ref-search');
    await hit.click();
    const chip = await b.$(by('field-committee-chosen'));
    await chip.waitForExist({ timeout: 10000 });
    assert.match(await chip.getText(), new RegExp(committee));

    // A photo attached from disk: a thumbnail appears under 照片.
    const input = await b.$(by('photo-input'));
    await input.waitForExist({ timeout: 10000 });
    await input.setValue(files.jpg);
    const thumb = await b.$(by('photo-thumb'));
    await thumb.waitForExist({ timeout: 20000 });
    await until(() => b.execute((e) => e.complete && e.naturalWidth > 0, thumb), 'thumbnail decoded');
    const size = await b.execute((e) => [e.naturalWidth, e.naturalHeight], thumb);
    assert.ok(size[0] > 0 && size[0] <= 640 && size[0] / size[1] > 1.2, `landscape thumbnail ${size}`);
    assert.equal(await (await b.$(`${by('photos')} figcaption`)).getText(), path.basename(files.jpg));
    await (await b.$(by('photos'))).scrollIntoView({ block: 'center' });
    await s.screenshot('photo-thumbnail');
    await (await b.$(by('save-draft'))).click();
    await waitSaved(b);

    // Reopen the village from the list: reference (by name) and photo are still there.
    await (await b.$(by('nav-list'))).click();
    await type(b, by('filter-query'), village);
    const row = await b.$(`${by('list-row')}[data-id="${villageId}"]`);
    await row.waitForExist({ timeout: 10000 });
    await row.click();
    await (await b.$(`${by('form')}[data-record-id="${villageId}"]`)).waitForExist({ timeout: 20000 });
    const chip2 = await b.$(by('field-committee-chosen'));
    await until(async () => (await chip2.getText()).includes(committee), 'reference shown by name after reopening');
    await (await b.$(by('photo-thumb'))).waitForExist({ timeout: 20000 });
    await s.screenshot('reopened-with-ref-and-photo');
    assert.notEqual(committeeId, villageId);

    // A file that is not a basemap is refused, with the reason in Chinese.
    await (await b.$(by('nav-map'))).click();
    await until(() => b.execute(() => !!window.__toponymMaps?.main?.getSource('records')), 'map ready');
    await type(b, by('basemap-path'), files.notes);
    await (await b.$(by('basemap-add'))).click();
    const err = await b.$(by('basemap-error'));
    await err.waitForExist({ timeout: 10000 });
    assert.equal(await err.getAttribute('data-code'), 'map.bad_basemap');
    assert.match(await err.getText(), /不是 MBTiles 或 PMTiles 文件/);
    await s.screenshot('basemap-refused');

    // The MBTiles file is added, and its tiles arrive through the app's basemap scheme.
    await type(b, by('basemap-path'), files.mbtiles);
    await (await b.$(by('basemap-add'))).click();
    const ok = await b.$(by('basemap-loaded'));
    await ok.waitForExist({ timeout: 10000 });
    assert.equal(await ok.getAttribute('data-format'), 'mbtiles');
    await b.execute(() => {
      window.__toponymMaps.main.fitBounds([117.0, 36.1, 117.2, 36.3], { animate: false });
    });
    await until(
      () => b.execute(() => !!window.__toponymMaps.main.getSource('basemap') && window.__toponymMaps.main.areTilesLoaded()),
      'basemap tiles loaded',
    );
    // One tile fetched the way the map fetches it: a PNG of the burnt-in colour's size.
    const tile = await b.execute(async () => {
      const m = window.__toponymMaps.main;
      const src = m.getStyle().sources.basemap;
      const url = src.tiles[0];
      const z = src.maxzoom;
      const n = 2 ** z;
      const x = Math.floor(((117.1 + 180) / 360) * n);
      const lat = (36.2 * Math.PI) / 180;
      const y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n);
      const r = await fetch(url.replace('{z}', z).replace('{x}', x).replace('{y}', y));
      const bytes = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get('content-type'), magic: Array.from(bytes.slice(1, 4)), n: bytes.length };
    });
    assert.equal(tile.status, 200);
    assert.equal(tile.type, 'image/png');
    assert.equal(String.fromCharCode(...tile.magic), 'PNG');
    await new Promise((r) => setTimeout(r, 500));
    await s.screenshot('basemap-mbtiles');

    // The English setting shows the English reason for the same bad file.
    await select(b, by('lang'), 'en');
    await (await b.$(by('nav-map'))).click();
    await type(b, by('basemap-path'), files.notes);
    await (await b.$(by('basemap-add'))).click();
    const errEn = await b.$(by('basemap-error'));
    await errEn.waitForExist({ timeout: 10000 });
    assert.match(await errEn.getText(), /neither an MBTiles nor a PMTiles file/);
  } finally {
    await s.close();
  }
});
