// One renderer for every field of every template: the form is generated from FieldSpec
// data, never written per template. Each kind maps to one small input component; list
// fields recurse into their item fields.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type FieldSpec, type FindingDto, type RefHit, type CatalogDto } from '../api';
import { pick, t, tm } from '../i18n';

export type Value = unknown;

export function label(f: FieldSpec) {
  return pick(f.label_zh, f.label_en);
}

/** The field key a finding path points at: `fields.aliases[2].name` → `aliases`. */
export function findingKey(path: string): string | null {
  const m = /^fields\.([A-Za-z0-9_]+)/.exec(path);
  if (m) return m[1];
  if (path === 'geometry' || path.startsWith('geometry')) return 'geometry';
  return null;
}

export function FindingList({ findings, testid }: { findings: FindingDto[]; testid?: string }) {
  if (!findings.length) return null;
  return (
    <ul class="findings" data-testid={testid}>
      {findings.map((f) => (
        <li
          class={`sev-${f.severity.toLowerCase()}${f.overridden ? ' overridden' : ''}`}
          data-testid="finding"
          data-code={f.message.code}
          data-severity={f.severity}
          data-path={f.path}
          data-overridden={f.overridden ? '1' : '0'}
        >
          <b>{f.severity}</b> {f.rule ? `${f.rule} ` : ''}
          {tm(f.message)}
          {f.overridden && (
            <span class="accepted-tag" title={`${f.overridden.reason} (${f.overridden.actor})`}>
              {' '}
              ✓ {t('override.accepted')}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * The words shown for a stored value that is an id: a category id (`water`) shows as the
 * category's name, a template id as the template's name, a workflow status as its label,
 * and the enum value `other` as 其他 / Other, in the chosen language. The stored value
 * stays the id.
 */
export function valueLabel(key: string, v: string, catalog: CatalogDto): string {
  if (key === 'category') {
    const c = catalog.categories.find((x) => x.id === v);
    if (c) return pick(c.name_zh, c.name_en);
  }
  if (key === 'template_id') {
    const tp = catalog.templates.find((x) => x.id === v);
    if (tp) return pick(tp.name_zh, tp.name_en);
  }
  if (key === 'workflow_status' && ['draft', 'complete', 'reviewed', 'returned'].includes(v)) return t(`status.${v}`);
  if (v === 'other') return t('form.other');
  return v;
}

function numText(v: Value): string {
  if (v === null || v === undefined) return '';
  return String(v);
}

/** Numbers are stored as numbers when they parse, otherwise as the typed text, so that
 * validation can report "not a number" next to the field instead of the value vanishing. */
function parseNum(kind: string, s: string): Value {
  const x = s.trim();
  if (x === '') return null;
  const n = Number(x);
  if (!Number.isFinite(n)) return x;
  if ((kind === 'int' || kind === 'year') && !Number.isInteger(n)) return x;
  return n;
}

export interface FieldProps {
  spec: FieldSpec;
  value: Value;
  onChange: (v: Value) => void;
  onCommit: () => void;
  catalog: CatalogDto;
  testid: string;
}

export function FieldInput(p: FieldProps) {
  const { spec, value, onChange, onCommit, testid } = p;
  const common = { 'data-testid': testid, 'data-key': spec.key, onBlur: onCommit, disabled: spec.readonly };
  switch (spec.kind) {
    case 'textarea':
      return <textarea {...common} rows={3} value={(value as string) ?? ''} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />;
    case 'int':
    case 'dec':
    case 'year':
      return (
        <input
          {...common}
          inputMode={spec.kind === 'dec' ? 'decimal' : 'numeric'}
          value={numText(value)}
          onInput={(e) => onChange(parseNum(spec.kind, (e.target as HTMLInputElement).value))}
        />
      );
    case 'bool':
      return (
        <select
          {...common}
          value={value === true ? 'true' : value === false ? 'false' : ''}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            onChange(v === '' ? null : v === 'true');
            onCommit();
          }}
        >
          <option value="">{t('form.none')}</option>
          <option value="true">{t('form.yes')}</option>
          <option value="false">{t('form.no')}</option>
        </select>
      );
    case 'enum':
      return (
        <select
          {...common}
          value={(value as string) ?? ''}
          onChange={(e) => {
            onChange((e.target as HTMLSelectElement).value || null);
            onCommit();
          }}
        >
          <option value="">{t('form.none')}</option>
          {spec.values.map((v) => (
            <option value={v}>{valueLabel(spec.key, v, p.catalog)}</option>
          ))}
        </select>
      );
    case 'const':
      return <input {...common} disabled value={numText(value ?? spec.values[0] ?? '')} />;
    case 'point':
      return <PointInput {...p} />;
    case 'ref':
      return <RefPicker {...p} />;
    case 'list':
    case 'admin_codes':
      return <ListInput {...p} />;
    case 'object':
      return <ObjectInput {...p} />;
    case 'file':
      return (
        <input
          data-testid={testid}
          data-key={spec.key}
          disabled
          value={value && typeof value === 'object' ? String((value as Record<string, unknown>).file_name ?? '') : ''}
        />
      );
    default:
      if (spec.readonly && typeof value === 'string' && valueLabel(spec.key, value, p.catalog) !== value) {
        // An id the surveyor does not type: show its name, keep the id for tests and tooltips.
        return <input {...common} value={valueLabel(spec.key, value, p.catalog)} data-value={value} title={value} />;
      }
      return (
        <input
          {...common}
          value={typeof value === 'string' || typeof value === 'number' ? String(value) : value == null ? '' : JSON.stringify(value)}
          onInput={(e) => onChange((e.target as HTMLInputElement).value)}
        />
      );
  }
}

function fmtPoint(v: Value): string {
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') {
    return `${v[0].toFixed(6)}, ${v[1].toFixed(6)}`;
  }
  return '';
}

/** Coordinates typed as decimal degrees or DMS; the core parses them (one parser for the
 * CLI and the app), and problems come back as findings shown under the input. */
function PointInput({ spec, value, onChange, onCommit, testid }: FieldProps) {
  const [text, setText] = useState(fmtPoint(value));
  const [problems, setProblems] = useState<FindingDto[]>([]);
  useEffect(() => setText(fmtPoint(value)), [JSON.stringify(value)]);
  const commit = async () => {
    if (text.trim() === '') {
      onChange(null);
      setProblems([]);
      onCommit();
      return;
    }
    const r = await api.parseCoords(text);
    setProblems(r.findings);
    if (r.lon_lat) {
      onChange(r.lon_lat);
      setText(fmtPoint(r.lon_lat));
    }
    onCommit();
  };
  return (
    <span class="point">
      <input
        data-testid={testid}
        data-key={spec.key}
        value={text}
        placeholder={t('form.coords_hint')}
        disabled={spec.readonly}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          }
        }}
      />
      <FindingList findings={problems} />
    </span>
  );
}

// Names of referenced records, remembered for the session so a picker shows a name, not a UUID.
const refNames = new Map<string, RefHit>();

export function RefPicker({ spec, value, onChange, onCommit, testid, catalog }: FieldProps) {
  const id = typeof value === 'string' ? value : null;
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<RefHit[]>([]);
  const [, force] = useState(0);
  useEffect(() => {
    if (id && !refNames.has(id)) {
      api.refLookup([id]).then((hs) => {
        hs.forEach((h) => refNames.set(h.id, h));
        force((n) => n + 1);
      });
    }
  }, [id]);
  useEffect(() => {
    if (!query.trim()) {
      setHits([]);
      return;
    }
    const h = setTimeout(() => api.refSearch(query, spec.ref_templates).then(setHits), 200);
    return () => clearTimeout(h);
  }, [query]);
  const chosen = id ? refNames.get(id) : null;
  return (
    <span class="ref" data-testid={testid} data-key={spec.key}>
      {id && (
        <span class="chip" data-testid={`${testid}-chosen`}>
          {chosen ? chosen.name : id.slice(0, 8)}
          <button
            type="button"
            onClick={() => {
              onChange(null);
              onCommit();
            }}
          >
            ×
          </button>
        </span>
      )}
      <input
        data-testid={`${testid}-search`}
        placeholder={t('form.ref_search')}
        value={query}
        disabled={spec.readonly}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
      />
      {hits.length > 0 && (
        <ul class="hits">
          {hits.map((h) => (
            <li
              data-testid="ref-hit"
              onClick={() => {
                refNames.set(h.id, h);
                onChange(h.id);
                setQuery('');
                setHits([]);
                onCommit();
              }}
            >
              {h.name} <small>{valueLabel('template_id', h.template_id, catalog)}</small>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}

/** Lists (aliases, former names, sources, admin codes, refs …) with add and remove. Items
 * are objects of the item fields, or plain values when the item has no sub-fields. */
function ListInput(p: FieldProps) {
  const { spec, value, onChange, onCommit, testid, catalog } = p;
  const items: Value[] = Array.isArray(value) ? value : [];
  const objectItems = spec.item.length > 0;
  const set = (i: number, v: Value) => onChange(items.map((x, j) => (j === i ? v : x)));
  const remove = (i: number) => {
    onChange(items.filter((_, j) => j !== i));
    onCommit();
  };
  const add = () => onChange([...items, objectItems ? {} : spec.kind === 'admin_codes' || !spec.ref_templates.length ? '' : null]);
  const leaf: FieldSpec = { ...spec, kind: spec.ref_templates.length ? 'ref' : 'text', item: [] };
  return (
    <div class="listfield" data-testid={testid} data-key={spec.key}>
      {items.map((item, i) => (
        <div class="item" data-testid={`${testid}-item`}>
          {objectItems ? (
            spec.item.map((sub) => (
              <label class="sub">
                <span>
                  {label(sub)}
                  {sub.required && <i class="req">*</i>}
                  {sub.unit && <small> ({sub.unit})</small>}
                </span>
                <FieldInput
                  spec={sub}
                  catalog={catalog}
                  testid={`${testid}-${i}-${sub.key}`}
                  value={(item as Record<string, Value>)?.[sub.key]}
                  onChange={(v) => set(i, { ...((item as Record<string, Value>) ?? {}), [sub.key]: v })}
                  onCommit={onCommit}
                />
              </label>
            ))
          ) : spec.kind === 'admin_codes' ? (
            <>
              <input
                data-testid={`${testid}-${i}`}
                list="township-codes"
                value={(item as string) ?? ''}
                onInput={(e) => set(i, (e.target as HTMLInputElement).value)}
                onBlur={onCommit}
              />
              <datalist id="township-codes">
                {catalog.townships.map((x) => (
                  <option value={x.code}>{x.name}</option>
                ))}
              </datalist>
            </>
          ) : (
            <FieldInput spec={leaf} catalog={catalog} testid={`${testid}-${i}`} value={item} onChange={(v) => set(i, v)} onCommit={onCommit} />
          )}
          <button type="button" class="remove" data-testid={`${testid}-remove-${i}`} onClick={() => remove(i)}>
            {t('form.remove')}
          </button>
        </div>
      ))}
      <button type="button" class="add" data-testid={`${testid}-add`} disabled={spec.readonly} onClick={add}>
        + {t('form.add')}
      </button>
    </div>
  );
}

/** A fixed set of named sub-fields (四至: east, west, south, north). */
function ObjectInput({ spec, value, onChange, onCommit, testid, catalog }: FieldProps) {
  const obj = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, Value>;
  return (
    <div class="objectfield" data-testid={testid} data-key={spec.key}>
      {spec.item.map((sub) => (
        <label class="sub">
          <span>{label(sub)}</span>
          <FieldInput
            spec={sub}
            catalog={catalog}
            testid={`${testid}-${sub.key}`}
            value={obj[sub.key]}
            onChange={(v) => {
              const next = { ...obj };
              if (v === null || v === '') delete next[sub.key];
              else next[sub.key] = v;
              onChange(Object.keys(next).length ? next : null);
            }}
            onCommit={onCommit}
          />
        </label>
      ))}
    </div>
  );
}

/** A text input that reports its value after the surveyor pauses, for live helpers. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value]);
  return v;
}
