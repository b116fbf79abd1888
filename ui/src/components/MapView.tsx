// The offline map: MapLibre GL bundled from npm, its worker served from the app itself,
// no glyphs or sprites (so no text labels on the map; names show in a tooltip instead),
// and sources that are all local: reference GeoJSON from the survey, the survey's records,
// and an optional local basemap file served through the app's `basemap://` scheme.
//
// When `editing` is given, the map also draws and edits that one geometry: clicks add
// vertices (a point template replaces its point), vertices can be dragged.
//
// Creating a MapLibre map (WebGL context, style, worker) costs far more than a frame, so
// each map id ('form', 'main') has ONE instance for the whole session: it is created once
// (for the form map ahead of time, while the surveyor looks at the home screen), moved
// into the screen that shows it, and parked off-screen when that screen closes. The event
// handlers are registered once and read the current screen's props through `ctx`.
//
// This module (with MapLibre, about 1 MB of script) is loaded lazily through `./map`, so
// the unlock screen never waits for it.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { GeoJSONSource, MapMouseEvent, MapLayerMouseEvent } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Protocol } from 'pmtiles';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BasemapDto, MapLayers } from '../api';
import { geometryOf, verticesOf, type Editing, type GeomKind } from './geom';
import { t } from '../i18n';
import { mark } from '../perf';

maplibregl.setWorkerUrl(new URL(workerUrl, location.href).href);
const pmtiles = new Protocol();
maplibregl.addProtocol('pmtiles', pmtiles.tile);

declare global {
  interface Window {
    __toponymMaps: Record<string, maplibregl.Map>;
  }
}
window.__toponymMaps = window.__toponymMaps || {};

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

function editFeatures(kind: GeomKind, v: [number, number][]): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = v.map((c, i) => ({
    type: 'Feature',
    properties: { i },
    geometry: { type: 'Point', coordinates: c },
  }));
  if (kind === 'line' && v.length >= 2)
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: v } });
  if (kind === 'polygon' && v.length >= 2)
    features.push({
      type: 'Feature',
      properties: {},
      geometry: v.length >= 3 ? { type: 'Polygon', coordinates: [[...v, v[0]]] } : { type: 'LineString', coordinates: v },
    });
  return { type: 'FeatureCollection', features };
}

interface Tip {
  x: number;
  y: number;
  text: string;
}

/** What the handlers of a pooled map read: the props of the screen showing it now. */
interface Ctx {
  editing?: Editing;
  drawing: boolean;
  onFeatureClick?: (id: string) => void;
  verts: [number, number][];
  setTip: (t: Tip | null) => void;
}

interface Inst {
  map: maplibregl.Map;
  el: HTMLDivElement;
  ctx: Ctx;
  ready: boolean;
  waiters: Set<() => void>;
  // What was last pushed into the sources, so a reused map skips re-parsing the same data.
  layers: MapLayers | null;
  records: GeoJSON.FeatureCollection | null | undefined;
  basemap: string | null;
}

const pool: Record<string, Inst> = {};
let parking: HTMLDivElement | null = null;

/** An off-screen holder with the form map's size, where unused maps wait. */
function parkingLot(): HTMLDivElement {
  if (!parking) {
    parking = document.createElement('div');
    parking.setAttribute('aria-hidden', 'true');
    // The size of the form's map (side column 460 px minus the card's padding and border),
    // so moving the map into the form needs no resize, which reallocates the WebGL buffer.
    parking.style.cssText = 'position:fixed;left:-10000px;top:0;width:430px;height:320px;visibility:hidden;';
    document.body.appendChild(parking);
  }
  return parking;
}

function pushEdit(inst: Inst) {
  const e = inst.ctx.editing;
  const src = inst.map.getSource('edit') as GeoJSONSource | undefined;
  src?.setData(e ? editFeatures(e.kind, inst.ctx.verts) : EMPTY);
}

const REC_LAYERS = ['rec-point', 'rec-line', 'rec-fill'];

