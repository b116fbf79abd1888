// The geometry a form edits on its map, as plain functions with no map library, so the
// form can use them before (or without) the lazily loaded map module.
import type { GeometryDto } from '../api';

export type GeomKind = 'point' | 'line' | 'polygon';

export interface Editing {
  kind: GeomKind;
  geometry: GeometryDto | null;
  onChange: (g: GeometryDto | null) => void;
}

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
