// Records every network request the page makes, so the offline end-to-end test can assert
// that nothing but the app's own origins (tauri://, ipc:, basemap:, data:, blob:) was
// requested. The CSP already forbids remote origins; this makes any attempt visible.
declare global {
  interface Window {
    __toponymNet: { urls: string[]; remote: string[] };
  }
}

const LOCAL = /^(tauri:|ipc:|asset:|basemap:|data:|blob:|about:|http:\/\/(ipc|asset|basemap|tauri)\.localhost)/;

export function recordNetworkAttempts() {
  const log = { urls: [] as string[], remote: [] as string[] };
  window.__toponymNet = log;
  const note = (url: string) => {
    log.urls.push(url);
    if (!LOCAL.test(url)) log.remote.push(url);
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) note(e.name);
    }).observe({ type: 'resource', buffered: true });
  } catch {
    /* PerformanceObserver missing: the wrappers below still record fetches */
  }
  const origFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    note(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return origFetch(input, init);
  };
  const origOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    note(String(url));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (origOpen as any).call(this, method, url, ...rest);
  } as typeof XMLHttpRequest.prototype.open;
}