function createInst(id: string): Inst {
  mark(`map-create-${id}`);
  const el = document.createElement('div');
  el.className = 'map';
  el.dataset.testid = `map-${id}`;
  el.dataset.ready = '0';
  parkingLot().appendChild(el);
  const m = new maplibregl.Map({
    container: el,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#eef1ea' } }],
    },
    center: [117.1, 36.2],
    zoom: 8,
    attributionControl: false,
    doubleClickZoom: false,
  });
  const inst: Inst = {
    map: m,
    el,
    ctx: { drawing: false, verts: [], setTip: () => undefined },
    ready: false,
    waiters: new Set(),
    layers: null,
    records: undefined,
    basemap: null,
  };
  pool[id] = inst;
  m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  window.__toponymMaps[id] = m;
  m.on('load', () => {
    m.addSource('boundaries', { type: 'geojson', data: EMPTY });
    m.addSource('rivers', { type: 'geojson', data: EMPTY });
    m.addSource('records', { type: 'geojson', data: EMPTY });
    m.addSource('edit', { type: 'geojson', data: EMPTY });
    m.addLayer({
      id: 'boundary-line',
      type: 'line',
      source: 'boundaries',
      paint: {
        'line-color': ['match', ['get', 'level'], 'county', '#6b3fa0', '#9a86b8'],
        'line-width': ['match', ['get', 'level'], 'county', 2.5, 1.2],
        'line-dasharray': ['match', ['get', 'level'], 'county', ['literal', [1, 0]], ['literal', [3, 2]]],
      },
    });
    m.addLayer({ id: 'river-line', type: 'line', source: 'rivers', paint: { 'line-color': '#3b83c4', 'line-width': 3 } });
    m.addLayer({
      id: 'rec-fill',
      type: 'fill',
      source: 'records',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#e0873a', 'fill-opacity': 0.35, 'fill-outline-color': '#b0561a' },
    });
    m.addLayer({
      id: 'rec-line',
      type: 'line',
      source: 'records',
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: { 'line-color': '#c0392b', 'line-width': 3 },
    });
    m.addLayer({
      id: 'rec-point',
      type: 'circle',
      source: 'records',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-color': '#d35400', 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 },
    });
    m.addLayer({
      id: 'edit-fill',
      type: 'fill',
      source: 'edit',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#1abc9c', 'fill-opacity': 0.3 },
    });
    m.addLayer({
      id: 'edit-line',
      type: 'line',
      source: 'edit',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': '#16a085', 'line-width': 3 },
    });
    m.addLayer({
      id: 'edit-vertex',
      type: 'circle',
      source: 'edit',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-color': '#fff', 'circle-radius': 6, 'circle-stroke-color': '#16a085', 'circle-stroke-width': 3 },
    });
    inst.ready = true;
    el.dataset.ready = '1';
    mark(`map-loaded-${id}`);
    m.once('idle', () => mark(`map-idle-${id}`));
    inst.waiters.forEach((f) => f());
    inst.waiters.clear();
  });

  m.on('click', (e: MapMouseEvent) => {
    const ed = inst.ctx.editing;
    if (ed && inst.ctx.drawing) {
      const c: [number, number] = [e.lngLat.lng, e.lngLat.lat];
      inst.ctx.verts = ed.kind === 'point' ? [c] : [...inst.ctx.verts, c];
      pushEdit(inst);
      ed.onChange(geometryOf(ed.kind, inst.ctx.verts));
      return;
    }
    const hits = m.queryRenderedFeatures(e.point, { layers: REC_LAYERS.filter((l) => m.getLayer(l)) });
    const fid = hits[0]?.properties?.id;
    if (fid && inst.ctx.onFeatureClick) inst.ctx.onFeatureClick(String(fid));
  });
  m.on('mousemove', (e: MapMouseEvent) => {
    const hits = m.queryRenderedFeatures(e.point, { layers: REC_LAYERS.filter((l) => m.getLayer(l)) });
    const p = hits[0]?.properties;
    inst.ctx.setTip(p ? { x: e.point.x, y: e.point.y, text: String(p.name || p.template_id || '') } : null);
    m.getCanvas().style.cursor = p || inst.ctx.drawing ? 'pointer' : '';
  });

  // Vertex dragging: grab a vertex of the edited geometry and move it.
  let dragIndex: number | null = null;
  m.on('mousedown', 'edit-vertex', (e: MapLayerMouseEvent) => {
    const f = e.features?.[0];
    if (!f || !inst.ctx.editing) return;
    e.preventDefault();
    dragIndex = Number(f.properties?.i);
    m.dragPan.disable();
  });
  m.on('mousemove', (e: MapMouseEvent) => {
    if (dragIndex === null) return;
    inst.ctx.verts = inst.ctx.verts.map((v, i) => (i === dragIndex ? [e.lngLat.lng, e.lngLat.lat] : v));
    pushEdit(inst);
  });
  m.on('mouseup', () => {
    if (dragIndex === null) return;
    dragIndex = null;
    m.dragPan.enable();
    const ed = inst.ctx.editing;
    if (ed) ed.onChange(geometryOf(ed.kind, inst.ctx.verts));
  });
  return inst;
}

