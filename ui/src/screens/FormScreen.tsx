// The registration form of any template, generated from its FormSpec: common fields in
// census order, then the template's own. Every change is saved as a draft shortly after
// the surveyor stops typing (and at once when a field loses focus), so a crash loses at
// most the field being typed. "Mark complete" is refused by the core while an ERROR or
// BLOCKER finding is open; the refusal and the findings are shown next to the fields and,
// grouped by severity, in the findings panel, where a WARNING can be accepted with a
// reason (the override dialog). Opened from the quality screen, the form goes to the
// finding's field: scrolled to, highlighted and focused.
import { memo } from 'preact/compat';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  type CatalogDto,
  type ErrorDto,
  type FieldSpec,
  type FindingDto,
  type FormSpec,
  type GeometryDto,
  type HistoryEntry,
  type MapLayers,
  type MediaDto,
  type OverrideDto,
  type RecordDto,
  type ReviewDto,
  type RomanDto,
} from '../api';
import { FieldInput, FindingList, findingKey, label, useDebounced, type Value } from '../components/Fields';
import { FindingsPanel, OverrideDialog } from '../components/Findings';
import { MapView } from '../components/map';
import { geometryOf, verticesOf, type GeomKind } from '../components/geom';
import { lang, pick, t, te, tm } from '../i18n';
import { loadLayers } from './MapScreen';
import { mark, markPainted } from '../perf';
import { when } from './Returned';

const AUTOSAVE_MS = 400;
// Findings follow an edit sooner than the save does: the core checks the edited record
// (nothing is stored) this long after the last change.
const CHECK_MS = 120;

// Form specs do not change during a session: fetched once per template, and the request
// runs in parallel with the record's own.
const specCache = new Map<string, FormSpec>();
async function formSpecOf(templateId: string): Promise<FormSpec> {
  const hit = specCache.get(templateId);
  if (hit) return hit;
  const s = await api.formSpec(templateId);
  specCache.set(templateId, s);
  return s;
}

/** The template of a record id, when the list or map already knows it (saves a round trip). */
export const knownTemplate = new Map<string, string>();

/** The form spec of a template, cached for the session (also used by the review screen). */
export const formSpecFor = formSpecOf;

const NO_FINDINGS: FindingDto[] = [];

const findingId = (f: FindingDto) => `${f.rule ?? ''}|${f.path}|${f.message.code}`;

/**
 * The live checks of the form plus the quality rules' findings on the saved record (the
 * ones the quality screen lists), without duplicates; an accepted warning keeps its mark.
 */
function mergeFindings(live: FindingDto[], qa: FindingDto[]): FindingDto[] {
  if (!qa.length) return live;
  const seen = new Map(live.map((f) => [findingId(f), f]));
  const out = live.map((f) => {
    const q = f.overridden ? null : qa.find((x) => findingId(x) === findingId(f) && x.overridden);
    return q ? { ...f, overridden: q.overridden } : f;
  });
  for (const f of qa) if (!seen.has(findingId(f))) out.push(f);
  const rank: Record<string, number> = { BLOCKER: 0, ERROR: 1, WARNING: 2, INFO: 3 };
  return out.sort((a, b) => (rank[a.severity] ?? 9) - (rank[b.severity] ?? 9));
}

