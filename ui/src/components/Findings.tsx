// Findings as the form and the quality screen show them: a severity badge, the mark of a
// warning the surveyor accepted with a reason, the form's findings panel grouped by
// severity, and the override dialog ("接受并说明理由"). Only a WARNING can be accepted;
// the core refuses anything else and checks the reason again.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, asError, type ErrorDto, type FindingDto, type OverrideDto, type MessageDto } from '../api';
import { t, tm } from '../i18n';

export const SEVERITIES = ['BLOCKER', 'ERROR', 'WARNING', 'INFO'] as const;

/** Mirrors `toponym_ops::overrides::MIN_REASON_CHARS`; the core checks it again. */
export const MIN_REASON_CHARS = 10;

/** Characters of a reason that count (white space does not), as the core counts them. */
export function reasonChars(s: string): number {
  let n = 0;
  for (const c of s) if (!/\s/u.test(c)) n += 1;
  return n;
}

/** A finding as both the form and the quality screen have it. */
export interface FindingLike {
  rule: string | null;
  severity: string;
  path: string;
  message: MessageDto;
  overridden: OverrideDto | null;
}

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <b class={`sev-badge sev-${severity.toLowerCase()}`} title={severity}>
      {t(`sev.${severity}`)}
    </b>
  );
}

function when(at: string) {
  return at.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/** "已说明理由接受: reason — who · when". */
export function OverrideMark({ o }: { o: OverrideDto }) {
  return (
    <span class="override-mark" data-testid="override-mark">
      <span class="accepted-tag">✓ {t('override.accepted')}</span> <q data-testid="override-reason-text">{o.reason}</q>{' '}
      <small data-testid="override-who">{t('override.by', { actor: o.actor, at: when(o.at) })}</small>
    </span>
  );
}

/**
 * The override dialog: the finding, a reason of at least MIN_REASON_CHARS characters,
 * confirm or cancel. `beforeSubmit` runs first (the form saves pending edits, so the core
 * judges the record as shown).
 */
export function OverrideDialog(props: {
  recordId: string;
  finding: FindingLike;
  fieldLabel: string;
  minChars?: number;
  beforeSubmit?: () => Promise<unknown>;
  onDone: (o: OverrideDto) => void;
  onCancel: () => void;
}) {
  const min = props.minChars ?? MIN_REASON_CHARS;
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorDto | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    area.current?.focus();
  }, []);
  const n = reasonChars(reason);
  const short = n < min;
  const submit = async () => {
    setTried(true);
    if (short || busy || !props.finding.rule) return;
    setBusy(true);
    setError(null);
    try {
      if (props.beforeSubmit) await props.beforeSubmit();
      const o = await api.findingOverride(props.recordId, props.finding.rule, props.finding.path, reason.trim());
      props.onDone(o);
    } catch (e) {
      setError(asError(e));
      setBusy(false);
    }
  };
  const errText = (e: ErrorDto) => {
    const key = `override.err.${e.code}`;
    const s = t(key, e.params);
    return s === key ? e.message : s;
  };
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && props.onCancel()}>
      <div
        class="modal card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="override-title"
        data-testid="override-dialog"
        onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
      >
        <h3 id="override-title">{t('override.title')}</h3>
        <p class="override-finding">
          <SeverityBadge severity={props.finding.severity} /> <b>{props.finding.rule}</b> · {props.fieldLabel}
          <br />
          {tm(props.finding.message)}
        </p>
        <p class="muted">{t('override.explain')}</p>
        <label class="override-reason">
          {t('override.reason')}
          <textarea
            ref={area}
            rows={4}
            data-testid="override-reason"
            placeholder={t('override.placeholder')}
            value={reason}
            onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
          />
        </label>
        {tried && short ? (
          <p class="error" data-testid="override-invalid">
            {t('override.too_short', { min, n })}
          </p>
        ) : (
          <p class="muted" data-testid="override-hint">
            {t('override.hint', { min, n })}
          </p>
        )}
        {error && (
          <p class="error" data-testid="override-error" data-code={error.code}>
            {errText(error)}
          </p>
        )}
        <div class="modal-buttons">
          <button type="button" data-testid="override-cancel" onClick={props.onCancel}>
            {t('override.cancel')}
          </button>
          <button type="button" class="primary" data-testid="override-confirm" disabled={busy} onClick={submit}>
            {busy ? t('override.saving') : t('override.confirm')}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * The form's findings panel: every finding of the record grouped by severity (BLOCKER,
 * ERROR, WARNING, INFO). A click on a finding goes to its field; a WARNING not yet
 * accepted has "接受并说明理由"; an accepted one stays listed, marked with reason and who.
 */
export function FindingsPanel(props: {
  findings: FindingDto[];
  fieldLabel: (path: string) => string;
  onGoto: (path: string) => void;
  onAccept: (f: FindingDto) => void;
}) {
  const { findings } = props;
  return (
    <section class="card findings-panel" data-testid="findings-panel">
      <h3>
        {t('findings.title')} <small class="muted">{t('findings.qa_note')}</small>
      </h3>
      {findings.length === 0 && <p class="muted">{t('findings.none')}</p>}
      {SEVERITIES.map((sev) => {
        const fs = findings.filter((f) => f.severity === sev);
        if (!fs.length) return null;
        return (
          <div class={`sev-group sev-group-${sev.toLowerCase()}`} data-testid="findings-group" data-severity={sev}>
            <h4>
              <SeverityBadge severity={sev} /> {fs.length}
            </h4>
            <ul class="findings">
              {fs.map((f) => (
                <li
                  class={`sev-${sev.toLowerCase()}${f.overridden ? ' overridden' : ''}`}
                  data-testid="panel-finding"
                  data-rule={f.rule ?? ''}
                  data-path={f.path}
                  data-severity={f.severity}
                  data-overridden={f.overridden ? '1' : '0'}
                >
                  <button type="button" class="linklike" data-testid="panel-goto" onClick={() => props.onGoto(f.path)}>
                    {f.rule ?? '—'} · {props.fieldLabel(f.path)}
                  </button>{' '}
                  {tm(f.message)}
                  {f.overridden && (
                    <div>
                      <OverrideMark o={f.overridden} />
                    </div>
                  )}
                  {sev === 'WARNING' && !f.overridden && f.rule && (
                    <div>
                      <button type="button" class="accept" data-testid="override-open" onClick={() => props.onAccept(f)}>
                        {t('override.accept')}
                      </button>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
