// The signed-in reader's token. It lives in sessionStorage: it survives a
// reload and following links in the tab, and is gone when the tab closes,
// which suits a shared computer in a municipal office.

const KEY = 'sporbar.token';

type Listener = () => void;
const listeners = new Set<Listener>();

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined; // storage disabled: the token then lives for the page only
  }
}

let memory: string | null = null;

export function getToken(): string | null {
  return storage()?.getItem(KEY) ?? memory;
}

export function setToken(token: string | null): void {
  const clean = token?.trim().replace(/^Bearer\s+/i, '') || null;
  memory = clean;
  const s = storage();
  if (s) {
    if (clean) s.setItem(KEY, clean);
    else s.removeItem(KEY);
  }
  for (const listener of listeners) listener();
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function authorizationHeader(): string | undefined {
  const token = getToken();
  return token ? `Bearer ${token}` : undefined;
}
