// Unlock screen: choose or create a survey file and enter its passphrase. A wrong
// passphrase is an error code from the store, shown under the field; nothing crashes.
import { useEffect, useState } from 'preact/hooks';
import { api, chooseFile, type ErrorDto } from '../api';
import { t, te, setLang, lang } from '../i18n';
import { mark, markPainted } from '../perf';
import { loadMap, prewarmMap } from '../components/map';
import { loadLayers } from './MapScreen';
import type { SlotDto, SurveyInfo } from '../api';
import { me } from '../session';

declare global {
  interface Window {
    __toponymLastUnlock?: SurveyInfo;
  }
}

export function Unlock({ onUnlocked }: { onUnlocked: () => Promise<void> }) {
  const [path, setPath] = useState('');
  const [recent, setRecent] = useState<string[]>([]);
  const [passphrase, setPassphrase] = useState('');
  const [minChars, setMinChars] = useState(8);
  const [create, setCreate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorDto | null>(null);
  // Who may unlock the chosen file (from its key file, before any passphrase).
  const [slots, setSlots] = useState<SlotDto[]>([]);
  const [member, setMember] = useState('');

  useEffect(() => {
    if (create || !path.trim()) {
      setSlots([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.unlockSlots(path.trim()).then(
        (r) => {
          if (!live) return;
          setSlots(r.members);
          setMember((m) => (r.members.some((x) => x.member_id === m) ? m : r.members.length === 1 ? r.members[0].member_id : ''));
        },
        () => live && setSlots([]),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [path, create]);

  useEffect(() => {
    markPainted('unlock-screen');
    // The map module is not needed here; it loads right after this screen has been
    // painted, so it is ready (and the form's map prepared) by the time the survey opens.
    requestAnimationFrame(() => setTimeout(() => void loadMap().catch(() => undefined), 0));
    api.startupInfo().then((s) => {
      if (s.survey_path) setPath(s.survey_path);
      setRecent(s.recent);
      setMinChars(s.min_passphrase_chars);
    });
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    mark('unlock-submit');
    try {
      const unlocking = api.unlock(path, passphrase, create, !create && member ? member : null);
      // While the key derivation runs (a second or more, off the window's thread), the
      // form's map is created and loaded off-screen, so no form waits for it later.
      prewarmMap('form', loadLayers());
      const info = await unlocking;
      mark('unlock-done');
      window.__toponymLastUnlock = info;
      me.set(info.member);
      await onUnlocked();
    } catch (err) {
      setError(err as ErrorDto);
      setBusy(false);
    }
  };

  return (
    <div class="unlock">
      <form class="card" onSubmit={submit} data-testid="unlock-form">
        <h1>Toponym · {t('app.title')}</h1>
        <h2>{t('unlock.title')}</h2>
        <label>
          {t('unlock.path')}
          <span class="pathpick">
            <input data-testid="unlock-path" value={path} onInput={(e) => setPath((e.target as HTMLInputElement).value)} list="recent-surveys" />
            <button
              type="button"
              data-testid="unlock-choose"
              onClick={async () => {
                try {
                  const p = await chooseFile(t('unlock.path'), ['toponym'], create);
                  if (p) setPath(p);
                } catch (err) {
                  setError(err as ErrorDto);
                }
              }}
            >
              {t('unlock.choose')}
            </button>
          </span>
          <datalist id="recent-surveys">
            {recent.map((r) => (
              <option value={r} />
            ))}
          </datalist>
        </label>
        {!create && slots.length > 1 && (
          <label>
            {t('unlock.member')}
            <select data-testid="unlock-member" value={member} onChange={(e) => setMember((e.target as HTMLSelectElement).value)}>
              <option value="">{t('unlock.member_choose')}</option>
              {slots.map((m) => (
                <option value={m.member_id} data-name={m.name}>
                  {m.name}（{t(`role.${m.role}`)}）
                </option>
              ))}
            </select>
          </label>
        )}
        {!create && slots.length === 1 && (
          <p class="hint" data-testid="unlock-one-member">
            {t('unlock.as', { name: slots[0].name, role: t(`role.${slots[0].role}`) })}
          </p>
        )}
        <label>
          {t('unlock.passphrase')}
          <input
            data-testid="unlock-passphrase"
            type="password"
            value={passphrase}
            onInput={(e) => setPassphrase((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="inline">
          <input type="checkbox" data-testid="unlock-create" checked={create} onChange={(e) => setCreate((e.target as HTMLInputElement).checked)} />
          {t('unlock.create')}
        </label>
        {create && (
          <p class="hint" data-testid="unlock-min-hint">
            {t('unlock.min_hint', { min: minChars })}
          </p>
        )}
        {error && (
          <p class="error" data-testid="unlock-error" data-code={error.code}>
            {te(error)}
          </p>
        )}
        <button type="submit" class="primary" data-testid="unlock-submit" disabled={busy || !path || (!create && slots.length > 1 && !member)}>
          {busy ? t('unlock.busy') : t('unlock.open')}
        </button>
        <p class="langswitch">
          <button type="button" onClick={() => setLang(lang.get() === 'zh' ? 'en' : 'zh')}>
            {lang.get() === 'zh' ? 'English' : '中文'}
          </button>
        </p>
      </form>
    </div>
  );
}
