// Signing in: the reader pastes a token made with `sporbar token create`.
// It is checked against `viewer` before the page says it worked.

import { useState } from 'preact/hooks';
import { setToken } from '../api/auth';
import { ApiError } from '../api/client';
import { useApp } from '../hooks';
import { useT } from '../i18n';
import { fetchViewer } from '../viewer';

let forms = 0;

export function SignInForm({ onDone, idPrefix }: { onDone?: () => void; idPrefix?: string }) {
  const t = useT();
  const [prefix] = useState(() => idPrefix ?? `signin${++forms}`);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!value.trim()) {
      setError(t('signIn.empty'));
      return;
    }
    setBusy(true);
    setError(null);
    // Try the token before keeping it, so that a mistyped one never
    // replaces a working one or counts as a sign-out.
    const authorization = `Bearer ${value.trim().replace(/^Bearer\s+/i, '')}`;
    const withToken = ((url: string, init: RequestInit) =>
      fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization } })) as typeof fetch;
    try {
      const viewer = await fetchViewer(withToken);
      if (!viewer.signedIn) throw new ApiError('not signed in', 'UNAUTHENTICATED');
      setToken(value);
      setValue('');
      onDone?.();
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'NETWORK' ? t('error.network') : t('signIn.rejected'));
      requestAnimationFrame(() => document.getElementById(`${prefix}-token`)?.focus());
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="sign-in" onSubmit={submit} noValidate>
      <div class={`field${error ? ' has-error' : ''}`}>
        <label for={`${prefix}-token`}>{t('signIn.token')}</label>
        <p id={`${prefix}-help`} class="help">
          {t('signIn.help')}
        </p>
        <input
          id={`${prefix}-token`}
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={value}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={`${prefix}-help${error ? ` ${prefix}-error` : ''}`}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p id={`${prefix}-error`} class="field-error">
            {error}
          </p>
        )}
      </div>
      <button type="submit" disabled={busy}>
        {t('signIn.submit')}
      </button>
    </form>
  );
}

/** Shown in place of a view when the server reads only for signed-in readers. */
export function SignInPage({ onDone }: { onDone: () => void }) {
  const t = useT();
  return (
    <>
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      <p class="lead">{t('signIn.required')}</p>
      <SignInForm onDone={onDone} idPrefix="signin-page" />
    </>
  );
}

/** The header's corner: who is signed in and a sign-out button, or a sign-in disclosure. */
export function AuthBox() {
  const t = useT();
  const { viewer } = useApp();
  const [open, setOpen] = useState(false);
  if (viewer?.signedIn) {
    return (
      <div class="auth">
        <span class="signed-in">
          {t('signIn.as', { name: viewer.name ?? '', role: t(`role.${viewer.role ?? 'READER'}`) })}
        </span>{' '}
        <button type="button" class="secondary" onClick={() => setToken(null)}>
          {t('signIn.signOut')}
        </button>
      </div>
    );
  }
  return (
    <details class="auth" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('signIn.open')}</summary>
      <div class="auth-panel">
        <SignInForm onDone={() => setOpen(false)} idPrefix="signin-header" />
      </div>
    </details>
  );
}
