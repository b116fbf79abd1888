// The members screen: who is in the survey (name, role, unit, key fingerprint), adding a
// reviewer with their own passphrase (typed twice), and changing one's own passphrase.
// Each member's passphrase opens only their own key slot.
import { useEffect, useState } from 'preact/hooks';
import { api, type ErrorDto, type MemberDto } from '../api';
import { t, te } from '../i18n';
import { when } from './Returned';

export function Members({ minChars }: { minChars: number }) {
  const [members, setMembers] = useState<MemberDto[] | null>(null);
  const [error, setError] = useState<ErrorDto | null>(null);
  const reload = () => api.members().then(setMembers, setError);
  useEffect(() => {
    reload();
  }, []);
  const me = members?.find((m) => m.me) ?? null;

  return (
    <div class="members" data-testid="members">
      <section class="card">
        <h2>{t('members.title')}</h2>
        {error && <p class="error">{te(error)}</p>}
        {members && (
          <table class="grid" data-testid="members-table">
            <thead>
              <tr>
                <th>{t('members.name')}</th>
                <th>{t('members.role')}</th>
                <th>{t('members.unit')}</th>
                <th>{t('members.fingerprint')}</th>
                <th>{t('members.added')}</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr data-testid="member-row" data-name={m.name} data-role={m.role} class={m.removed_at ? 'removed' : ''}>
                  <td>
                    {m.name}
                    {m.me && <b>{t('members.me')}</b>}
                    {m.removed_at && <small class="muted"> ({t('members.removed')})</small>}
                  </td>
                  <td>{t(`role.${m.role}`)}</td>
                  <td>{m.unit || '—'}</td>
                  <td>
                    <code class="fingerprint">{m.fingerprint}</code>
                  </td>
                  <td>{when(m.added_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <AddReviewer minChars={minChars} onAdded={reload} />
      {me && <ChangePassphrase minChars={minChars} />}
    </div>
  );
}

function AddReviewer({ minChars, onAdded }: { minChars: number; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorDto | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setOk(null);
    if (pass !== pass2) {
      setProblem(t('members.mismatch'));
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      const m = await api.memberAdd({ name, role: 'reviewer', unit, passphrase: pass });
      setOk(t('members.added_ok', { name: m.name }));
      setName('');
      setUnit('');
      setPass('');
      setPass2('');
      onAdded();
    } catch (err) {
      setError(err as ErrorDto);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card member-add" data-testid="member-add" onSubmit={submit}>
      <h2>{t('members.add')}</h2>
      <label>
        {t('members.name')}
        <input data-testid="member-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {t('members.unit')}
        <input data-testid="member-unit" value={unit} onInput={(e) => setUnit((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {t('members.pass')}
        <input data-testid="member-pass" type="password" value={pass} onInput={(e) => setPass((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {t('members.pass2')}
        <input data-testid="member-pass2" type="password" value={pass2} onInput={(e) => setPass2((e.target as HTMLInputElement).value)} />
      </label>
      <p class="hint">{t('unlock.min_hint', { min: minChars })}</p>
      {problem && (
        <p class="error" data-testid="member-add-error" data-code="members.mismatch">
          {problem}
        </p>
      )}
      {error && (
        <p class="error" data-testid="member-add-error" data-code={error.code}>
          {te(error)}
        </p>
      )}
      {ok && (
        <p class="ok" data-testid="member-add-ok">
          {ok}
        </p>
      )}
      <button class="primary" type="submit" data-testid="member-add-submit" disabled={busy || !name.trim() || !pass}>
        {busy ? t('members.busy') : t('members.add_submit')}
      </button>
    </form>
  );
}

function ChangePassphrase({ minChars }: { minChars: number }) {
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorDto | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [ok, setOk] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setOk(false);
    if (pass !== pass2) {
      setProblem(t('members.mismatch'));
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      await api.passphraseChange(pass);
      setOk(true);
      setPass('');
      setPass2('');
    } catch (err) {
      setError(err as ErrorDto);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card passphrase-change" data-testid="passphrase-change" onSubmit={submit}>
      <h2>{t('members.change')}</h2>
      <label>
        {t('members.pass')}
        <input data-testid="change-pass" type="password" value={pass} onInput={(e) => setPass((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {t('members.pass2')}
        <input data-testid="change-pass2" type="password" value={pass2} onInput={(e) => setPass2((e.target as HTMLInputElement).value)} />
      </label>
      <p class="hint">{t('unlock.min_hint', { min: minChars })}</p>
      {problem && <p class="error">{problem}</p>}
      {error && (
        <p class="error" data-code={error.code}>
          {te(error)}
        </p>
      )}
      {ok && (
        <p class="ok" data-testid="change-ok">
          {t('members.changed_ok')}
        </p>
      )}
      <button class="primary" type="submit" data-testid="change-submit" disabled={busy || !pass}>
        {busy ? t('members.busy') : t('members.change_submit')}
      </button>
    </form>
  );
}
