// The survey-wide quality screen (质量检查): every quality rule up to the bundle stage over
// the whole survey, as `toponym qa` runs it. Findings grouped by rule or by township with
// counts per severity, a severity filter, and a click on a finding that opens the record's
// form at the finding's field. Warnings accepted with a reason stay listed, marked with the
// reason and who; record-stage warnings can be accepted here too. Below, the rules that
// could not check everything, and why.
import { useEffect, useState } from 'preact/hooks';
import {
  api,
  type CatalogDto,
  type ErrorDto,
  type OverrideDto,
  type QualityFindingDto,
  type QualityGroupDto,
  type QualityReportDto,
  type SeverityCountsDto,
} from '../api';
import { OverrideDialog, OverrideMark, SEVERITIES, SeverityBadge } from '../components/Findings';
import { knownTemplate } from './FormScreen';
import { pick, t, te, tm } from '../i18n';

type Grouping = 'rule' | 'township';

// What the screen showed last survives a visit to a record's form and back: the report
// (refreshed in the background), the grouping, the filter and the open groups.
let last: { report: QualityReportDto | null; grouping: Grouping; severity: string; open: string[] } = {
  report: null,
  grouping: 'rule',
  severity: '',
  open: [],
};

/** Forget the last report (another survey was unlocked). */
export function resetQuality() {
  last = { report: null, grouping: 'rule', severity: '', open: [] };
}

function Counts({ c }: { c: SeverityCountsDto }) {
  const n = { BLOCKER: c.blocker, ERROR: c.error, WARNING: c.warning, INFO: c.info } as Record<string, number>;
  return (
    <span class="sev-counts">
      {SEVERITIES.filter((s) => n[s] > 0).map((s) => (
        <span class={`sev-count sev-${s.toLowerCase()}`} data-severity={s}>
          {t(`sev.${s}`)} {n[s]}
        </span>
      ))}
      {c.overridden > 0 && (
        <span class="sev-count accepted" data-testid="group-overridden">
          ✓ {c.overridden}
        </span>
      )}
    </span>
  );
}

