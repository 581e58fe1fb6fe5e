import { describe, expect, it } from 'vitest';
import { followLog, liveUrl, SUBSCRIPTION, type LogEventSummary, type WebSocketLike } from './live';

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closed: { code?: number } | null = null;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number) {
    this.closed = { code };
  }
  // server side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

function setup(options: { authorization?: string; afterPosition?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const events: LogEventSummary[] = [];
  const states: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const stop = followLog({
    url: 'ws://host/graphql/ws',
    afterPosition: options.afterPosition ?? 289,
    authorization: () => options.authorization,
    onEvent: (e) => events.push(e),
    onState: (s) => states.push(s),
    createSocket: (url, protocol) => {
      const socket = new FakeSocket(url, protocol);
      sockets.push(socket);
      return socket;
    },
    backoff: [10, 20],
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  return { sockets, events, states, timers, stop };
}

const event = (position: number) => ({
  id: '1',
  type: 'next',
  payload: { data: { eventAppended: { position, eventType: 'GoalAssessed', streamId: 's' } } },
});

describe('following the log over graphql-transport-ws', () => {
  it('opens with the protocol, sends the token in connection_init and subscribes after the ack', () => {
    const { sockets, states } = setup({ authorization: 'Bearer secret' });
    const ws = sockets[0];
    expect(ws.url).toBe('ws://host/graphql/ws');
    expect(ws.protocol).toBe('graphql-transport-ws');
    ws.open();
    expect(ws.sent).toEqual([{ type: 'connection_init', payload: { authorization: 'Bearer secret' } }]);
    ws.receive({ type: 'connection_ack' });
    expect(ws.sent[1]).toEqual({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { after: 289 } } });
    expect(states).toEqual(['connecting', 'live']);
  });

  it('sends an empty payload when nobody is signed in', () => {
    const { sockets } = setup();
    sockets[0].open();
    expect(sockets[0].sent[0]).toEqual({ type: 'connection_init', payload: {} });
  });

  it('delivers each new event once, in order, and answers pings', () => {
    const { sockets, events } = setup();
    const ws = sockets[0];
    ws.open();
    ws.receive({ type: 'connection_ack' });
    ws.receive(event(290));
    ws.receive(event(290));
    ws.receive(event(291));
    ws.receive({ type: 'ping' });
    ws.receive('not json at all');
    expect(events.map((e) => e.position)).toEqual([290, 291]);
    expect(ws.sent[ws.sent.length - 1]).toEqual({ type: 'pong' });
  });

  it('reconnects after a dropped connection and resumes after the last event it saw', () => {
    const { sockets, timers, states } = setup();
    sockets[0].open();
    sockets[0].receive({ type: 'connection_ack' });
    sockets[0].receive(event(295));
    sockets[0].drop();
    expect(states[states.length - 1]).toBe('offline');
    expect(timers.map((t) => t.ms)).toEqual([10]);
    timers[0].fn();
    const again = sockets[1];
    again.open();
    again.receive({ type: 'connection_ack' });
    expect(again.sent[1]).toMatchObject({ payload: { variables: { after: 295 } } });
  });

  it('backs off further on every failed attempt, up to the last delay', () => {
    const { sockets, timers } = setup();
    sockets[0].drop();
    timers[0].fn();
    sockets[1].drop();
    timers[1].fn();
    sockets[2].drop();
    expect(timers.map((t) => t.ms)).toEqual([10, 20, 20]);
  });

  it('stops trying when the server refuses the reader', () => {
    const { sockets, timers, states } = setup();
    sockets[0].open();
    sockets[0].drop(4401);
    expect(timers).toEqual([]);
    expect(states[states.length - 1]).toBe('refused');
  });

  it('closes the socket and does not reconnect once stopped', () => {
    const { sockets, timers, stop } = setup();
    sockets[0].open();
    stop();
    expect(sockets[0].closed).toEqual({ code: 1000 });
    sockets[0].drop(1000);
    expect(timers).toEqual([]);
  });

  it('builds the WebSocket address from the page address', () => {
    expect(liveUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/graphql/ws');
    expect(liveUrl({ protocol: 'https:', host: 'sporbar.example' })).toBe('wss://sporbar.example/graphql/ws');
  });
});