export function FormScreen(props: {
  catalog: CatalogDto;
  recordId: string | null;
  templateId: string | null;
  onBack: () => void;
  onOpen: (id: string) => void;
  /** A finding path to go to once the form is shown (from the quality screen). */
  focusPath?: string | null;
  /** The back button's label key (`form.back` by default). */
  backLabel?: string;
}) {
  const [spec, setSpec] = useState<FormSpec | null>(null);
  const [record, setRecord] = useState<RecordDto | null>(null);
  const [findings, setFindings] = useState<FindingDto[]>([]);
  const [error, setError] = useState<ErrorDto | null>(null);
  const [saveState, setSaveState] = useState<'saved' | 'saving' | 'dirty' | 'new'>('new');
  const [savedAt, setSavedAt] = useState<string>('');
  const [notice, setNotice] = useState<'refused' | 'completed' | null>(null);
  const [roman, setRoman] = useState<RomanDto | null>(null);
  const [layers, setLayers] = useState<MapLayers | null>(null);
  const [showHistory, setShowHistory] = useState(false);
  const [qaFindings, setQaFindings] = useState<FindingDto[]>([]);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [accepting, setAccepting] = useState<FindingDto | null>(null);
  // The reviewer's last return, shown while the record is returned: comments on the record
  // at the top, comments on fields next to the fields.
  const [review, setReview] = useState<ReviewDto | null>(null);

  // The latest record and a save queue: saves run one after another, the last one wins.
  const latest = useRef<RecordDto | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const dirty = useRef(false);
  const inFlight = useRef(0);
  // Live checks. `edits` counts the surveyor's changes; findings (from a check or a save)
  // are shown only if no change came after the state they were computed for.
  const checkTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const edits = useRef(0);

  // A layout effect, not an effect: the record is asked for in the same task as the click
  // that opened the form, instead of after a frame of "…" has been painted.
  useLayoutEffect(() => {
    (async () => {
      try {
        // The spec and the record are fetched together when the template is known.
        const tid = props.templateId ?? (props.recordId ? knownTemplate.get(props.recordId) : undefined);
        const [opened, early] = await Promise.all([
          props.recordId ? api.recordOpen(props.recordId) : api.recordNew(props.templateId ?? ''),
          tid ? formSpecOf(tid) : Promise.resolve(null),
        ]);
        mark('form-data');
        const s = early && early.template.id === opened.record.template_id ? early : await formSpecOf(opened.record.template_id);
        latest.current = opened.record;
        setSpec(s);
        setRecord(opened.record);
        setFindings(opened.findings);
        setSaveState(props.recordId ? 'saved' : 'new');
        markPainted('form-shown');
        if (props.recordId) refreshQa(props.recordId);
        if (props.recordId && opened.record.status === 'returned') api.recordReview(props.recordId).then(setReview, () => undefined);
      } catch (e) {
        setError(e as ErrorDto);
      }
    })();
    loadLayers().then(setLayers, () => undefined);
    return () => {
      // Leaving the form flushes a pending edit instead of dropping it.
      if (timer.current) clearTimeout(timer.current);
      if (checkTimer.current) clearTimeout(checkTimer.current);
      if (dirty.current && latest.current) api.recordSave(latest.current, false);
    };
  }, []);

  // The quality rules' findings of the saved record (a record not saved yet has none).
  const refreshQa = (id: string) => {
    api.recordQuality(id).then(setQaFindings, () => setQaFindings([]));
  };

  const save = (complete: boolean): Promise<unknown> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const rec = latest.current;
    if (!rec) return chain.current;
    const editsAtSave = edits.current;
    // "Save draft" clicked right after typing: the field's blur has already queued a save
    // of exactly this record, so a second one would only double the wait.
    if (!complete && !dirty.current && inFlight.current > 0) return chain.current;
    // The clock of the window benchmark starts here, at the click, not when the queue runs.
    mark('save-start');
    dirty.current = false;
    setSaveState('saving');
    inFlight.current += 1;
    chain.current = chain.current.then(async () => {
      try {
        const out = await api.recordSave(rec, complete);
        mark('save-data');
        // Findings of a record that has been edited since are stale; the live check of
        // the newer state shows the right ones.
        if (edits.current === editsAtSave) setFindings(out.findings);
        const next = { ...(latest.current ?? rec), status: out.status };
        latest.current = next;
        setRecord(next);
        setSaveState(dirty.current ? 'dirty' : 'saved');
        setSavedAt(new Date().toLocaleTimeString(lang.get() === 'zh' ? 'zh-CN' : 'en-GB'));
        if (complete) setNotice(out.refused ? 'refused' : 'completed');
        markPainted('save-shown');
        setError(null);
        refreshQa(rec.id);
      } catch (e) {
        setError(e as ErrorDto);
        setSaveState('dirty');
      } finally {
        inFlight.current -= 1;
      }
    });
    return chain.current;
  };

  // The field callbacks below are created once per form (they read refs), so memoised
  // field rows do not re-render when an unrelated field changes.
  const saveRef = useRef(save);
  saveRef.current = save;
  const update = useCallback((mut: (r: RecordDto) => RecordDto) => {
    const base = latest.current;
    if (!base) return;
    const next = mut(base);
    latest.current = next;
    edits.current += 1;
    setRecord(next);
    dirty.current = true;
    setSaveState('dirty');
    setNotice(null);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => saveRef.current(false), AUTOSAVE_MS);
    if (checkTimer.current) clearTimeout(checkTimer.current);
    checkTimer.current = setTimeout(() => {
      const rec = latest.current;
      if (!rec) return;
      const editsAtCheck = edits.current;
      api.recordCheck(rec).then(
        (f) => {
          if (edits.current === editsAtCheck) setFindings(f);
        },
        () => undefined,
      );
    }, CHECK_MS);
  }, []);
  const setField = useCallback(
    (key: string, v: Value) =>
      update((r) => {
        const fields = { ...r.fields };
        if (v === null || v === undefined || v === '') delete fields[key];
        else fields[key] = v;
        return { ...r, fields };
      }),
    [],
  );
  const flush = useCallback(() => {
    if (dirty.current) saveRef.current(false);
  }, []);

  // Live romanisation of the standard name, with the polyphone flag; an override keeps
  // the surveyor's spelling and asks for a reason.
  const name = (record?.fields.standard_name as string) ?? '';
  const debouncedName = useDebounced(name, 250);
  useEffect(() => {
    if (!record || !spec) return;
    if (!name.trim()) {
      setRoman(null);
      return;
    }
    const admin = Array.isArray(record.fields.admin_areas) ? String(record.fields.admin_areas[0] ?? '') || null : null;
    api.romanise(name, record.template_id, admin).then((r) => {
      setRoman(r);
      const f = latest.current?.fields;
      if (f && !f.roman_override && (f.roman !== r.roman || (f.roman_generic ?? '') !== r.roman_generic)) {
        update((rec) => ({ ...rec, fields: { ...rec.fields, roman: r.roman, ...(r.roman_generic ? { roman_generic: r.roman_generic } : {}) } }));
      }
    }, () => undefined);
  }, [debouncedName, spec]);

  // Benchmark mark: the form's DOM is built (layout and paint follow).
  const builtOnce = useRef(false);
  useLayoutEffect(() => {
    if (spec && record && !builtOnce.current) {
      builtOnce.current = true;
      mark('form-built');
    }
  });

  // Goes to a finding's field: highlighted, scrolled into view and focused (its first
  // input, or the row itself when the field is read-only).
  const gotoField = (path: string) => {
    const key = findingKey(path);
    setHighlight(key);
    if (!key) return;
    requestAnimationFrame(() => {
      const root = document.querySelector('[data-testid="form"]');
      const target =
        key === 'geometry' ? root?.querySelector<HTMLElement>('[data-testid="geometry-card"]') : root?.querySelector<HTMLElement>(`.field[data-field="${CSS.escape(key)}"]`);
      if (!target) return;
      target.scrollIntoView({ block: 'center' });
      const input = target.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])');
      (input ?? target).focus({ preventScroll: true });
    });
  };
  const focusedOnce = useRef(false);
  useEffect(() => {
    if (spec && record && props.focusPath && !focusedOnce.current) {
      focusedOnce.current = true;
      gotoField(props.focusPath);
    }
  }, [spec, record]);

  if (error && !record) return <p class="error" data-testid="form-error">{te(error)}</p>;
  if (!spec || !record) return <p class="loading">…</p>;

  const kind = spec.template.geometry as GeomKind;
  const shown = mergeFindings(findings, qaFindings);
  const byKey = new Map<string, FindingDto[]>();
  for (const f of shown) {
    const k = findingKey(f.path);
    if (k && (spec.fields.some((x) => x.key === k) || k === 'geometry')) byKey.set(k, [...(byKey.get(k) ?? []), f]);
  }
  const blocking = findings.filter((f) => f.blocking).length;
  const fieldLabel = (path: string) => {
    const k = findingKey(path);
    if (k === 'geometry') return t('form.geometry');
    const f = k ? spec.fields.find((x) => x.key === k) : undefined;
    return f ? label(f) : path || t('form.record_findings');
  };
  const accepted = (o: OverrideDto, target: FindingDto) => {
    const mark = (list: FindingDto[]) =>
      list.map((f) => (f.severity === 'WARNING' && f.rule === target.rule && f.path === target.path ? { ...f, overridden: o } : f));
    setFindings(mark);
    setQaFindings(mark);
    setAccepting(null);
    refreshQa(record.id);
  };

  const onGeometry = (g: GeometryDto | null) =>
    update((r) => {
      const fields = { ...r.fields };
      // For a point template the drawn point is also the representative point (定位点).
      if (kind === 'point') {
        if (g && g.type === 'Point') fields.rep_point = g.coordinates;
        else delete fields.rep_point;
      }
      return { ...r, geometry: g, fields };
    });

  const returned = review && review.verdict === 'return' && record.status === 'returned' ? review : null;
  const commentOn = new Map<string, string[]>();
  for (const c of returned?.comments ?? []) {
    const k = c.path ? findingKey(c.path) : null;
    if (k && spec.fields.some((x) => x.key === k)) commentOn.set(k, [...(commentOn.get(k) ?? []), c.text]);
  }
  const recordComments = (returned?.comments ?? []).filter((c) => {
    const k = c.path ? findingKey(c.path) : null;
    return !k || !commentOn.has(k);
  });

  const renderField = (f: FieldSpec) => {
    if (f.kind === 'media') return null;
    return (
      <FieldRow
        key={f.key}
        spec={f}
        value={record.fields[f.key]}
        findings={byKey.get(f.key) ?? NO_FINDINGS}
        catalog={props.catalog}
        pointKind={kind === 'point'}
        setField={setField}
        update={update}
        flush={flush}
        roman={f.key === 'roman' ? roman : undefined}
        overrideReason={f.key === 'roman' ? record.fields.roman_override : undefined}
        highlight={highlight === f.key}
        comments={commentOn.get(f.key)}
      />
    );
  };

  const tplName = pick(spec.template.name_zh, spec.template.name_en);
  return (
    <div class="form-screen" data-testid="form" data-record-id={record.id} data-template={record.template_id} data-status={record.status}>
      <div class="form-head card">
        <button onClick={props.onBack} data-testid="form-back">
          ← {t(props.backLabel ?? 'form.back')}
        </button>
        <h2>
          {(record.fields.standard_name as string) || '—'} <small>{tplName} · {t(`geom.${kind}`)}</small>
        </h2>
        <span class={`status-badge st-${record.status}`} data-testid="form-status">
          {t(`status.${record.status}`)}
        </span>
        <span class="spacer" />
        <span class="savestate" data-testid="save-state" data-state={saveState}>
          {saveState === 'saved' ? t('form.saved_at', { t: savedAt }) : saveState === 'saving' ? t('form.saving') : t('form.unsaved')}
        </span>
        <button data-testid="save-draft" onClick={() => save(false)}>
          {t('form.save_draft')}
        </button>
        <button class="primary" data-testid="mark-complete" onClick={() => save(true)}>
          {t('form.complete')}
        </button>
        <button data-testid="show-history" onClick={() => setShowHistory(!showHistory)}>
          {t('form.history')}
        </button>
      </div>
      {notice === 'refused' && (
        <p class="error" data-testid="complete-refused">
          {t('form.refused', { n: blocking })}
        </p>
      )}
      {notice === 'completed' && (
        <p class="ok" data-testid="complete-ok">
          {t('form.completed')}
        </p>
      )}
      {error && <p class="error">{te(error)}</p>}
      {returned && (
        <section class="card review-banner" data-testid="review-banner">
          <h3>{t('review.comments_title', { who: returned.reviewer, at: when(returned.at) })}</h3>
          {recordComments.length > 0 && (
            <ul class="review-comments" data-testid="review-record-comments">
              {recordComments.map((c) => (
                <li>
                  {c.path ? <code>{fieldLabel(c.path)}</code> : null} {c.text}
                </li>
              ))}
            </ul>
          )}
          {commentOn.size > 0 && (
            <ul class="review-comments">
              {[...commentOn.entries()].map(([k, texts]) => (
                <li>
                  <a href="#" onClick={(e) => (e.preventDefault(), gotoField(`fields.${k}`))}>
                    {fieldLabel(`fields.${k}`)}
                  </a>
                  ：{texts.join('；')}
                </li>
              ))}
            </ul>
          )}
          <p class="hint">{t('review.fix_hint')}</p>
        </section>
      )}
      <div class="form-body">
        <div class="form-fields" data-testid="form-fields">
          <FindingsPanel findings={shown} fieldLabel={fieldLabel} onGoto={(p) => gotoField(p)} onAccept={setAccepting} />
          {spec.groups.map((g) => {
            const fs = spec.fields.filter((f) => f.group === g.id);
            if (!fs.length) return null;
            return (
              <section class="card group" data-group={g.id}>
                <h3>{pick(g.name_zh, g.name_en)}</h3>
                {fs.map(renderField)}
              </section>
            );
          })}
        </div>
        <aside class="form-side">
          <section
            class={`card${highlight === 'geometry' ? ' highlight' : ''}`}
            data-testid="geometry-card"
            data-highlight={highlight === 'geometry' ? '1' : '0'}
            tabIndex={-1}
          >
            <h3>{t('form.geometry')}</h3>
            <MapView
              id="form"
              layers={layers}
              records={null}
              editing={{ kind, geometry: record.geometry, onChange: onGeometry }}
            />
            <VertexEditor kind={kind} geometry={record.geometry} onChange={onGeometry} />
            <FindingList findings={byKey.get('geometry') ?? []} testid="findings-geometry" />
          </section>
          <Photos recordId={record.id} ensureSaved={() => save(false)} />
          {showHistory && <History recordId={record.id} />}
        </aside>
      </div>
      {accepting && (
        <OverrideDialog
          recordId={record.id}
          finding={accepting}
          fieldLabel={fieldLabel(accepting.path)}
          beforeSubmit={() => save(false)}
          onDone={(o) => accepted(o, accepting)}
          onCancel={() => setAccepting(null)}
        />
      )}
    </div>
  );
}

