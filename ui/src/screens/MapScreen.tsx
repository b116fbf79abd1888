// The map screen: county and township boundaries, the Yellow River and the survey's records
// by geometry type; clicking a record opens its form. A local raster basemap file can be
// added (MBTiles or PMTiles, chosen with the native file dialog or typed); everything is
// served by the app itself.
import { useEffect, useState } from 'preact/hooks';
import { api, chooseFile, type BasemapDto, type CatalogDto, type ErrorDto, type MapLayers } from '../api';
import { MapView } from '../components/map';
import { t, te } from '../i18n';

// Layers and basemap are loaded once per session and shared by every map instance.
let layersCache: MapLayers | null = null;
export let basemapCache: BasemapDto | null = null;

export async function loadLayers(): Promise<MapLayers> {
  if (!layersCache) layersCache = await api.mapLayers();
  return layersCache;
}

export function resetMapCaches() {
  layersCache = null;
  basemapCache = null;
}

export function MapScreen({ onOpen }: { catalog: CatalogDto; onOpen: (id: string) => void }) {
  const [layers, setLayers] = useState<MapLayers | null>(layersCache);
  const [records, setRecords] = useState<GeoJSON.FeatureCollection | null>(null);
  const [basemap, setBasemap] = useState<BasemapDto | null>(basemapCache);
  const [path, setPath] = useState('');
  const [error, setError] = useState<ErrorDto | null>(null);
  const add = async (p: string) => {
    try {
      const b = await api.basemapAdd(p);
      basemapCache = b;
      setBasemap(b);
      setError(null);
    } catch (e) {
      setError(e as ErrorDto);
    }
  };
  useEffect(() => {
    loadLayers().then(setLayers, setError);
    api.mapRecords().then(setRecords, setError);
  }, []);
  return (
    <div class="mapscreen" data-testid="mapscreen">
      <div class="maptools card">
        <span class="hint">{t('map.layers')}</span>
        <span class="spacer" />
        <label>
          {t('map.basemap')}{' '}
          <input data-testid="basemap-path" value={path} onInput={(e) => setPath((e.target as HTMLInputElement).value)} />
        </label>
        <button
          data-testid="basemap-choose"
          onClick={async () => {
            try {
              const p = await chooseFile(t('map.basemap'), ['mbtiles', 'pmtiles']);
              if (p) {
                setPath(p);
                await add(p);
              }
            } catch (e) {
              setError(e as ErrorDto);
            }
          }}
        >
          {t('map.choose_file')}
        </button>
        <button data-testid="basemap-add" disabled={!path} onClick={() => add(path)}>
          {t('map.basemap_add')}
        </button>
      </div>
      {error && (
        <p class="error" data-testid="basemap-error" data-code={error.code}>
          {te(error)}
        </p>
      )}
      {basemap && !error && (
        <p class="ok" data-testid="basemap-loaded" data-format={basemap.format}>
          {t('map.basemap_loaded', { name: basemap.name })}
        </p>
      )}
      <MapView id="main" layers={layers} records={records} basemap={basemap} onFeatureClick={onOpen} />
    </div>
  );
}