export function Quality(props: { catalog: CatalogDto; onOpen: (recordId: string, path: string, templateId: string) => void }) {
  const [report, setReport] = useState<QualityReportDto | null>(last.report);
  const [error, setError] = useState<ErrorDto | null>(null);
  const [running, setRunning] = useState(false);
  const [grouping, setGrouping] = useState<Grouping>(last.grouping);
  const [severity, setSeverity] = useState<string>(last.severity);
  const [open, setOpen] = useState<Set<string>>(new Set(last.open));
  const [accepting, setAccepting] = useState<QualityFindingDto | null>(null);

  const run = () => {
    setRunning(true);
    api.qualityReport().then(
      (r) => {
        last.report = r;
        setReport(r);
        setRunning(false);
        setError(null);
      },
      (e) => {
        setError(e);
        setRunning(false);
      },
    );
  };
  useEffect(run, []);
  useEffect(() => {
    last.grouping = grouping;
    last.severity = severity;
    last.open = [...open];
  }, [grouping, severity, open]);

  const tplName = (id: string) => {
    const x = props.catalog.templates.find((c) => c.id === id);
    return x ? pick(x.name_zh, x.name_en) : id;
  };
  const toggle = (key: string) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  const accepted = (o: OverrideDto, f: QualityFindingDto) => {
    setAccepting(null);
    // Shown at once; the fresh report follows.
    setReport((r) =>
      r && {
        ...r,
        findings: r.findings.map((x) =>
          x.record_id === f.record_id && x.rule === f.rule && x.path === f.path && x.severity === 'WARNING'
            ? { ...x, overridden: o, can_override: false }
            : x,
        ),
      },
    );
    run();
  };

  const groupKey = (g: QualityGroupDto) => `${grouping}:${g.key}`;
  const groups = report ? (grouping === 'rule' ? report.by_rule : report.by_township) : [];
  const visible = (f: QualityFindingDto) => !severity || f.severity === severity;

  return (
    <div class="quality" data-testid="quality" data-state={running ? 'running' : 'ready'}>
      <section class="card quality-head">
        <h2>{t('quality.title')}</h2>
        {report && (
          <>
            <p class="muted" data-testid="quality-summary">
              {t('quality.summary', { records: report.records, profile: report.profile, stage: t(`stage.${report.stage}`) })}
            </p>
            <div class="totals" data-testid="quality-totals">
              {SEVERITIES.map((s) => {
                const n = { BLOCKER: report.totals.blocker, ERROR: report.totals.error, WARNING: report.totals.warning, INFO: report.totals.info }[s];
                return (
                  <div class={`total sev-total sev-${s.toLowerCase()}`} data-testid={`quality-total-${s}`} data-n={n}>
                    <b>{n}</b>
                    <span>{t(`sev.${s}`)}</span>
                  </div>
                );
              })}
              <div class="total" data-testid="quality-total-overridden" data-n={report.totals.overridden}>
                <b class="accepted">{report.totals.overridden}</b>
                <span>{t('override.accepted')}</span>
              </div>
            </div>
          </>
        )}
        <div class="filters">
          <span class="seg">
            <button data-testid="quality-group-rule" class={grouping === 'rule' ? 'on' : ''} onClick={() => setGrouping('rule')}>
              {t('quality.by_rule')}
            </button>
            <button data-testid="quality-group-township" class={grouping === 'township' ? 'on' : ''} onClick={() => setGrouping('township')}>
              {t('quality.by_township')}
            </button>
          </span>
          <label>
            {t('quality.severity')}{' '}
            <select data-testid="quality-severity" value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
              <option value="">{t('quality.all')}</option>
              {SEVERITIES.map((s) => (
                <option value={s}>{t(`sev.${s}`)}</option>
              ))}
            </select>
          </label>
          <span class="spacer" />
          <button data-testid="quality-rerun" disabled={running} onClick={run}>
            {running ? t('quality.running') : t('quality.rerun')}
          </button>
        </div>
      </section>
      {error && <p class="error">{te(error)}</p>}
      {!report && running && <p class="loading">{t('quality.running')}</p>}
      {report && (
        <section class="card quality-groups" data-testid="quality-groups" data-grouping={grouping}>
          {groups.every((g) => !g.findings.some((i) => visible(report.findings[i]))) && <p class="muted">{t('quality.none')}</p>}
          {groups.map((g) => {
            const fs = g.findings.map((i) => report.findings[i]).filter(visible);
            if (!fs.length) return null;
            const isOpen = open.has(groupKey(g));
            const title = grouping === 'rule' ? `${g.key} ${pick(g.title_zh, g.title_en)}` : g.key ? `${pick(g.title_zh, g.title_en)} ${g.key}` : pick(g.title_zh, g.title_en);
            return (
              <div class={`qgroup${isOpen ? ' open' : ''}`} data-testid="quality-group" data-key={g.key}>
                <button type="button" class="qgroup-head" data-testid="quality-group-head" aria-expanded={isOpen} onClick={() => toggle(groupKey(g))}>
                  <span class="caret">{isOpen ? '▾' : '▸'}</span>
                  <span class="qtitle">{title}</span>
                  <span class="qn" data-testid="quality-group-count">
                    {fs.length}
                  </span>
                  <Counts c={g.counts} />
                </button>
                {isOpen && (
                  <table class="qtable">
                    <thead>
                      <tr>
                        <th>{t('quality.col.severity')}</th>
                        {grouping === 'township' && <th>{t('quality.col.rule')}</th>}
                        <th>{t('quality.col.record')}</th>
                        <th>{t('quality.col.template')}</th>
                        {grouping === 'rule' && <th>{t('quality.col.township')}</th>}
                        <th>{t('quality.col.field')}</th>
                        <th>{t('quality.col.message')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {fs.map((f) => (
                        <tr
                          class={`qrow sev-row-${f.severity.toLowerCase()}${f.record_id ? ' clickable' : ''}${f.overridden ? ' overridden' : ''}`}
                          data-testid="quality-finding"
                          data-record-id={f.record_id ?? ''}
                          data-rule={f.rule ?? ''}
                          data-path={f.path}
                          data-severity={f.severity}
                          data-overridden={f.overridden ? '1' : '0'}
                          title={f.record_id ? t('quality.open_record') : undefined}
                          onClick={() => {
                            if (!f.record_id) return;
                            knownTemplate.set(f.record_id, f.template_id);
                            props.onOpen(f.record_id, f.path, f.template_id);
                          }}
                        >
                          <td>
                            <SeverityBadge severity={f.severity} />
                          </td>
                          {grouping === 'township' && <td class="rule">{f.rule ?? '—'}</td>}
                          <td class="name">{f.record_id ? f.name || '—' : t('quality.survey_wide')}</td>
                          <td class="tpl">{f.template_id ? tplName(f.template_id) : ''}</td>
                          {grouping === 'rule' && <td class="town">{f.township_name || f.township}</td>}
                          <td class="path">
                            <code>{f.path}</code>
                          </td>
                          <td class="msg">
                            {tm(f.message)}
                            {f.overridden && (
                              <div>
                                <OverrideMark o={f.overridden} />
                              </div>
                            )}
                            {f.can_override && (
                              <div>
                                <button
                                  type="button"
                                  class="accept"
                                  data-testid="override-open"
                                  onClick={(e) => {
                                    e.stopPropagation();
                                    setAccepting(f);
                                  }}
                                >
                                  {t('override.accept')}
                                </button>
                              </div>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            );
          })}
        </section>
      )}
      {report && report.coverage.length > 0 && (
        <section class="card coverage" data-testid="quality-coverage">
          <h3>{t('quality.coverage')}</h3>
          <p class="muted">{t('quality.coverage_hint')}</p>
          <table class="qtable">
            <tbody>
              {report.coverage.map((c) => (
                <tr data-testid="coverage-row" data-rule={c.rule} data-status={c.status}>
                  <td class="rule">{c.rule}</td>
                  <td>{pick(c.title_zh, c.title_en) || '—'}</td>
                  <td>
                    <SeverityBadge severity={c.severity} />
                  </td>
                  <td class="status">{pick(c.status_zh, c.status_en)}</td>
                  <td class="muted">{t('quality.checked_n', { n: c.checked })}</td>
                  <td>{c.reasons.map((r) => `${tm(r.message)}（${r.count}）`).join('；')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {accepting && accepting.record_id && (
        <OverrideDialog
          recordId={accepting.record_id}
          finding={accepting}
          fieldLabel={accepting.path}
          minChars={report?.min_reason_chars}
          onDone={(o) => accepted(o, accepting)}
          onCancel={() => setAccepting(null)}
        />
      )}
    </div>
  );
}
