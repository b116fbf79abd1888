// The registrar's records returned for correction, first on the survey home: each with
// the reviewer, when, and the comments (on the record and on named fields).
import { useEffect, useState } from 'preact/hooks';
import { api, type CatalogDto, type ErrorDto, type FormSpec, type ReturnedItemDto } from '../api';
import { label } from '../components/Fields';
import { pick, t, te } from '../i18n';

export function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString();
}

export function ReturnedPanel({ catalog, onOpen }: { catalog: CatalogDto; onOpen: (id: string) => void }) {
  const [items, setItems] = useState<ReturnedItemDto[] | null>(null);
  const [error, setError] = useState<ErrorDto | null>(null);
  // The form specs of the returned records' templates, for the commented fields' labels.
  const [specs, setSpecs] = useState<Map<string, FormSpec>>(new Map());
  useEffect(() => {
    api.returned(500).then(async (list) => {
      setItems(list);
      const ids = [...new Set(list.map((r) => r.template_id))];
      const got = await Promise.all(ids.map((id) => api.formSpec(id).catch(() => null)));
      setSpecs(new Map(got.filter((x): x is FormSpec => !!x).map((x) => [x.template.id, x])));
    }, setError);
  }, []);
  const fieldLabel = (templateId: string, path: string) => {
    const key = path.replace(/^fields\./, '').replace(/[.[].*$/, '');
    const f = specs.get(templateId)?.fields.find((x) => x.key === key);
    return f ? label(f) : path === 'geometry' ? t('form.geometry') : key;
  };
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
                    {c.path ? <b>{fieldLabel(r.template_id, c.path)}：</b> : null}
                    {c.text}
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
