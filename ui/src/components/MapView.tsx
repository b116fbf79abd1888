// The offline map: MapLibre GL bundled from npm, its worker served from the app itself,
// no glyphs or sprites (so no text labels on the map; names show in a tooltip instead),
// and sources that are all local: reference GeoJSON from the survey, the survey's records,
// and an optional local basemap file served through the app's `basemap://` scheme.
//
// When `editing` is given, the map also draws and edits that one geometry: clicks add
// vertices (a point template replaces its point), vertices can be dragged.
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, MapMouseEvent, MapLayerMouseEvent } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Protocol } from 'pmtiles';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BasemapDto, GeometryDto, MapLayers } from '../api';
import { t } from '../i18n';

maplibregl.setWorkerUrl(new URL(workerUrl, location.href).href);
const pmtiles = new Protocol();
maplibregl.addProtocol('pmtiles', pmtiles.tile);

declare global {
  interface Window {
    __toponymMaps: Record<string, maplibregl.Map>;
  }
}
window.__toponymMaps = window.__toponymMaps || {};

export type GeomKind = 'point' | 'line' | 'polygon';

export interface Editing {
  kind: GeomKind;
  geometry: GeometryDto | null;
  onChange: (g: GeometryDto | null) => void;
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The vertices being edited, as a flat list, from whatever geometry the record holds. */
export function verticesOf(g: GeometryDto | null): [number, number][] {
  if (!g) return [];
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'LineString':
      return g.coordinates;
    case 'Polygon': {
      const ring = g.coordinates[0] ?? [];
      // Drop the closing vertex while editing; it is added back on output.
      return ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]
        ? ring.slice(0, -1)
        : ring;
    }
    case 'MultiLineString':
      return g.coordinates[0] ?? [];
    case 'MultiPolygon':
      return g.coordinates[0]?.[0]?.slice(0, -1) ?? [];
  }
}

/** Builds the record geometry of `kind` from edited vertices (null while too few). */
export function geometryOf(kind: GeomKind, v: [number, number][]): GeometryDto | null {
  if (kind === 'point') return v.length ? { type: 'Point', coordinates: v[v.length - 1] } : null;
  if (kind === 'line') return v.length >= 2 ? { type: 'LineString', coordinates: v } : null;
  return v.length >= 3 ? { type: 'Polygon', coordinates: [[...v, v[0]]] } : null;
}

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

