// The registrar's records returned for correction, first on the survey home: each with
// the reviewer, when, and the comments (on the record and on named fields).
import { useEffect, useState } from 'preact/hooks';
import { api, type CatalogDto, type ErrorDto, type ReturnedItemDto } from '../api';
import { pick, t, te } from '../i18n';

export function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString();
}

export function ReturnedPanel({ catalog, onOpen }: { catalog: CatalogDto; onOpen: (id: string) => void }) {
  const [items, setItems] = useState<ReturnedItemDto[] | null>(null);
  const [error, setError] = useState<ErrorDto | null>(null);
  useEffect(() => {
    api.returned(500).then(setItems, setError);
  }, []);
  if (error) return <p class="error">{te(error)}</p>;
  if (!items || !items.length) return null;
  const tplName = (id: string) => {
    const x = catalog.templates.find((c) => c.id === id);
    return x ? pick(x.name_zh, x.name_en) : id;
  };
  return (
    <section class="card returned" data-testid="returned">
      <h2>
        {t('returned.title')} <span class="count-badge">{items.length}</span>
      </h2>
      <ul class="returned-list">
        {items.map((r) => (
          <li data-testid="returned-item" data-record-id={r.record_id}>
            <div class="returned-head">
              <b>{r.name || '—'}</b> <small class="muted">{tplName(r.template_id)}</small>
              {r.review && (
                <small class="muted">
                  {' '}
                  · {t('review.returned_before', { who: r.review.reviewer, at: when(r.review.at) })}
                </small>
              )}
              <span class="spacer" />
              <button class="primary" data-testid="returned-open" onClick={() => onOpen(r.record_id)}>
                {t('returned.open')}
              </button>
            </div>
            {r.review && (
              <ul class="review-comments">
                {r.review.comments.map((c) => (
                  <li>
                    {c.path ? <code>{c.path.replace(/^fields\./, '')}</code> : null} {c.text}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
