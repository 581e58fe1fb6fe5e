// Follows the event log live over WebSocket at /graphql/ws, speaking the
// graphql-transport-ws protocol (connection_init → connection_ack →
// subscribe → next … ; ping ↔ pong). Written here rather than taken from a
// library because the page needs one subscription and the whole protocol
// for that is a few messages; a library would cost more bytes than this.
//
// The subscription asks for `eventAppended(afterPosition: P)`: the server
// first sends every event after P, then live ones. After a dropped
// connection it resubscribes after the last position it saw, so no change
// is missed while the network was away.

export interface LogEventSummary {
  position: number;
  eventType: string;
  streamId: string;
}

export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string, protocol: string) => WebSocketLike;

export type LiveState = 'connecting' | 'live' | 'offline' | 'refused';

export interface FollowOptions {
  url: string;
  /** Events after this position are delivered (catch-up first). */
  afterPosition: number;
  /** `Bearer …` when signed in; sent in connection_init's payload. */
  authorization?: () => string | undefined;
  onEvent: (event: LogEventSummary) => void;
  onState?: (state: LiveState) => void;
  createSocket?: WebSocketFactory;
  /** Reconnect delays in ms; the last one repeats. */
  backoff?: number[];
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export const SUBSCRIPTION = `subscription Follow($after: Int) {
  eventAppended(afterPosition: $after) { position eventType streamId }
}`;

const PROTOCOL = 'graphql-transport-ws';
/** Close codes after which retrying cannot help until the reader signs in again. */
const REFUSED = new Set([4401, 4403]);

/** Starts following the log; call the returned function to stop. */
export function followLog(options: FollowOptions): () => void {
  const create: WebSocketFactory =
    options.createSocket ?? ((url, protocol) => new WebSocket(url, protocol) as unknown as WebSocketLike);
  const backoff = options.backoff ?? [1000, 2000, 5000, 10000, 30000];
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let last = options.afterPosition;
  let attempt = 0;
  let socket: WebSocketLike | null = null;
  let timer: unknown = null;
  let stopped = false;

  const state = (s: LiveState) => options.onState?.(s);

  function connect() {
    if (stopped) return;
    state('connecting');
    const ws = create(options.url, PROTOCOL);
    socket = ws;
    ws.onopen = () => {
      const authorization = options.authorization?.();
      ws.send(JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} }));
    };
    ws.onmessage = (event) => {
      let message: { type?: string; id?: string; payload?: unknown };
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      switch (message.type) {
        case 'connection_ack':
          attempt = 0;
          state('live');
          ws.send(
            JSON.stringify({
              id: '1',
              type: 'subscribe',
              payload: { query: SUBSCRIPTION, variables: { after: last } },
            }),
          );
          break;
        case 'ping':
          ws.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'next': {
          const data = (message.payload as { data?: { eventAppended?: LogEventSummary } })?.data;
          const appended = data?.eventAppended;
          if (appended && appended.position > last) {
            last = appended.position;
            options.onEvent(appended);
          }
          break;
        }
        case 'error':
        case 'complete':
          // The server ended the subscription: start over after a pause.
          ws.close(1000, 'resubscribe');
          break;
      }
    };
    ws.onerror = () => {
      /* onclose follows and decides what to do */
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      if (REFUSED.has(event.code)) {
        state('refused');
        return;
      }
      state('offline');
      const delay = backoff[Math.min(attempt, backoff.length - 1)];
      attempt += 1;
      timer = setTimer(connect, delay);
    };
  }

  connect();

  return () => {
    stopped = true;
    if (timer !== null) clearTimer(timer);
    const ws = socket;
    socket = null;
    if (ws) {
      try {
        ws.close(1000, 'done');
      } catch {
        /* already closed */
      }
    }
  };
}

/** The WebSocket URL of /graphql/ws on this page's own server. */
export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql/ws`;
}
