// The reviewer's screen (专人审核): the queue of complete records (待审核) with their
// findings and the warnings their registrar accepted; opening one shows the record read-only
// with its findings, and two actions signed by the reviewer's key: accept (审核通过), or
// return (退回修改) with a comment on the record and comments on named fields. Refusals
// (e.g. review.own_record) are shown with the message catalogue's text.
import { useEffect, useState } from 'preact/hooks';
import { api, type CatalogDto, type ErrorDto, type FieldSpec, type FormSpec, type OpenedRecord, type QueueItemDto } from '../api';
import { FindingList, label, valueLabel } from '../components/Fields';
import { pick, t, te } from '../i18n';
import { formSpecFor } from './FormScreen';
import { when } from './Returned';

function shown(f: FieldSpec, v: unknown, catalog: CatalogDto): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'string') return valueLabel(f.key, v, catalog);
  if (typeof v === 'boolean') return v ? t('form.yes') : t('form.no');
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join('、');
  return JSON.stringify(v);
}

export function Review({ catalog }: { catalog: CatalogDto }) {
  const [queue, setQueue] = useState<QueueItemDto[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<ErrorDto | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const reload = () => api.reviewQueue(2000).then(setQueue, setError);
  useEffect(() => {
    reload();
  }, []);

  const tplName = (id: string) => {
    const x = catalog.templates.find((c) => c.id === id);
    return x ? pick(x.name_zh, x.name_en) : id;
  };
  const item = queue?.find((q) => q.record_id === open) ?? null;

  if (item) {
    return (
      <ReviewRecord
        key={item.record_id}
        catalog={catalog}
        item={item}
        onBack={() => setOpen(null)}
        onDone={(msg) => {
          setDone(msg);
          setOpen(null);
          reload();
        }}
      />
    );
  }
  return (
    <div class="review" data-testid="review-queue">
      <section class="card">
        <h2>{t('review.title')}</h2>
        {done && (
          <p class="ok" data-testid="review-done">
            {done}
          </p>
        )}
        {error && (
          <p class="error" data-code={error.code}>
            {te(error)}
          </p>
        )}
        {queue && <p class="muted">{t('review.count', { n: queue.length })}</p>}
        {queue && !queue.length && <p data-testid="review-empty">{t('review.empty')}</p>}
        {queue && queue.length > 0 && (
          <table class="grid queue">
            <thead>
              <tr>
                <th>{t('list.name')}</th>
                <th>{t('list.template')}</th>
                <th>{t('review.registrar')}</th>
                <th>{t('review.findings')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {queue.map((q) => {
                const sev = (s: string) => q.findings.filter((f) => f.severity === s).length;
                return (
                  <tr data-testid="queue-item" data-record-id={q.record_id}>
                    <td>
                      <a
                        href="#"
                        data-testid="queue-open"
                        onClick={(e) => {
                          e.preventDefault();
                          setDone(null);
                          setOpen(q.record_id);
                        }}
                      >
                        {q.name || '—'}
                      </a>
                      {q.last_review?.verdict === 'return' && (
                        <small class="muted"> · {t('review.returned_before', { who: q.last_review.reviewer, at: when(q.last_review.at) })}</small>
                      )}
                    </td>
                    <td>{tplName(q.template_id)}</td>
                    <td>{q.registrar ?? '—'}</td>
                    <td>
                      {!q.findings.length && !q.overrides.length && <span class="muted">—</span>}
                      {['ERROR', 'WARNING', 'INFO'].map((s) =>
                        sev(s) ? (
                          <span class={`sev-chip sev-${s.toLowerCase()}`}>
                            {s} {sev(s)}
                          </span>
                        ) : null,
                      )}
                      {q.overrides.length > 0 && (
                        <span class="sev-chip">
                          ✓ {t('review.overrides')} {q.overrides.length}
                        </span>
                      )}
                    </td>
                    <td>
                      <button data-testid="queue-review" onClick={() => (setDone(null), setOpen(q.record_id))}>
                        {t('nav.review')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

interface FieldComment {
  key: string;
  text: string;
}

function ReviewRecord({
  catalog,
  item,
  onBack,
  onDone,
}: {
  catalog: CatalogDto;
  item: QueueItemDto;
  onBack: () => void;
  onDone: (message: string) => void;
}) {
  const [spec, setSpec] = useState<FormSpec | null>(null);
  const [opened, setOpened] = useState<OpenedRecord | null>(null);
  const [error, setError] = useState<ErrorDto | null>(null);
  const [recordComment, setRecordComment] = useState('');
  const [fieldComments, setFieldComments] = useState<FieldComment[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([api.recordOpen(item.record_id), formSpecFor(item.template_id)]).then(([o, s]) => {
      setOpened(o);
      setSpec(s);
    }, setError);
  }, []);

  const fieldLabel = (key: string) => {
    const f = spec?.fields.find((x) => x.key === key);
    return f ? label(f) : key;
  };
  const act = async (f: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      onDone(message);
    } catch (e) {
      setError(e as ErrorDto);
      setBusy(false);
    }
  };
  const accept = () => act(() => api.reviewAccept([item.record_id], null), t('review.accepted', { name: item.name }));
  const giveBack = () =>
    act(
      () =>
        api.reviewReturn(item.record_id, [
          ...(recordComment.trim() ? [{ path: null, text: recordComment }] : []),
          ...fieldComments.filter((c) => c.key && c.text.trim()).map((c) => ({ path: `fields.${c.key}`, text: c.text })),
        ]),
      t('review.returned_ok', { name: item.name }),
    );
  const setComment = (i: number, c: Partial<FieldComment>) => {
    setError(null);
    setFieldComments((all) => all.map((x, j) => (j === i ? { ...x, ...c } : x)));
  };
  const fields = spec ? spec.fields.filter((f) => f.kind !== 'media') : [];

  return (
    <div class="review-record" data-testid="review-record" data-record-id={item.record_id}>
      <div class="form-head card">
        <button onClick={onBack} data-testid="review-back">
          ← {t('review.back')}
        </button>
        <h2>
          {item.name || '—'} <small>{spec ? pick(spec.template.name_zh, spec.template.name_en) : item.template_id}</small>
        </h2>
        <span class={`status-badge st-${opened?.record.status ?? 'complete'}`} data-testid="review-status">
          {t(`status.${opened?.record.status ?? 'complete'}`)}
        </span>
        <span class="spacer" />
        <button class="primary" data-testid="review-accept" disabled={busy} onClick={accept}>
          {busy ? t('review.busy') : t('review.accept')}
        </button>
      </div>
      {error && (
        <p class="error" data-testid="review-error" data-code={error.code}>
          {te(error)}
        </p>
      )}
      <div class="form-body">
        <div class="form-fields">
          <section class="card">
            <h3>{t('review.findings')}</h3>
            {item.findings.length ? <FindingList findings={item.findings} testid="review-findings" /> : <p class="muted">{t('review.no_findings')}</p>}
            {item.overrides.length > 0 && (
              <>
                <h4>{t('review.overrides')}</h4>
                <ul class="findings">
                  {item.overrides.map((o) => (
                    <li class="sev-warning overridden" data-testid="review-override">
                      <b>{o.rule}</b> {fieldLabel(o.path.replace(/^fields\./, ''))}：{o.accepted.reason}（{o.accepted.actor}）
                    </li>
                  ))}
                </ul>
              </>
            )}
            {item.last_review?.verdict === 'return' && (
              <p class="muted">
                {t('review.returned_before', { who: item.last_review.reviewer, at: when(item.last_review.at) })}：
                {item.last_review.comments.map((c) => (c.path ? `${fieldLabel(c.path.replace(/^fields\./, ''))}：${c.text}` : c.text)).join('；')}
              </p>
            )}
          </section>
          <section class="card">
            <h3>{t('review.record')}</h3>
            {opened && spec && (
              <table class="grid readonly-record" data-testid="review-fields">
                <tbody>
                  {fields.map((f) => {
                    const v = shown(f, opened.record.fields[f.key], catalog);
                    if (!v) return null;
                    return (
                      <tr data-field={f.key}>
                        <th>{label(f)}</th>
                        <td>{v}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
        </div>
        <aside class="form-side">
          <section class="card review-return" data-testid="review-return-card">
            <h3>{t('review.return')}</h3>
            <label>
              {t('review.comment_record')}
              <textarea data-testid="review-comment-record" rows={3} value={recordComment} onInput={(e) => (setError(null), setRecordComment((e.target as HTMLTextAreaElement).value))} />
            </label>
            <h4>{t('review.comment_fields')}</h4>
            {fieldComments.map((c, i) => (
              <div class="field-comment" data-testid="review-field-comment">
                <select data-testid="review-comment-field" value={c.key} onChange={(e) => setComment(i, { key: (e.target as HTMLSelectElement).value })}>
                  <option value="">{t('review.pick_field')}</option>
                  {fields.map((f) => (
                    <option value={f.key}>{label(f)}</option>
                  ))}
                </select>
                <textarea data-testid="review-comment-text" rows={2} value={c.text} onInput={(e) => setComment(i, { text: (e.target as HTMLTextAreaElement).value })} />
                <button type="button" onClick={() => setFieldComments((all) => all.filter((_, j) => j !== i))}>
                  {t('review.remove_comment')}
                </button>
              </div>
            ))}
            <p>
              <button type="button" data-testid="review-add-comment" onClick={() => setFieldComments((all) => [...all, { key: '', text: '' }])}>
                + {t('review.add_comment')}
              </button>
            </p>
            <button class="danger" data-testid="review-return" disabled={busy} onClick={giveBack}>
              {busy ? t('review.busy') : t('review.return')}
            </button>
          </section>
        </aside>
      </div>
    </div>
  );
}