/**
 * Creates the map `id` ahead of time, off-screen, and loads the reference layers into it,
 * so its first screen opens at once: creating the map and tiling the layers' GeoJSON
 * (about 0.3 MB) cost a few hundred milliseconds that would otherwise follow the first form.
 */
export function prewarmMap(id: string, layers: Promise<MapLayers>) {
  const inst = pool[id] ?? createInst(id);
  layers.then(
    (l) => {
      const load = () => {
        if (inst.layers === l) return;
        (inst.map.getSource('boundaries') as GeoJSONSource).setData(l.boundaries);
        (inst.map.getSource('rivers') as GeoJSONSource).setData(l.rivers);
        inst.layers = l;
        mark(`map-layers-${id}`);
        inst.map.once('idle', () => mark(`map-layers-idle-${id}`));
        if (l.bbox) inst.map.fitBounds(l.bbox as [number, number, number, number], { padding: 20, animate: false });
      };
      if (inst.ready) load();
      else inst.waiters.add(load);
    },
    () => undefined,
  );
}

export function MapView(props: {
  id: string;
  layers: MapLayers | null;
  records: GeoJSON.FeatureCollection | null;
  basemap?: BasemapDto | null;
  editing?: Editing;
  highlight?: string | null;
  onFeatureClick?: (id: string) => void;
}) {
  const wrap = useRef<HTMLDivElement>(null);
  const inst = useRef<Inst | null>(null);
  // Ready = the map is in this screen and its style is loaded.
  const [ready, setReady] = useState(false);
  const [, setMountedState] = useState(false);
  const editingRef = useRef(props.editing);
  editingRef.current = props.editing;
  const clickRef = useRef(props.onFeatureClick);
  clickRef.current = props.onFeatureClick;
  const [drawing, setDrawing] = useState(false);
  const [tip, setTip] = useState<Tip | null>(null);
  const fitted = useRef(false);

  // The current props, for the pooled map's handlers (once the map is in this screen).
  const cur = inst.current;
  if (cur) {
    cur.ctx.editing = props.editing;
    cur.ctx.drawing = drawing;
    cur.ctx.onFeatureClick = props.onFeatureClick;
    cur.ctx.setTip = setTip;
  }

  useEffect(() => {
    const i = pool[props.id] ?? createInst(props.id);
    let mounted = false;
    let cancelled = false;
    // Moving the map's WebGL canvas into the page costs a heavy frame under software GL;
    // it is done after the screen around it has been painted, so the form (or the map
    // screen's tools) appears first and the map joins it a frame later. Preact may run
    // effects before the first paint on a slow frame, hence the explicit wait.
    const mount = () => {
      if (cancelled) return;
      mounted = true;
      inst.current = i;
      i.ctx = {
        editing: editingRef.current,
        drawing: false,
        onFeatureClick: clickRef.current,
        verts: verticesOf(editingRef.current?.geometry ?? null),
        setTip,
      };
      mark(`map-mount-${props.id}`);
      wrap.current?.prepend(i.el);
      const c = i.map.getCanvas();
      if (i.el.clientWidth !== c.clientWidth || i.el.clientHeight !== c.clientHeight) i.map.resize();
      if (i.ready) setReady(true);
      else i.waiters.add(() => setReady(true));
      setMountedState(true);
    };
    requestAnimationFrame(() => setTimeout(mount, 0));
    return () => {
      cancelled = true;
      if (!mounted) return;
      // Park the map for the next screen instead of destroying it.
      i.ctx = { drawing: false, verts: [], setTip: () => undefined };
      if (i.ready) pushEdit(i);
      parkingLot().appendChild(i.el);
    };
  }, []);

  useEffect(() => {
    const i = inst.current;
    if (!ready || !i || !props.layers) return;
    if (i.layers !== props.layers) {
      (i.map.getSource('boundaries') as GeoJSONSource).setData(props.layers.boundaries);
      (i.map.getSource('rivers') as GeoJSONSource).setData(props.layers.rivers);
      i.layers = props.layers;
    }
    if (!fitted.current && props.layers.bbox && !props.editing?.geometry) {
      const [w, s, e, n] = props.layers.bbox;
      i.map.fitBounds([w, s, e, n], { padding: 20, animate: false });
      fitted.current = true;
    }
  }, [ready, props.layers]);

  useEffect(() => {
    const i = inst.current;
    if (!ready || !i) return;
    if (i.records !== props.records) {
      (i.map.getSource('records') as GeoJSONSource).setData(props.records ?? EMPTY);
      i.records = props.records;
    }
    i.map.getCanvas().dataset.records = String(props.records?.features.length ?? 0);
  }, [ready, props.records]);

  // The record's geometry changed from outside (typed coordinates): show it.
  useEffect(() => {
    const i = inst.current;
    if (!ready || !i) return;
    i.ctx.verts = verticesOf(props.editing?.geometry ?? null);
    pushEdit(i);
    if (props.editing?.geometry && !fitted.current) {
      const vs = i.ctx.verts;
      const xs = vs.map((v) => v[0]);
      const ys = vs.map((v) => v[1]);
      const pad = 0.02;
      i.map.fitBounds(
        [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad],
        { animate: false, maxZoom: 13 },
      );
      fitted.current = true;
    }
  }, [ready, props.editing?.geometry]);

  useEffect(() => {
    const i = inst.current;
    const b = props.basemap;
    if (!ready || !i || !b || i.basemap === b.url) return;
    const m = i.map;
    if (m.getLayer('basemap')) m.removeLayer('basemap');
    if (m.getSource('basemap')) m.removeSource('basemap');
    // PMTiles: a TileJSON-like archive URL; MBTiles: a z/x/y tile template.
    const src =
      b.format === 'mbtiles'
        ? { type: 'raster', tiles: [b.url], tileSize: 256, minzoom: b.min_zoom, maxzoom: b.max_zoom, ...(b.bounds ? { bounds: b.bounds } : {}) }
        : { type: 'raster', url: b.url, tileSize: 256, minzoom: b.min_zoom, maxzoom: b.max_zoom };
    m.addSource('basemap', src as maplibregl.RasterSourceSpecification);
    m.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, 'boundary-line');
    i.basemap = b.url;
    m.getCanvas().dataset.basemap = b.url;
  }, [ready, props.basemap]);

  const ed = props.editing;
  const edit = (f: (i: Inst) => void) => inst.current && f(inst.current);
  return (
    <div class="mapwrap" ref={wrap}>
      {tip && (
        <div class="tip" style={{ left: tip.x + 12, top: tip.y + 12 }}>
          {tip.text}
        </div>
      )}
      {ed && (
        <div class="drawbar">
          <button
            data-testid="draw-toggle"
            class={drawing ? 'on' : ''}
            onClick={() =>
              edit((i) => {
                if (!drawing && ed.kind !== 'point') {
                  i.ctx.verts = [];
                  pushEdit(i);
                }
                i.ctx.drawing = !drawing;
                setDrawing(!drawing);
              })
            }
          >
            {drawing ? t('map.finish') : t('map.draw')} ({t(`geom.${ed.kind}`)})
          </button>
          <button
            data-testid="draw-undo"
            onClick={() =>
              edit((i) => {
                i.ctx.verts = i.ctx.verts.slice(0, -1);
                pushEdit(i);
                ed.onChange(geometryOf(ed.kind, i.ctx.verts));
              })
            }
          >
            {t('map.undo')}
          </button>
          <button
            data-testid="draw-clear"
            onClick={() =>
              edit((i) => {
                i.ctx.verts = [];
                pushEdit(i);
                ed.onChange(null);
              })
            }
          >
            {t('map.clear')}
          </button>
        </div>
      )}
    </div>
  );
}
