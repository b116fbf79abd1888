// The door to the map module. MapLibre is most of the UI's script (about 1 MB, plus its
// stylesheet); imported statically it would sit in front of the unlock screen, which needs
// none of it. Screens import the map from here instead: the module is fetched once, on
// its own chunk, as soon as the unlock screen has been painted (`loadMap`), so it is
// parsed while the surveyor types the passphrase and the key is derived, and the pooled
// form map can still be prepared off-screen before the first form opens.
import type { ComponentProps } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { MapLayers } from '../api';
import { mark } from '../perf';

type MapModule = typeof import('./MapView');

let loading: Promise<MapModule> | null = null;
let loaded: MapModule | null = null;

/** Starts loading the map module (once) and resolves with it. */
export function loadMap(): Promise<MapModule> {
  if (!loading) {
    mark('map-module-start');
    loading = import('./MapView').then((m) => {
      loaded = m;
      mark('map-module-loaded');
      return m;
    });
    // A failed load is retried by the next caller instead of being cached.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Creates the pooled map `id` ahead of time (see MapView's `prewarmMap`). */
export function prewarmMap(id: string, layers: Promise<MapLayers>) {
  loadMap().then(
    (m) => m.prewarmMap(id, layers),
    () => undefined,
  );
}

/**
 * The map, once its module is there: an empty map area until then (only when a screen
 * with a map opens before the module has loaded), then the pooled MapView.
 */
export function MapView(props: ComponentProps<MapModule['MapView']>) {
  const [mod, setMod] = useState<MapModule | null>(loaded);
  useEffect(() => {
    if (mod) return;
    let live = true;
    loadMap().then(
      (m) => live && setMod(m),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  if (!mod) return <div class="mapwrap" data-testid={`map-loading-${props.id}`} />;
  return <mod.MapView {...props} />;
}