interface FieldRowProps {
  spec: FieldSpec;
  value: Value;
  findings: FindingDto[];
  catalog: CatalogDto;
  pointKind: boolean;
  setField: (k: string, v: Value) => void;
  update: (mut: (r: RecordDto) => RecordDto) => void;
  flush: () => void;
  roman?: RomanDto | null;
  overrideReason?: Value;
  /** The field a finding pointed at (from the quality screen or the findings panel). */
  highlight?: boolean;
  /** The reviewer's comments on this field (a returned record). */
  comments?: string[];
}

/** Findings are new objects after every save; equal content means nothing to redraw. */
function sameFindings(a: FindingDto[], b: FindingDto[]) {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((f, i) => JSON.stringify(f) === JSON.stringify(b[i]));
}

/** One labelled field with its findings. Memoised: a keystroke in one field, or a save
 * that leaves a field's findings unchanged, does not re-render the other rows. */
const FieldRow = memo(
  function FieldRow(p: FieldRowProps) {
    const f = p.spec;
    const own = p.findings;
    return (
      <div
        class={`field kind-${f.kind}${own.some((x) => x.blocking) ? ' bad' : ''}${p.highlight ? ' highlight' : ''}`}
        data-field={f.key}
        data-highlight={p.highlight ? '1' : '0'}
        tabIndex={-1}
      >
        <label class="flabel" title={f.key}>
          {label(f)}
          {(f.required || f.required_if) && (
            <i class="req" title={f.required_if ?? t('form.required')}>
              *
            </i>
          )}
          {f.unit && <small class="unit"> ({f.unit})</small>}
        </label>
        <div class="finput">
          <FieldInput
            spec={f}
            value={p.value}
            catalog={p.catalog}
            testid={`field-${f.key}`}
            onChange={(v) => {
              if (f.key === 'rep_point' && p.pointKind) {
                p.update((r) => {
                  const fields = { ...r.fields };
                  if (v) fields.rep_point = v;
                  else delete fields.rep_point;
                  return { ...r, fields, geometry: Array.isArray(v) ? { type: 'Point', coordinates: v as [number, number] } : r.geometry };
                });
              } else p.setField(f.key, v);
            }}
            onCommit={p.flush}
          />
          {f.key === 'roman' && <RomanHelper roman={p.roman ?? null} roman_value={p.value} overrideReason={p.overrideReason} setField={p.setField} />}
          {f.unit && <span class="unit-after">{f.unit}</span>}
          <FindingList findings={own} testid={`findings-${f.key}`} />
          {p.comments?.map((c) => (
            <p class="review-comment" data-testid={`review-comment-${f.key}`}>
              <b>{t('review.comment')}：</b>
              {c}
            </p>
          ))}
        </div>
      </div>
    );
  },
  (a, b) =>
    a.spec === b.spec &&
    a.value === b.value &&
    a.catalog === b.catalog &&
    a.pointKind === b.pointKind &&
    a.roman === b.roman &&
    a.overrideReason === b.overrideReason &&
    a.highlight === b.highlight &&
    (a.comments ?? []).join('\n') === (b.comments ?? []).join('\n') &&
    sameFindings(a.findings, b.findings),
);

