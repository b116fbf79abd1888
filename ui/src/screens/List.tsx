// Investigation list (地名调查目录): filters, search by Chinese name or pinyin, and a
// virtualised list. Only the rows in view (plus a margin) exist in the DOM, and rows are
// fetched from the store a page at a time, so 100 000 entries scroll as smoothly as 100.
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type CatalogDto, type EntryStatus, type ListFilter, type ListRow } from '../api';
import { pick, t } from '../i18n';
import { STATUSES, STATUS_COLOURS } from './Home';
import { knownTemplate } from './FormScreen';

const ROW_H = 34;
const PAGE = 200;

// The filter survives leaving and re-entering the list within a session.
let lastFilter: ListFilter = { category: null, template_id: null, township: null, status: null, query: null };

export function List({ catalog, onOpen }: { catalog: CatalogDto; onOpen: (id: string) => void }) {
  const [filter, setFilter] = useState<ListFilter>(lastFilter);
  const [query, setQuery] = useState(lastFilter.query ?? '');
  const [total, setTotal] = useState(0);
  const [pages, setPages] = useState<Map<number, ListRow[]>>(new Map());
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const box = useRef<HTMLDivElement>(null);
  const loading = useRef(new Set<number>());
  const generation = useRef(0);

  useEffect(() => {
    lastFilter = filter;
  }, [filter]);

  // Search is debounced so typing a name does not fire one query per keystroke.
  useEffect(() => {
    const h = setTimeout(() => setFilter((f) => ({ ...f, query: query.trim() || null })), 200);
    return () => clearTimeout(h);
  }, [query]);

  const loadPage = (p: number, gen: number, f: ListFilter) => {
    if (loading.current.has(p)) return;
    loading.current.add(p);
    api.listEntries(f, p * PAGE, PAGE).then(
      (page) => {
        if (gen !== generation.current) return;
        setTotal(page.total);
        setPages((old) => new Map(old).set(p, page.rows));
      },
      () => loading.current.delete(p),
    );
  };

  useEffect(() => {
    generation.current += 1;
    loading.current = new Set();
    setPages(new Map());
    if (box.current) box.current.scrollTop = 0;
    setScrollTop(0);
    loadPage(0, generation.current, filter);
  }, [filter]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - 10);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_H) + 10);
  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(Math.max(first, last - 1) / PAGE); p++) {
      if (!pages.has(p)) loadPage(p, generation.current, filter);
    }
  }, [first, last, pages, filter]);

  const templates = useMemo(
    () => catalog.templates.filter((x) => !filter.category || x.category === filter.category),
    [catalog, filter.category],
  );
  const tplName = (id: string) => {
    const x = catalog.templates.find((x) => x.id === id);
    return x ? pick(x.name_zh, x.name_en) : id;
  };
  const townName = (code: string | null) => catalog.townships.find((x) => x.code === code)?.name ?? code ?? '';
  const set = (k: keyof ListFilter) => (e: Event) => {
    const v = (e.target as HTMLSelectElement).value || null;
    setFilter((f) => ({ ...f, [k]: v, ...(k === 'category' ? { template_id: null } : {}) }));
  };

  const rows: JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    const page = pages.get(Math.floor(i / PAGE));
    const r = page?.[i % PAGE];
    rows.push(
      r ? (
        <div
          class="row"
          style={{ top: i * ROW_H }}
          data-testid="list-row"
          data-id={r.id}
          data-template={r.template_id}
          onClick={() => {
            knownTemplate.set(r.id, r.template_id);
            onOpen(r.id);
          }}
        >
          <span class="name">{r.name || '—'}</span>
          <span class="roman">{r.roman}</span>
          <span class="tpl">{tplName(r.template_id)}</span>
          <span class="town">{townName(r.township)}</span>
          <span class="status">
            <i style={{ background: STATUS_COLOURS[r.status] }} />
            {t(`status.${r.status}`)}
          </span>
        </div>
      ) : (
        <div class="row placeholder" style={{ top: i * ROW_H }} />
      ),
    );
  }

  return (
    <div class="list" data-testid="list">
      <div class="filters card">
        <select data-testid="filter-category" value={filter.category ?? ''} onChange={set('category')}>
          <option value="">{t('list.category')}: {t('list.any')}</option>
          {catalog.categories.map((c) => (
            <option value={c.id}>{pick(c.name_zh, c.name_en)}</option>
          ))}
        </select>
        <select data-testid="filter-template" value={filter.template_id ?? ''} onChange={set('template_id')}>
          <option value="">{t('list.template')}: {t('list.any')}</option>
          {templates.map((x) => (
            <option value={x.id}>{pick(x.name_zh, x.name_en)}</option>
          ))}
        </select>
        <select data-testid="filter-township" value={filter.township ?? ''} onChange={set('township')}>
          <option value="">{t('list.township')}: {t('list.any')}</option>
          {catalog.townships.map((x) => (
            <option value={x.code}>{x.name}</option>
          ))}
        </select>
        <select data-testid="filter-status" value={filter.status ?? ''} onChange={set('status')}>
          <option value="">{t('list.status')}: {t('list.any')}</option>
          {STATUSES.map((s) => (
            <option value={s}>{t(`status.${s as EntryStatus}`)}</option>
          ))}
        </select>
        <input
          data-testid="filter-query"
          type="search"
          placeholder={t('list.search')}
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
        <span class="count" data-testid="list-count" data-total={total}>
          {t('list.count', { n: total })}
        </span>
      </div>
      <div class="vlist" ref={box} onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}>
        <div class="vlist-inner" style={{ height: total * ROW_H }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
