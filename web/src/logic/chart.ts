// Geometry for the small indicator charts: measurements over time against
// the baseline (nullpunktsmåling) and the targets. Pure functions so that
// the arithmetic is tested apart from the drawing.

import type { Indicator } from '../api/types';

export interface ChartPoint {
  x: number;
  y: number;
  date: string;
  value: number;
}

export interface IndicatorGeometry {
  width: number;
  height: number;
  baseline: ChartPoint | null;
  measurements: ChartPoint[];
  targets: ChartPoint[];
  yTicks: { value: number; y: number }[];
  /** The first and last date shown, for the axis labels. */
  from: string;
  to: string;
}

const DAY = 86_400_000;

export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);
}

/** A "nice" step (1, 2, 5 × 10^n) that divides `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (span <= 0 || !Number.isFinite(span)) return 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** A value axis from zero (or the lowest negative value) to a nice maximum, with its ticks. */
export function valueAxis(values: number[], count = 4): { min: number; max: number; ticks: number[] } {
  const lowest = Math.min(0, ...values);
  const highest = Math.max(0, ...values);
  const step = niceStep(highest - lowest || 1, count);
  const min = Math.floor(lowest / step) * step;
  const max = Math.max(Math.ceil(highest / step) * step, min + step);
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { min, max, ticks };
}

export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (v) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** Room around the plot: value labels on the left, date labels below. */
export const CHART_PADDING = { left: 52, right: 12, top: 10, bottom: 22 };

/** Lays out an indicator's baseline, measurements and targets in a `width` × `height` box. */
export function indicatorGeometry(indicator: Indicator, width = 300, height = 120): IndicatorGeometry | null {
  const dated = [
    ...(indicator.baseline ? [indicator.baseline] : []),
    ...indicator.measurements,
    ...indicator.targets.map((t) => ({ value: t.value, on: t.due })),
  ];
  if (dated.length === 0) return null;
  const days = dated.map((d) => dayNumber(d.on));
  const axis = valueAxis(dated.map((d) => d.value));
  const p = CHART_PADDING;
  const x = linear([Math.min(...days), Math.max(...days)], [p.left, width - p.right]);
  const y = linear([axis.min, axis.max], [height - p.bottom, p.top]);
  const point = (date: string, value: number): ChartPoint => ({ x: x(dayNumber(date)), y: y(value), date, value });
  const sortedDates = dated.map((d) => d.on).sort();
  return {
    width,
    height,
    baseline: indicator.baseline ? point(indicator.baseline.on, indicator.baseline.value) : null,
    measurements: [...indicator.measurements].sort((a, b) => a.on.localeCompare(b.on)).map((m) => point(m.on, m.value)),
    targets: [...indicator.targets].sort((a, b) => a.due.localeCompare(b.due)).map((t) => point(t.due, t.value)),
    yTicks: axis.ticks.map((value) => ({ value, y: y(value) })),
    from: sortedDates[0],
    to: sortedDates[sortedDates.length - 1],
  };
}