function RomanHelper({
  roman,
  roman_value,
  overrideReason,
  setField,
}: {
  roman: RomanDto | null;
  roman_value: Value;
  overrideReason: Value;
  setField: (k: string, v: Value) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const overridden = typeof overrideReason === 'string' && overrideReason !== '';
  return (
    <div class="roman-helper" data-testid="roman-helper">
      {roman && (
        <span class="suggest" data-testid="roman-suggestion">
          {t('form.roman_suggest')}: <b>{roman.roman}</b>
          {roman.polyphone && (
            <span class="polyphone" data-testid="polyphone-flag">
              {t('form.polyphone')}
            </span>
          )}
          {roman.notes.map((n) => (
            <small class="note">{tm(n)}</small>
          ))}
        </span>
      )}
      {overridden && !editing && (
        <span class="override-note" data-testid="roman-override-reason">
          {t('form.override_reason')}: {String(overrideReason)}{' '}
          <button type="button" onClick={() => setField('roman_override', null)}>
            {t('form.override_clear')}
          </button>
        </span>
      )}
      {!editing && (
        <button
          type="button"
          data-testid="roman-override"
          onClick={() => {
            setValue(String(roman_value ?? roman?.roman ?? ''));
            setEditing(true);
          }}
        >
          {t('form.override')}
        </button>
      )}
      {editing && (
        <div class="override">
          <input data-testid="roman-override-value" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
          <input
            data-testid="roman-override-reason-input"
            placeholder={t('form.override_reason')}
            value={reason}
            onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          />
          <button
            type="button"
            data-testid="roman-override-apply"
            disabled={!reason.trim() || !value.trim()}
            onClick={() => {
              setField('roman', value.trim());
              setField('roman_override', reason.trim());
              setEditing(false);
            }}
          >
            {t('form.override_apply')}
          </button>
        </div>
      )}
    </div>
  );
}

/** The edited geometry's vertices as text, one "lon, lat" per line, for typed input. */
function VertexEditor({ kind, geometry, onChange }: { kind: GeomKind; geometry: GeometryDto | null; onChange: (g: GeometryDto | null) => void }) {
  const fmt = (g: GeometryDto | null) =>
    verticesOf(g)
      .map((v) => `${v[0].toFixed(6)}, ${v[1].toFixed(6)}`)
      .join('\n');
  const [text, setText] = useState(fmt(geometry));
  useEffect(() => setText(fmt(geometry)), [JSON.stringify(geometry)]);
  return (
    <div class="vertices">
      <label>{t('map.vertices')}</label>
      <textarea data-testid="geometry-vertices" rows={4} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      <button
        type="button"
        data-testid="geometry-apply"
        onClick={() => {
          const vs: [number, number][] = [];
          // One vertex per line (or separated by semicolons), lon then lat.
          for (const line of text.split(/[;\n]+/)) {
            const m = line.split(/[,\s]+/).filter(Boolean).map(Number);
            if (m.length >= 2 && m.every(Number.isFinite)) vs.push([m[0], m[1]]);
          }
          onChange(geometryOf(kind, vs));
        }}
      >
        {t('map.apply_vertices')}
      </button>
    </div>
  );
}

function Photos({ recordId, ensureSaved }: { recordId: string; ensureSaved: () => Promise<unknown> }) {
  const [media, setMedia] = useState<MediaDto[]>([]);
  const [error, setError] = useState<ErrorDto | null>(null);
  useEffect(() => {
    api.mediaList(recordId).then(setMedia, () => undefined);
  }, [recordId]);
  const attach = async (files: FileList | null) => {
    if (!files) return;
    await ensureSaved();
    for (const file of Array.from(files)) {
      const buf = new Uint8Array(await file.arrayBuffer());
      let bin = '';
      for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
      try {
        const m = await api.mediaAttach(recordId, file.name, btoa(bin));
        setMedia((old) => [...old, m]);
        setError(null);
      } catch (e) {
        setError(e as ErrorDto);
      }
    }
  };
  return (
    <section class="card photos">
      <h3>{t('form.photos')}</h3>
      <div class="thumbs" data-testid="photos">
        {media.map((m) => (
          <figure>
            <img src={m.thumbnail} alt={m.file_name} data-testid="photo-thumb" />
            <figcaption>{m.file_name}</figcaption>
          </figure>
        ))}
      </div>
      <label class="attach">
        {t('form.attach')}
        <input type="file" accept="image/jpeg,image/png" multiple data-testid="photo-input" onChange={(e) => attach((e.target as HTMLInputElement).files)} />
      </label>
      {error && <p class="error">{te(error)}</p>}
    </section>
  );
}

function History({ recordId }: { recordId: string }) {
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  useEffect(() => {
    api.history(recordId).then(setEntries, () => setEntries([]));
  }, [recordId]);
  if (!entries) return null;
  return (
    <section class="card history" data-testid="history">
      <h3>{t('form.history')}</h3>
      {entries.length === 0 && <p>{t('history.empty')}</p>}
      <table>
        <thead>
          <tr>
            <th>{t('history.at')}</th>
            <th>{t('history.actor')}</th>
            <th>{t('history.action')}</th>
            <th>{t('history.changes')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr data-testid="history-entry">
              <td>{e.at.replace('T', ' ').replace(/\.\d+/, '')}</td>
              <td>{e.actor}</td>
              <td data-testid="history-action" data-action={e.action}>
                {t(`history.${e.action}`)}
              </td>
              <td>
                {e.changes.map((c) => (
                  <div class="change">
                    <code>{c.path}</code>: {short(c.before)} → {short(c.after)}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
