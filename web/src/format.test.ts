import { describe, expect, it } from 'vitest';
import {
  formatAmount,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  formatPeriod,
  formatPointChange,
  formatValue,
  fromLocalInput,
  MINUS,
  NBSP,
  previousYearEnd,
  toLocalInput,
  todayInOslo,
} from './format';

describe('Norwegian formats', () => {
  it('writes dates as day.month.year', () => {
    expect(formatDate('2021-12-31')).toBe('31.12.2021');
    expect(formatDate('2015-04-01')).toBe('01.04.2015');
  });

  it('groups thousands with a no-break space and writes kroner after the amount', () => {
    expect(formatAmount(1250000)).toBe(`1${NBSP}250${NBSP}000${NBSP}kr`);
    expect(formatAmount(1250000)).toBe('1\u00a0250\u00a0000\u00a0kr');
    expect(formatAmount(999)).toBe(`999${NBSP}kr`);
    expect(formatAmount(0)).toBe(`0${NBSP}kr`);
    expect(formatAmount(10880300)).toBe(`10${NBSP}880${NBSP}300${NBSP}kr`);
  });

  it('uses one kind of space only: the no-break space U+00A0, never a narrow one or a plain one', () => {
    const text = formatAmount(1234567) + formatPercent(0.5);
    expect(text).not.toMatch(/[ \u202f]/);
    expect(text).toMatch(/\u00a0/);
  });

  it('writes decimals with a comma and negative numbers with a minus sign', () => {
    expect(formatNumber(12.5, 1)).toBe('12,5');
    expect(formatNumber(-1500)).toBe(`${MINUS}1${NBSP}500`);
    expect(formatNumber(-0.001, 1)).toBe('0,0');
  });

  it('writes scores as percentages with one decimal, and no score as a dash', () => {
    expect(formatPercent(0.14705882352941177)).toBe(`14,7${NBSP}%`);
    expect(formatPercent(1)).toBe(`100,0${NBSP}%`);
    expect(formatPercent(0)).toBe(`0,0${NBSP}%`);
    expect(formatPercent(null)).toBe('–');
  });

  it('writes a change in score as signed percentage points', () => {
    expect(formatPointChange(0.05)).toBe('+5,0');
    expect(formatPointChange(-0.1)).toBe(`${MINUS}10,0`);
    expect(formatPointChange(0)).toBe('±0,0');
    expect(formatPointChange(1 / 6 - 1 / 6)).toBe('±0,0');
  });

  it('writes a value with its unit, NOK as kroner', () => {
    expect(formatValue(205, 'dager')).toBe(`205${NBSP}dager`);
    expect(formatValue(20000000, 'NOK')).toBe(`20${NBSP}000${NBSP}000${NBSP}kr`);
    expect(formatValue(12.25, '%')).toBe(`12,25${NBSP}%`);
  });

  it('writes instants in Norwegian time, winter and summer', () => {
    expect(formatDateTime('2022-03-10T11:00:00Z')).toBe('10.03.2022 kl. 12:00');
    expect(formatDateTime('2022-07-01T22:30:00Z')).toBe('02.07.2022 kl. 00:30');
    expect(formatDateTime('2022-07-01T22:30:00Z', 'at')).toBe('02.07.2022 at 00:30');
  });

  it('turns a datetime-local value in Norwegian time into UTC and back', () => {
    expect(fromLocalInput('2022-03-10T12:00')).toBe('2022-03-10T11:00:00Z');
    expect(fromLocalInput('2022-07-02T00:30:15')).toBe('2022-07-01T22:30:15Z');
    expect(toLocalInput('2022-03-10T11:00:00Z')).toBe('2022-03-10T12:00:00');
    expect(fromLocalInput('not a time')).toBeUndefined();
    for (const instant of ['2021-01-01T00:00:00Z', '2021-03-28T00:59:59Z', '2024-06-15T08:07:06Z']) {
      expect(fromLocalInput(toLocalInput(instant))).toBe(instant);
    }
  });

  it('knows the previous year-end and today in Norway', () => {
    expect(previousYearEnd('2026-11-26')).toBe('2025-12-31');
    expect(previousYearEnd('2021-12-31')).toBe('2020-12-31');
    expect(todayInOslo(new Date('2021-12-31T23:30:00Z'))).toBe('2022-01-01');
    expect(todayInOslo(new Date('2021-12-31T22:59:59Z'))).toBe('2021-12-31');
    // Summer time: 22:30 UTC is 00:30 the next day in Oslo, but not before it starts or after it ends.
    expect(todayInOslo(new Date('2026-07-01T22:30:00Z'))).toBe('2026-07-02');
    expect(todayInOslo(new Date('2026-03-28T22:30:00Z'))).toBe('2026-03-28');
    expect(todayInOslo(new Date('2026-03-29T22:30:00Z'))).toBe('2026-03-30');
    expect(todayInOslo(new Date('2026-10-24T22:30:00Z'))).toBe('2026-10-25');
    expect(todayInOslo(new Date('2026-10-25T22:30:00Z'))).toBe('2026-10-25');
  });

  it('agrees with the time-zone database on today in Oslo, hour by hour through a year', () => {
    const oslo = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 2); t += 3_600_000) {
      expect(todayInOslo(new Date(t)), new Date(t).toISOString()).toBe(oslo.format(new Date(t)));
    }
  });

  it('writes periods with an en dash', () => {
    expect(formatPeriod({ start: 2015, end: 2018 })).toBe('2015–2018');
    expect(formatPeriod({ start: 2021, end: 2021 })).toBe('2021');
  });
});
