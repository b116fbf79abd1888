// Survey home: progress of the investigation list by category, template and status, with
// a stacked-bar chart drawn as plain SVG (no chart library, nothing to fetch).
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { api, type CatalogDto, type HomeSummary, type StatusCounts, type ErrorDto } from '../api';
import { pick, t, te } from '../i18n';
import { markPainted } from '../perf';
import { ReturnedPanel } from './Returned';

export const STATUSES = ['todo', 'draft', 'complete', 'reviewed', 'returned'] as const;
export const STATUS_COLOURS: Record<string, string> = {
  todo: '#c8ccd2',
  draft: '#f0b43c',
  complete: '#3c8fd8',
  reviewed: '#3aa35b',
  returned: '#d8453c',
};

function total(c: StatusCounts) {
  return c.todo + c.draft + c.complete + c.reviewed + c.returned;
}

function Bar({ counts, width }: { counts: StatusCounts; width: number }) {
  const n = total(counts) || 1;
  let x = 0;
  return (
    <svg width={width} height={16} class="bar">
      {STATUSES.map((s) => {
        const w = (counts[s] / n) * width;
        const r = <rect x={x} y={0} width={w} height={16} fill={STATUS_COLOURS[s]} />;
        x += w;
        return r;
      })}
    </svg>
  );
}

// The summary fetched with the catalogue right after unlocking, so the first home is
// rendered once, complete, instead of empty and then again a round trip later. Used once;
// later visits to the home ask again (saves change the progress).
let seed: HomeSummary | null = null;

export function seedHome(s: HomeSummary) {
  seed = s;
}

export function Home({
  catalog,
  onCreate,
  onQuality,
  onOpen,
}: {
  catalog: CatalogDto;
  onCreate: (templateId: string) => void;
  onQuality: () => void;
  onOpen: (id: string) => void;
}) {
  const [summary, setSummary] = useState<HomeSummary | null>(() => {
    const s = seed;
    seed = null;
    return s;
  });
  const [error, setError] = useState<ErrorDto | null>(null);
  const [tpl, setTpl] = useState('');
  // A layout effect runs before the first paint, so the mark lands right after it.
  useLayoutEffect(() => {
    if (summary) markPainted('home');
  }, []);
  useEffect(() => {
    if (summary) return;
    api.homeSummary().then((s) => {
      setSummary(s);
      markPainted('home');
    }, (e) => setError(e));
  }, []);
  const catName = (id: string) => {
    const c = catalog.categories.find((c) => c.id === id);
    return c ? pick(c.name_zh, c.name_en) : id;
  };
  const tplName = (id: string) => {
    const c = catalog.templates.find((c) => c.id === id);
    return c ? pick(c.name_zh, c.name_en) : id;
  };
  return (
    <div class="home" data-testid="home">
      <ReturnedPanel catalog={catalog} onOpen={onOpen} />
      <section class="card new-record">
        <h2>{t('home.new_record')}</h2>
        <select data-testid="new-template" value={tpl} onChange={(e) => setTpl((e.target as HTMLSelectElement).value)}>
          <option value="">{t('home.choose_template')}</option>
          {catalog.categories.map((c) => (
            <optgroup label={pick(c.name_zh, c.name_en)}>
              {catalog.templates
                .filter((x) => x.category === c.id)
                .map((x) => (
                  <option value={x.id}>
                    {pick(x.name_zh, x.name_en)} ({t(`geom.${x.geometry}`)}) · {x.id}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <button class="primary" data-testid="new-record" disabled={!tpl} onClick={() => onCreate(tpl)}>
          {t('home.new_record')}
        </button>
      </section>
      <section class="card quality-entry">
        <h2>{t('home.quality')}</h2>
        <span class="muted">{t('home.quality_hint')}</span>
        <button class="primary" data-testid="home-quality" onClick={onQuality}>
          {t('home.quality_open')}
        </button>
      </section>
      {error && <p class="error">{te(error)}</p>}
      {summary && (
        <>
          <section class="card">
            <h2>{t('home.title')}</h2>
            <p class="survey-path" data-testid="survey-path">{summary.survey.path}</p>
            <div class="totals" data-testid="totals">
              <div class="total">
                <b data-testid="total-entries">{total(summary.total)}</b>
                <span>{t('home.total')}</span>
              </div>
              {STATUSES.map((s) => (
                <div class="total" data-testid={`total-${s}`}>
                  <b style={{ color: STATUS_COLOURS[s] }}>{summary.total[s]}</b>
                  <span>{t(`status.${s}`)}</span>
                </div>
              ))}
            </div>
            <div class="legend">
              {STATUSES.map((s) => (
                <span>
                  <i style={{ background: STATUS_COLOURS[s] }} /> {t(`status.${s}`)}
                </span>
              ))}
            </div>
          </section>
          <section class="card">
            <h2>{t('home.by_category')}</h2>
            <table class="progress" data-testid="progress-chart">
              <tbody>
                {summary.categories.map((c) => (
                  <>
                    <tr class="cat">
                      <th>{catName(c.category)}</th>
                      <td class="num">{total(c.counts)}</td>
                      <td>
                        <Bar counts={c.counts} width={360} />
                      </td>
                    </tr>
                    {c.templates.map((tp) => (
                      <tr class="tpl">
                        <td class="indent">{tplName(tp.template_id)}</td>
                        <td class="num">{total(tp.counts)}</td>
                        <td>
                          <Bar counts={tp.counts} width={240} />{' '}
                          <span class="counts">
                            {STATUSES.filter((s) => tp.counts[s] > 0)
                              .map((s) => `${t(`status.${s}`)} ${tp.counts[s]}`)
                              .join(' · ')}
                          </span>
                        </td>
                      </tr>
                    ))}
                  </>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}