export function MapView(props: {
  id: string;
  layers: MapLayers | null;
  records: GeoJSON.FeatureCollection | null;
  basemap?: BasemapDto | null;
  editing?: Editing;
  highlight?: string | null;
  onFeatureClick?: (id: string) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const [ready, setReady] = useState(false);
  const [drawing, setDrawing] = useState(false);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const verts = useRef<[number, number][]>(verticesOf(props.editing?.geometry ?? null));
  const editingRef = useRef(props.editing);
  editingRef.current = props.editing;
  const drawingRef = useRef(drawing);
  drawingRef.current = drawing;
  const clickRef = useRef(props.onFeatureClick);
  clickRef.current = props.onFeatureClick;
  const fitted = useRef(false);

  const pushEdit = () => {
    const e = editingRef.current;
    const m = map.current;
    if (!e || !m) return;
    (m.getSource('edit') as GeoJSONSource | undefined)?.setData(editFeatures(e.kind, verts.current));
  };

  useEffect(() => {
    if (!el.current) return;
    const m = new maplibregl.Map({
      container: el.current,
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
    m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.current = m;
    window.__toponymMaps[props.id] = m;
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
      setReady(true);
    });

    const recLayers = ['rec-point', 'rec-line', 'rec-fill'];
    m.on('click', (e: MapMouseEvent) => {
      const ed = editingRef.current;
      if (ed && drawingRef.current) {
        const c: [number, number] = [e.lngLat.lng, e.lngLat.lat];
        verts.current = ed.kind === 'point' ? [c] : [...verts.current, c];
        pushEdit();
        ed.onChange(geometryOf(ed.kind, verts.current));
        return;
      }
      const hits = m.queryRenderedFeatures(e.point, { layers: recLayers.filter((l) => m.getLayer(l)) });
      const id = hits[0]?.properties?.id;
      if (id && clickRef.current) clickRef.current(String(id));
    });
    m.on('mousemove', (e: MapMouseEvent) => {
      const hits = m.queryRenderedFeatures(e.point, { layers: recLayers.filter((l) => m.getLayer(l)) });
      const p = hits[0]?.properties;
      setTip(p ? { x: e.point.x, y: e.point.y, text: String(p.name || p.template_id || '') } : null);
      m.getCanvas().style.cursor = p || drawingRef.current ? 'pointer' : '';
    });

    // Vertex dragging: grab a vertex of the edited geometry and move it.
    let dragIndex: number | null = null;
    m.on('mousedown', 'edit-vertex', (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      if (!f || !editingRef.current) return;
      e.preventDefault();
      dragIndex = Number(f.properties?.i);
      m.dragPan.disable();
    });
    m.on('mousemove', (e: MapMouseEvent) => {
      if (dragIndex === null) return;
      verts.current = verts.current.map((v, i) => (i === dragIndex ? [e.lngLat.lng, e.lngLat.lat] : v));
      pushEdit();
    });
    m.on('mouseup', () => {
      if (dragIndex === null) return;
      dragIndex = null;
      m.dragPan.enable();
      const ed = editingRef.current;
      if (ed) ed.onChange(geometryOf(ed.kind, verts.current));
    });
    return () => {
      delete window.__toponymMaps[props.id];
      m.remove();
    };
  }, []);

  useEffect(() => {
    const m = map.current;
    if (!ready || !m || !props.layers) return;
    (m.getSource('boundaries') as GeoJSONSource).setData(props.layers.boundaries);
    (m.getSource('rivers') as GeoJSONSource).setData(props.layers.rivers);
    if (!fitted.current && props.layers.bbox && !props.editing?.geometry) {
      const [w, s, e, n] = props.layers.bbox;
      m.fitBounds([w, s, e, n], { padding: 20, animate: false });
      fitted.current = true;
    }
  }, [ready, props.layers]);

  useEffect(() => {
    const m = map.current;
    if (!ready || !m) return;
    (m.getSource('records') as GeoJSONSource).setData(props.records ?? EMPTY);
    m.getCanvas().dataset.records = String(props.records?.features.length ?? 0);
  }, [ready, props.records]);

  // The record's geometry changed from outside (typed coordinates): show it.
  useEffect(() => {
    if (!ready) return;
    verts.current = verticesOf(props.editing?.geometry ?? null);
    pushEdit();
    const m = map.current;
    if (m && props.editing?.geometry && !fitted.current) {
      const vs = verts.current;
      const xs = vs.map((v) => v[0]);
      const ys = vs.map((v) => v[1]);
      const pad = 0.02;
      m.fitBounds(
        [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad],
        { animate: false, maxZoom: 13 },
      );
      fitted.current = true;
    }
  }, [ready, props.editing?.geometry]);

  useEffect(() => {
    const m = map.current;
    const b = props.basemap;
    if (!ready || !m || !b) return;
    if (m.getLayer('basemap')) m.removeLayer('basemap');
    if (m.getSource('basemap')) m.removeSource('basemap');
    m.addSource('basemap', {
      type: 'raster',
      url: b.url,
      tileSize: 256,
      minzoom: b.min_zoom,
      maxzoom: b.max_zoom,
    } as maplibregl.RasterSourceSpecification);
    m.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, 'boundary-line');
  }, [ready, props.basemap]);

  const ed = props.editing;
  return (
    <div class="mapwrap">
      <div class="map" ref={el} data-testid={`map-${props.id}`} data-ready={ready ? '1' : '0'} />
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
            onClick={() => {
              if (!drawing && ed.kind !== 'point') {
                verts.current = [];
                pushEdit();
              }
              setDrawing(!drawing);
            }}
          >
            {drawing ? t('map.finish') : t('map.draw')} ({t(`geom.${ed.kind}`)})
          </button>
          <button
            data-testid="draw-undo"
            onClick={() => {
              verts.current = verts.current.slice(0, -1);
              pushEdit();
              ed.onChange(geometryOf(ed.kind, verts.current));
            }}
          >
            {t('map.undo')}
          </button>
          <button
            data-testid="draw-clear"
            onClick={() => {
              verts.current = [];
              pushEdit();
              ed.onChange(null);
            }}
          >
            {t('map.clear')}
          </button>
        </div>
      )}
    </div>
  );
}
