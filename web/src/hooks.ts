// The page's shared state, passed down through context: where we are (the
// route), whether the log moved on (live updates), who is signed in, and
// at which log position the visible answer was computed.

import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, gql, type Meta } from './api/client';
import type { Viewer } from './api/types';
import { formatHash, type Route, type View } from './routes';

export interface AppState {
  route: Route;
  /** Goes up by one whenever the log has new events (see api/live.ts). */
  liveTick: number;
  /** Goes up when the reader signs in or out. */
  authTick: number;
  /** Null until the server said who is reading. */
  viewer: Viewer | null;
  /** Shows the log position and hash the main view was computed at. */
  setMeta: (meta: Meta | null) => void;
  /** The server refused a request made with this token (null: none). */
  requireSignIn: (sentToken: string | null) => void;
  announce: (message: string) => void;
  /** Asks every view to load again (after the reader's own change). */
  refresh: () => void;
}

export const AppContext = createContext<AppState>(null as unknown as AppState);

export function useApp(): AppState {
  return useContext(AppContext);
}

/** A link to another view at the same moment and in the same language. */
export function useHref(): (view: View) => string {
  const { route } = useApp();
  return (view) => formatHash({ ...route, view });
}

export interface QueryState<T> {
  data: T | null;
  meta: Meta | null;
  error: ApiError | null;
  loading: boolean;
  refetch: () => void;
}

/**
 * Runs a query and runs it again when its variables change, when the log
 * moves on (unless the page shows a fixed past instant, which new events
 * cannot change) or when the reader signs in or out. While it runs again
 * the previous answer stays on screen: the reader keeps their place, their
 * focus and any form they are typing in.
 */
export function useQuery<T>(
  run: (() => Promise<{ data: T; meta: Meta }>) | null,
  key: string,
  options: { followLive?: boolean } = {},
): QueryState<T> {
  const { liveTick, authTick, route, requireSignIn } = useApp();
  const follow = (options.followLive ?? true) && !route.asOf;
  const [state, setState] = useState<Omit<QueryState<T>, 'refetch'>>({
    data: null,
    meta: null,
    error: null,
    loading: run !== null,
  });
  const [manual, setManual] = useState(0);
  const latest = useRef(0);
  const lastKey = useRef(key);
  const runRef = useRef(run);
  runRef.current = run;

  // A layout effect, so that the request leaves right after the first
  // render instead of after the first paint.
  useLayoutEffect(() => {
    const current = runRef.current;
    if (!current) return;
    const request = ++latest.current;
    const keyChanged = lastKey.current !== key;
    lastKey.current = key;
    // A different question shows nothing stale; the same question asked
    // again keeps its answer on screen until the new one arrives.
    setState((s) => ({ ...s, loading: true, ...(keyChanged ? { data: null, meta: null, error: null } : {}) }));
    current().then(
      ({ data, meta }) => {
        if (request === latest.current) setState({ data, meta, error: null, loading: false });
      },
      (error: unknown) => {
        if (request !== latest.current) return;
        const apiError = error instanceof ApiError ? error : new ApiError(String(error), 'ERROR');
        if (apiError.code === 'UNAUTHENTICATED') requireSignIn(apiError.sentToken);
        setState((s) => ({ ...s, error: apiError, loading: false }));
      },
    );
  }, [key, follow ? liveTick : 0, authTick, manual]);

  const refetch = useCallback(() => setManual((n) => n + 1), []);
  return { ...state, refetch };
}

/** `useQuery` for a plain GraphQL query. */
export function useGraphql<T>(
  query: string,
  variables: Record<string, unknown> | null,
  options: { followLive?: boolean } = {},
): QueryState<T> {
  const key = variables ? `${query}\n${JSON.stringify(variables)}` : '';
  return useQuery<T>(variables ? () => gql<T>(query, variables) : null, key, options);
}

/** The moment the route asks for, as query variables. */
export function momentVariables(route: Route): { validAt?: string; asOf?: string } {
  return { validAt: route.validAt, asOf: route.asOf };
}

/**
 * The position and hash a view was computed at. An as-of answer is
 * computed at an earlier position than the log's head, which is what the
 * response's extensions carry; the answer's own `computedAt` says which.
 */
export function computedMeta(meta: Meta | null, computedAt?: { position: number; hash: string | null } | null): Meta | null {
  if (!meta) return null;
  return computedAt ? { ...meta, position: computedAt.position, hash: computedAt.hash } : meta;
}

/** Reports the main view's computed-at position to the page frame while mounted. */
export function usePageMeta(meta: Meta | null): void {
  const { setMeta } = useApp();
  useEffect(() => {
    setMeta(meta);
  }, [meta?.position, meta?.hash]);
  useEffect(() => () => setMeta(null), []);
}
