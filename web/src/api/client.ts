// GraphQL over HTTP at /graphql. Every answer carries
// `extensions.sporbar.position` and `.hash`: the log position and chain hash
// it was computed at, which the page shows so an auditor can tell exactly
// which state of the log they are looking at.

import { getToken } from './auth';

export interface Meta {
  position: number;
  hash: string | null;
  /** The server's today, when it says. */
  today?: string;
}

/** A GraphQL error with the stable code the server gives in `extensions.code`. */
export class ApiError extends Error {
  readonly code: string;
  /** The input field the error is about (VALIDATION). */
  readonly field?: string;
  /** The entity's version now (CONFLICT). */
  readonly currentVersion?: number;
  readonly status?: number;
  /** The bearer token the refused request carried, if any (UNAUTHENTICATED). */
  sentToken: string | null = null;

  constructor(message: string, code: string, extra: { field?: string; currentVersion?: number; status?: number } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = extra.field;
    this.currentVersion = extra.currentVersion;
    this.status = extra.status;
  }
}

interface GraphqlError {
  message: string;
  extensions?: { code?: string; field?: string; currentVersion?: number };
}

interface GraphqlBody<T> {
  data?: T | null;
  errors?: GraphqlError[];
  extensions?: { sporbar?: { position?: number; hash?: string | null; today?: string } };
}

export interface Answer<T> {
  data: T;
  meta: Meta;
}

export type Fetch = typeof fetch;

function toApiError(error: GraphqlError, status?: number): ApiError {
  const ext = error.extensions ?? {};
  return new ApiError(error.message, ext.code ?? (status === 401 ? 'UNAUTHENTICATED' : 'ERROR'), {
    field: ext.field,
    currentVersion: ext.currentVersion,
    status,
  });
}

/**
 * Sends one query or mutation. Throws an `ApiError` for an HTTP error, a
 * network failure (code NETWORK) or any GraphQL error: the page never shows
 * half an answer.
 */
export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  fetchImpl: Fetch = fetch,
): Promise<Answer<T>> {
  const token = getToken();
  try {
    return await send<T>(query, variables, fetchImpl, token);
  } catch (error) {
    if (error instanceof ApiError) error.sentToken = token;
    throw error;
  }
}

async function send<T>(
  query: string,
  variables: Record<string, unknown>,
  fetchImpl: Fetch,
  token: string | null,
): Promise<Answer<T>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetchImpl('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables: stripUndefined(variables) }),
    });
  } catch (cause) {
    throw new ApiError(String(cause), 'NETWORK');
  }
  let body: GraphqlBody<T>;
  try {
    body = (await response.json()) as GraphqlBody<T>;
  } catch {
    throw new ApiError(`HTTP ${response.status}`, response.status === 401 ? 'UNAUTHENTICATED' : 'HTTP', {
      status: response.status,
    });
  }
  if (body.errors?.length) throw toApiError(body.errors[0], response.status);
  if (!response.ok || body.data == null) {
    throw new ApiError(`HTTP ${response.status}`, response.status === 401 ? 'UNAUTHENTICATED' : 'HTTP', {
      status: response.status,
    });
  }
  const sporbar = body.extensions?.sporbar ?? {};
  return {
    data: body.data,
    meta: { position: sporbar.position ?? 0, hash: sporbar.hash ?? null, today: sporbar.today },
  };
}

function stripUndefined(variables: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(variables)) if (value !== undefined) out[key] = value;
  return out;
}

/** A random UUID v4 for idempotent commands; `crypto.randomUUID` needs a secure context, this does not. */
export function newCommandId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
