// The app shell: unlock first, then home / investigation list / map / quality / review /
// members / form screens.
// Screens are dumb views over the typed api module; the only app-wide state is the
// language and the catalogue loaded once after unlock.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { api, type CatalogDto } from './api';
import { lang, setLang, t, type Lang } from './i18n';
import { useValue } from './signal';
import { Unlock } from './screens/Unlock';
import { Home, seedHome } from './screens/Home';
import { List } from './screens/List';
import { MapScreen } from './screens/MapScreen';
import { FormScreen } from './screens/FormScreen';
import { Quality, resetQuality } from './screens/Quality';
import { Review } from './screens/Review';
import { Members } from './screens/Members';
import { me } from './session';
import { recordNetworkAttempts } from './netguard';
import { mark } from './perf';

mark('app-script');
recordNetworkAttempts();

export type Screen =
  | { kind: 'home' }
  | { kind: 'list' }
  | { kind: 'map' }
  | { kind: 'quality' }
  | { kind: 'review' }
  | { kind: 'members' }
  | {
      kind: 'form';
      recordId: string | null;
      templateId: string | null;
      /** A finding's path to go to (opened from the quality screen). */
      focusPath?: string;
      /** Where the back button returns to. */
      from?: 'list' | 'quality';
    };

function App() {
  const l = useValue(lang);
  const [catalog, setCatalog] = useState<CatalogDto | null>(null);
  const [screen, setScreen] = useState<Screen>({ kind: 'home' });
  const member = useValue(me);
  const [minChars, setMinChars] = useState(8);
  useEffect(() => {
    api.startupInfo().then((s) => setMinChars(s.min_passphrase_chars), () => undefined);
  }, []);

  useEffect(() => {
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  }, [l]);

  if (!catalog) {
    return (
      <Unlock
        onUnlocked={async () => {
          // The home needs both; asked for together, and shown in one render.
          const [c, summary] = await Promise.all([api.catalog(), api.homeSummary()]);
          mark('home-data');
          seedHome(summary);
          resetQuality();
          setCatalog(c);
          // A reviewer starts at the queue, a registrar at the home (returned records first).
          setScreen({ kind: me.get()?.role === 'reviewer' ? 'review' : 'home' });
        }}
      />
    );
  }

  // The window benchmark's "open a form" clock starts at the click that asks for it.
  const open = (recordId: string) => {
    mark('form-open');
    setScreen({ kind: 'form', recordId, templateId: null });
  };
  const openAt = (recordId: string, focusPath: string) => {
    mark('form-open');
    setScreen({ kind: 'form', recordId, templateId: null, focusPath, from: 'quality' });
  };
  const create = (templateId: string) => {
    mark('form-open');
    setScreen({ kind: 'form', recordId: null, templateId });
  };

  return (
    <div class="shell" key={l}>
      <header class="topbar">
        <span class="brand">Toponym · {t('app.title')}</span>
        <nav>
          <button data-testid="nav-home" class={screen.kind === 'home' ? 'on' : ''} onClick={() => setScreen({ kind: 'home' })}>
            {t('nav.home')}
          </button>
          <button data-testid="nav-list" class={screen.kind === 'list' ? 'on' : ''} onClick={() => setScreen({ kind: 'list' })}>
            {t('nav.list')}
          </button>
          <button data-testid="nav-map" class={screen.kind === 'map' ? 'on' : ''} onClick={() => setScreen({ kind: 'map' })}>
            {t('nav.map')}
          </button>
          <button data-testid="nav-quality" class={screen.kind === 'quality' ? 'on' : ''} onClick={() => setScreen({ kind: 'quality' })}>
            {t('nav.quality')}
          </button>
          {member?.role === 'reviewer' && (
            <button data-testid="nav-review" class={screen.kind === 'review' ? 'on' : ''} onClick={() => setScreen({ kind: 'review' })}>
              {t('nav.review')}
            </button>
          )}
          {member && (
            <button data-testid="nav-members" class={screen.kind === 'members' ? 'on' : ''} onClick={() => setScreen({ kind: 'members' })}>
              {t('nav.members')}
            </button>
          )}
        </nav>
        <span class="spacer" />
        {member && (
          <span class="whoami" data-testid="whoami" data-role={member.role}>
            {t('nav.me', { name: member.name, role: t(`role.${member.role}`) })}
          </span>
        )}
        <label class="lang">
          {t('nav.language')}{' '}
          <select data-testid="lang" value={l} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </label>
        <button
          data-testid="nav-lock"
          onClick={async () => {
            await api.lock();
            me.set(null);
            setCatalog(null);
          }}
        >
          {t('nav.lock')}
        </button>
      </header>
      <main class="content">
        {screen.kind === 'home' && <Home catalog={catalog} onCreate={create} onQuality={() => setScreen({ kind: 'quality' })} onOpen={open} />}
        {screen.kind === 'review' && <Review catalog={catalog} />}
        {screen.kind === 'members' && <Members minChars={minChars} />}
        {screen.kind === 'quality' && <Quality catalog={catalog} onOpen={openAt} />}
        {screen.kind === 'list' && <List catalog={catalog} onOpen={open} />}
        {screen.kind === 'map' && <MapScreen catalog={catalog} onOpen={open} />}
        {screen.kind === 'form' && (
          <FormScreen
            key={`${screen.recordId ?? `new-${screen.templateId}`}:${screen.focusPath ?? ''}`}
            catalog={catalog}
            recordId={screen.recordId}
            templateId={screen.templateId}
            focusPath={screen.focusPath}
            backLabel={screen.from === 'quality' ? 'form.back_quality' : undefined}
            onBack={() => setScreen({ kind: screen.from ?? 'list' })}
            onOpen={open}
          />
        )}
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
mark('app-rendered');
