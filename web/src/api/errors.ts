// Server errors in plain language, placed next to the field they are about.
//
// The server answers with a stable `extensions.code` and, for VALIDATION,
// `extensions.field` naming the mutation's input field ("effectiveAt",
// "year", "justification" …). Forms name their inputs after those fields, so
// the field tells where the message goes; a field the form does not show
// (e.g. "goal" when the goal was retired meanwhile) goes to the top of the
// form. The server's own message is English and technical: it is kept as a
// detail under the plain-language one, which is chosen from its code and
// from the few message shapes the domain uses.

import type { Params } from '../i18n';
import { formatDate } from '../format';
import { ApiError } from './client';

export interface FieldError {
  /** The form field to show the message at, or null for the whole form. */
  field: string | null;
  /** Message key in the i18n files. */
  key: string;
  params: Params;
  /** The server's own words, for the curious and for support. */
  detail?: string;
}

const VALIDATION_RULES: [RegExp, string, (m: RegExpExecArray) => Params][] = [
  [/must not be empty/, 'error.empty', () => ({})],
  [/is (\d+) characters long; at most (\d+)/, 'error.tooLong', (m) => ({ max: m[2] })],
  [/must be a single line/, 'error.singleLine', () => ({})],
  [/contains control characters/, 'error.controlCharacters', () => ({})],
  [/is negative/, 'error.negative', () => ({})],
  [/outside the action's period/, 'error.outsideActionPeriod', () => ({})],
  [/exists from (\d{4}-\d{2}-\d{2}); a change cannot take effect/, 'error.beforeExists', (m) => ({ date: formatDate(m[1]) })],
  [/is retired from (\d{4}-\d{2}-\d{2})/, 'error.retired', (m) => ({ date: formatDate(m[1]) })],
  [/is closed/, 'error.closed', () => ({})],
  [/is not a finite number/, 'error.notNumber', () => ({})],
  [/is outside -?\d+\.\.=-?\d+/, 'error.yearRange', () => ({})],
  [/is not one of/, 'error.notOneOf', () => ({})],
];

const CODE_KEYS: Record<string, string> = {
  CONFLICT: 'error.conflict',
  NOT_FOUND: 'error.notFound',
  FORBIDDEN: 'error.forbidden',
  UNAUTHENTICATED: 'error.unauthenticated',
  UNAUTHORIZED: 'error.unauthenticated',
  NETWORK: 'error.network',
};

/**
 * Where and how to show an error from a mutation, given the fields the form
 * shows.
 */
export function describeError(error: unknown, formFields: readonly string[]): FieldError {
  if (!(error instanceof ApiError)) {
    return { field: null, key: 'error.unknown', params: {}, detail: String(error) };
  }
  const detail = error.message;
  if (error.code === 'VALIDATION') {
    const field = error.field && formFields.includes(error.field) ? error.field : null;
    for (const [pattern, key, params] of VALIDATION_RULES) {
      const m = pattern.exec(detail);
      if (m) return { field, key, params: params(m), detail };
    }
    return { field, key: 'error.invalid', params: {}, detail };
  }
  return { field: null, key: CODE_KEYS[error.code] ?? 'error.unknown', params: {}, detail };
}
