// Timing marks for the window-level benchmark (tests/e2e/bench.mjs): the UI notes when
// the unlock screen, the home, a form and a save finished rendering, in ms since the
// page's time origin. Cheap enough to leave on.
declare global {
  interface Window {
    __toponymPerf: Record<string, number[]>;
  }
}
window.__toponymPerf = window.__toponymPerf || {};

/** Notes `name` now. */
export function mark(name: string) {
  (window.__toponymPerf[name] ||= []).push(performance.now());
}

/** Notes `name` after the browser has painted the current render. */
export function markPainted(name: string) {
  requestAnimationFrame(() => setTimeout(() => mark(name), 0));
}
