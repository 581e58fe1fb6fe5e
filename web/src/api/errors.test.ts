import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import { describeError } from './errors';

const fields = ['year', 'category', 'planned', 'actual', 'effectiveAt', 'reason'];

describe('server errors in plain language next to their field', () => {
  it('puts a validation error at the field the server names', () => {
    const error = new ApiError("year: '2030' is outside the action's period 2016–2018", 'VALIDATION', { field: 'year' });
    expect(describeError(error, fields)).toEqual({
      field: 'year',
      key: 'error.outsideActionPeriod',
      params: {},
      detail: error.message,
    });
  });

  it('reads the earliest allowed date out of the message, formatted the Norwegian way', () => {
    const error = new ApiError(
      "effectiveAt: action 'a' exists from 2015-09-30; a change cannot take effect on 2015-01-01",
      'VALIDATION',
      { field: 'effectiveAt' },
    );
    expect(describeError(error, fields)).toMatchObject({ field: 'effectiveAt', key: 'error.beforeExists', params: { date: '30.09.2015' } });
  });

  it('recognises the domain’s other message shapes', () => {
    const cases: [string, string][] = [
      ['justification: must not be empty', 'error.empty'],
      ['planned: \'-5\' is negative', 'error.negative'],
      ['justification: is 5000 characters long; at most 4000 are allowed', 'error.tooLong'],
      ["goal: goal '3.2' is retired from 2021-01-01", 'error.retired'],
      ["strategy: strategy 's' is closed", 'error.closed'],
      ['value: \'inf\' is not a finite number within ±10^15', 'error.notNumber'],
      ['something new the page has never seen', 'error.invalid'],
    ];
    for (const [message, key] of cases) {
      expect(describeError(new ApiError(message, 'VALIDATION', { field: 'x' }), fields).key, message).toBe(key);
    }
    expect(describeError(new ApiError('x: is 5000 characters long; at most 4000 are allowed', 'VALIDATION'), fields).params).toEqual({ max: '4000' });
  });

  it('puts an error about a field the form does not show at the top of the form', () => {
    const error = new ApiError("goal: goal '3.2' is retired from 2021-01-01", 'VALIDATION', { field: 'goal' });
    expect(describeError(error, fields)).toMatchObject({ field: null, key: 'error.retired', params: { date: '01.01.2021' } });
  });

  it('explains conflicts, missing rights and missing things for the whole form', () => {
    expect(describeError(new ApiError('version 3 expected, 4 found', 'CONFLICT', { currentVersion: 4 }), fields)).toMatchObject({
      field: null,
      key: 'error.conflict',
    });
    expect(describeError(new ApiError('no', 'FORBIDDEN'), fields).key).toBe('error.forbidden');
    expect(describeError(new ApiError('who?', 'UNAUTHENTICATED'), fields).key).toBe('error.unauthenticated');
    expect(describeError(new ApiError("goal 'x' not found", 'NOT_FOUND'), fields).key).toBe('error.notFound');
    expect(describeError(new ApiError('offline', 'NETWORK'), fields).key).toBe('error.network');
    expect(describeError(new ApiError('boom', 'INTERNAL'), fields).key).toBe('error.unknown');
    expect(describeError(new Error('odd'), fields)).toMatchObject({ field: null, key: 'error.unknown' });
  });
});
