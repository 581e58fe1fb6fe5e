// Norwegian number and date formats, written out by hand rather than through
// Intl so that every browser (and the tests) gives exactly the same text:
// 31.12.2021, 1 250 000 kr, 14,7 %. Thousands are grouped with a no-break
// space (U+00A0) — the same character everywhere, also before "kr" and "%",
// so that an amount never breaks across lines.

export const NBSP = '\u00a0';
/** The minus sign, not a hyphen: a screen reader reads it as "minus". */
export const MINUS = '\u2212';

/** "2021-12-31" → "31.12.2021". */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
}

/** 1250000.5 → "1 250 000,5"; `decimals` fixes the number of decimals. */
export function formatNumber(value: number, decimals?: number): string {
  const fixed = decimals === undefined ? String(Math.abs(value)) : Math.abs(value).toFixed(decimals);
  if (/e/i.test(fixed)) return String(value);
  const [whole, fraction] = fixed.split('.');
  const sign = value < 0 && Number(fixed) !== 0 ? MINUS : '';
  return `${sign}${groupDigits(whole)}${fraction ? `,${fraction}` : ''}`;
}

/** 1250000 → "1 250 000 kr". */
export function formatAmount(kroner: number): string {
  return `${formatNumber(Math.round(kroner))}${NBSP}kr`;
}

/** A score between 0 and 1 as a percentage with one decimal: 0.147 → "14,7 %"; null → "–". */
export function formatPercent(score: number | null | undefined): string {
  if (score === null || score === undefined || Number.isNaN(score)) return '–';
  return `${formatNumber(score * 100, 1)}${NBSP}%`;
}

/** A change in score as signed percentage points: 0.05 → "+5,0", −0.1 → "−10,0", 0 → "±0,0". */
export function formatPointChange(delta: number): string {
  const points = Math.round(delta * 1000) / 10;
  if (points === 0) return `±${formatNumber(0, 1)}`;
  return `${points > 0 ? '+' : MINUS}${formatNumber(Math.abs(points), 1)}`;
}

/** A measured value with its unit: 205 "dager" → "205 dager", NOK amounts as kroner. */
export function formatValue(value: number, unit: string): string {
  if (unit.toUpperCase() === 'NOK' || unit === 'kr') return formatAmount(value);
  const decimals = Number.isInteger(value) ? 0 : Math.min(2, (String(value).split('.')[1] ?? '').length);
  return `${formatNumber(value, decimals)}${unit ? `${NBSP}${unit}` : ''}`;
}

const osloParts = new Map<string, Intl.DateTimeFormat>();

function partsIn(timeZone: string, date: Date): Record<string, string> {
  let format = osloParts.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    osloParts.set(timeZone, format);
  }
  const out: Record<string, string> = {};
  for (const part of format.formatToParts(date)) out[part.type] = part.value;
  return out;
}

/**
 * An instant as Norwegian wall-clock time: "10.03.2022 kl. 12:00". The log
 * records UTC; people read Norwegian time, so the zone is Europe/Oslo.
 */
export function formatDateTime(iso: string, at = 'kl.', timeZone = 'Europe/Oslo'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = partsIn(timeZone, date);
  return `${p.day}.${p.month}.${p.year} ${at} ${p.hour}:${p.minute}`;
}

/** The value of an `<input type="datetime-local">` for an instant, in Norwegian time. */
export function toLocalInput(iso: string, timeZone = 'Europe/Oslo'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const p = partsIn(timeZone, date);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** The instant an `<input type="datetime-local">` value means in Norwegian time, as UTC RFC 3339. */
export function fromLocalInput(value: string, timeZone = 'Europe/Oslo'): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return undefined;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  // The zone's offset at that wall time: format the guess back and correct by
  // the difference (twice, to settle across a daylight-saving change).
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = partsIn(timeZone, new Date(guess));
    const shown = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    guess += wall - shown;
  }
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/** The last Sunday of a month (0-based) of a year, as a UTC day of the month. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/**
 * Today's date in Norway as YYYY-MM-DD. Worked out from the EU summer-time
 * rule (CEST from 01:00 UTC on the last Sunday of March to 01:00 UTC on
 * the last Sunday of October) rather than through Intl: the overview needs
 * it before its first request, and a first Intl time-zone format costs tens
 * of milliseconds in Chromium. Today is always long after 1996, when
 * Norway took up that rule.
 */
export function todayInOslo(now = new Date()): string {
  const year = now.getUTCFullYear();
  const summerFrom = Date.UTC(year, 2, lastSunday(year, 2), 1);
  const summerUntil = Date.UTC(year, 9, lastSunday(year, 9), 1);
  const t = now.getTime();
  const offsetHours = t >= summerFrom && t < summerUntil ? 2 : 1;
  return new Date(t + offsetHours * 3_600_000).toISOString().slice(0, 10);
}

/** 31 December of the year before `date`'s year: the previous year-end. */
export function previousYearEnd(date: string): string {
  return `${Number(date.slice(0, 4)) - 1}-12-31`;
}

/** "2015–2018" with an en dash. */
export function formatPeriod(period: { start: number; end: number }): string {
  return period.start === period.end ? String(period.start) : `${period.start}–${period.end}`;
}
