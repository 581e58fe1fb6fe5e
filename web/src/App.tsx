// The page: header (name, language, sign-in), the current view in <main>,
// a footer with the log position the view was computed at, and a polite
// live region for news. The view comes from the URL's hash; the log is
// followed live so that views load again when someone records a change.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { authorizationHeader, getToken, onTokenChange, setToken } from './api/auth';
import type { Meta } from './api/client';
import { followLog, liveUrl, type LiveState } from './api/live';
import { AuthBox, SignInPage } from './components/SignIn';
import { PatternDefs } from './components/Patterns';
import { ComputedAt } from './components/TimeControl';
import { AppContext, type AppState } from './hooks';
import { LangContext, translator } from './i18n';
import { formatHash, LANGS, parseHash, type Route } from './routes';
import type { Viewer } from './api/types';
import { fetchViewer } from './viewer';
import { ActionsView } from './views/Actions';
import { AreaView } from './views/Area';
import { AttainmentView } from './views/AttainmentOverTime';
import { GoalView } from './views/Goal';
import { OrganizationsView, OrganizationView } from './views/Organizations';
import { OverviewView } from './views/Overview';

function CurrentView({ route }: { route: Route }) {
  const v = route.view;
  switch (v.name) {
    case 'organizations':
      return <OrganizationsView />;
    case 'organization':
      return <OrganizationView org={v.org} />;
    case 'overview':
      return <OverviewView org={v.org} strategy={v.strategy} />;
    case 'area':
      return <AreaView org={v.org} strategy={v.strategy} area={v.area} />;
    case 'goal':
      return <GoalView org={v.org} strategy={v.strategy} area={v.area} goal={v.goal} />;
    case 'attainment':
      return <AttainmentView org={v.org} strategy={v.strategy} />;
    case 'actions':
      return <ActionsView org={v.org} strategy={v.strategy} />;
  }
}

/** Waits this long after an event before loading again, so that a burst of events loads once. */
const LIVE_SETTLE_MS = 250;

export function App() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  const [authTick, setAuthTick] = useState(0);
  const [liveTick, setLiveTick] = useState(0);
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [signInRequired, setSignInRequired] = useState(false);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [liveState, setLiveState] = useState<LiveState>('connecting');
  /** Said once at the top of the page: the reader's token stopped working. */
  const [signedOut, setSignedOut] = useState(false);
  const t = translator(route.lang);

  useEffect(() => {
    const onHash = () => {
      setRoute(parseHash(location.hash));
      setSignedOut(false);
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.documentElement.lang = route.lang;
  }, [route.lang]);

  // A refused token (unknown, revoked) is dropped, and the page tries again
  // without it: on a server that lets anyone read, the reader simply goes
  // on reading; only when that is refused too is a sign-in asked for.
  // Requests refused with a token that was already dropped, or without one
  // while a new one was just given, are old news: their views load again.
  const requireSignIn = useCallback((sentToken: string | null) => {
    const current = getToken();
    if (sentToken) {
      if (current === sentToken) {
        setSignedOut(true);
        setToken(null);
      }
    } else if (!current) {
      setSignInRequired(true);
    }
  }, []);

  useEffect(() => onTokenChange(() => setAuthTick((n) => n + 1)), []);

  useEffect(() => {
    let current = true;
    fetchViewer().then(
      (found) => {
        if (!current) return;
        setViewer(found);
        if (found.signedIn) setSignInRequired(false);
      },
      (error) => {
        if (!current) return;
        if (error?.code === 'UNAUTHENTICATED') requireSignIn(error.sentToken ?? null);
        setViewer(null);
      },
    );
    return () => {
      current = false;
    };
  }, [authTick]);

  // The position the screen shows; events at or before it are already on it.
  const shown = useRef(0);
  useEffect(() => {
    if (meta) shown.current = Math.max(shown.current, meta.position);
  }, [meta]);

  // Follow the log from the first answer's position on (events after it are
  // delivered first, so nothing between that answer and the connection is
  // missed), and again from where we are after signing in or out.
  const [started, setStarted] = useState(false);
  useEffect(() => {
    if (meta && !started) setStarted(true);
  }, [meta, started]);
  useEffect(() => {
    if (!started) return;
    let pending: ReturnType<typeof setTimeout> | null = null;
    let newest = 0;
    const stop = followLog({
      url: liveUrl(location),
      afterPosition: shown.current,
      authorization: authorizationHeader,
      onState: setLiveState,
      onEvent: (event) => {
        // A page of a past instant (as-of) cannot change; nothing to load or say.
        if (event.position <= shown.current || parseHash(location.hash).asOf) return;
        newest = Math.max(newest, event.position);
        if (pending) return;
        pending = setTimeout(() => {
          pending = null;
          setLiveTick((n) => n + 1);
          setAnnouncement(translator(parseHash(location.hash).lang)('live.updated', { position: newest }));
        }, LIVE_SETTLE_MS);
      },
    });
    return () => {
      stop();
      if (pending) clearTimeout(pending);
    };
  }, [started, authTick]);

  const refresh = useCallback(() => setLiveTick((n) => n + 1), []);
  const app: AppState = useMemo(
    () => ({
      route,
      liveTick,
      authTick,
      viewer,
      setMeta,
      requireSignIn,
      announce: setAnnouncement,
      refresh,
    }),
    [route, liveTick, authTick, viewer, requireSignIn, refresh],
  );

  const viewKey = formatHash({ view: route.view, lang: 'nb' });
  const focusMain = (event: Event) => {
    event.preventDefault();
    const main = document.getElementById('main');
    main?.focus();
    main?.scrollIntoView();
  };

  return (
    <AppContext.Provider value={app}>
      <LangContext.Provider value={route.lang}>
        <PatternDefs />
        <a class="skip-link" href="#main" onClick={focusMain}>
          {t('skip')}
        </a>
        <header class="site-header">
          <div class="header-inner">
            <a class="brand" href={formatHash({ ...route, view: { name: 'organizations' } })}>
              <span class="brand-name">Sporbar</span>
              <span class="brand-tagline">{t('tagline')}</span>
            </a>
            <nav aria-label={t('nav.language')} class="languages">
              <ul>
                {LANGS.map((lang) => (
                  <li key={lang}>
                    <a
                      href={formatHash({ ...route, lang })}
                      lang={lang}
                      hreflang={lang}
                      aria-current={route.lang === lang ? 'true' : undefined}
                    >
                      {t(`language.${lang}`)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <AuthBox />
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {signedOut && (
            <p class="notice signed-out" role="status">
              {t('signIn.expired')}
            </p>
          )}
          {signInRequired ? (
            <SignInPage
              onDone={() => {
                setSignInRequired(false);
                setSignedOut(false);
              }}
            />
          ) : (
            <CurrentView key={viewKey} route={route} />
          )}
        </main>
        <footer class="site-footer">
          {meta && <ComputedAt meta={meta} />}
          <p class="live-state" data-state={route.asOf ? 'frozen' : liveState}>
            {route.asOf ? t('live.frozen') : t(`live.${liveState}`)}
          </p>
        </footer>
        <div class="visually-hidden" role="status" aria-live="polite">
          {announcement}
        </div>
      </LangContext.Provider>
    </AppContext.Provider>
  );
}
