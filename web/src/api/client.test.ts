import { afterEach, describe, expect, it } from 'vitest';
import { getToken, setToken } from './auth';
import { ApiError, gql, newCommandId } from './client';

function answer(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

afterEach(() => setToken(null));

describe('the GraphQL client', () => {
  it('returns the data with the log position and hash it was computed at', async () => {
    const { fetchImpl, calls } = answer(200, {
      data: { logHead: { position: 289 } },
      extensions: { sporbar: { position: 289, hash: 'dc66', today: '2026-11-26' } },
    });
    const result = await gql<{ logHead: { position: number } }>('{ logHead { position } }', { a: 1, b: undefined }, fetchImpl);
    expect(result.data.logHead.position).toBe(289);
    expect(result.meta).toEqual({ position: 289, hash: 'dc66', today: '2026-11-26' });
    expect(calls[0].url).toBe('/graphql');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ query: '{ logHead { position } }', variables: { a: 1 } });
    expect((calls[0].init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('sends the signed-in reader’s token as a bearer token', async () => {
    setToken('  Bearer abc123 ');
    expect(getToken()).toBe('abc123');
    const { fetchImpl, calls } = answer(200, { data: { x: 1 } });
    await gql('{ x }', {}, fetchImpl);
    expect((calls[0].init.headers as Record<string, string>).authorization).toBe('Bearer abc123');
  });

  it('throws the first error with its code, field and current version', async () => {
    const { fetchImpl } = answer(200, {
      data: null,
      errors: [{ message: "year: '2030' is outside", extensions: { code: 'VALIDATION', field: 'year' } }],
    });
    const error = await gql('mutation { x }', {}, fetchImpl).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'VALIDATION', field: 'year', message: "year: '2030' is outside" });
    const conflict = answer(200, { data: null, errors: [{ message: 'stale', extensions: { code: 'CONFLICT', currentVersion: 8 } }] });
    expect(await gql('m', {}, conflict.fetchImpl).catch((e) => e)).toMatchObject({ code: 'CONFLICT', currentVersion: 8 });
  });

  it('reports a 401 as UNAUTHENTICATED', async () => {
    const { fetchImpl } = answer(401, { errors: [{ message: 'sign in', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(await gql('{ x }', {}, fetchImpl).catch((e) => e)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    const bare = (async () => new Response('nope', { status: 401 })) as unknown as typeof fetch;
    expect(await gql('{ x }', {}, bare).catch((e) => e)).toMatchObject({ code: 'UNAUTHENTICATED', sentToken: null });
  });

  it('says which token a refused request carried, so that only that token is dropped', async () => {
    setToken('revoked');
    const { fetchImpl } = answer(401, { errors: [{ message: 'the token is unknown or revoked', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(await gql('{ x }', {}, fetchImpl).catch((e) => e)).toMatchObject({ code: 'UNAUTHENTICATED', sentToken: 'revoked' });
  });

  it('reports a network failure as NETWORK', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await gql('{ x }', {}, failing).catch((e) => e)).toMatchObject({ code: 'NETWORK' });
  });

  it('makes random version-4 UUIDs for command ids', () => {
    const a = newCommandId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newCommandId()).not.toBe(a);
  });
});
