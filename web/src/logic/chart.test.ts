import { describe, expect, it } from 'vitest';
import type { Indicator } from '../api/types';
import { CHART_PADDING, dayNumber, indicatorGeometry, linear, niceStep, valueAxis } from './chart';

const hiring: Indicator = {
  id: 'i',
  version: 4,
  name: 'Dager fra behovet oppsto til kandidat var på plass',
  unit: 'dager',
  direction: 'LOWER_IS_BETTER',
  stale: false,
  baseline: { value: 205, on: '2021-06-01', comment: null },
  targets: [{ due: '2023-12-31', value: 100, setOn: '2021-06-01' }],
  measurements: [
    { value: 150, on: '2022-12-31', comment: null },
    { value: 180, on: '2022-06-30', comment: null },
  ],
};

describe('indicator chart arithmetic', () => {
  it('picks nice steps', () => {
    expect(niceStep(205, 4)).toBe(100);
    expect(niceStep(20_000_000, 4)).toBe(5_000_000);
    expect(niceStep(1, 4)).toBe(0.5);
    expect(niceStep(0, 4)).toBe(1);
  });

  it('starts the value axis at zero and ends on a tick above the largest value', () => {
    expect(valueAxis([205, 100, 150])).toEqual({ min: 0, max: 300, ticks: [0, 100, 200, 300] });
    expect(valueAxis([-5, 10]).min).toBeLessThanOrEqual(-5);
    expect(valueAxis([0]).max).toBeGreaterThan(0);
  });

  it('maps linearly, and a point domain to the middle', () => {
    expect(linear([0, 10], [0, 100])(2.5)).toBe(25);
    expect(linear([0, 10], [100, 0])(10)).toBe(0);
    expect(linear([5, 5], [0, 100])(5)).toBe(50);
  });

  it('places the baseline first, the measurements in date order and the target last', () => {
    const g = indicatorGeometry(hiring, 300, 120)!;
    expect(g.from).toBe('2021-06-01');
    expect(g.to).toBe('2023-12-31');
    expect(g.baseline!.x).toBe(CHART_PADDING.left);
    expect(g.targets[0].x).toBe(300 - CHART_PADDING.right);
    expect(g.measurements.map((m) => m.date)).toEqual(['2022-06-30', '2022-12-31']);
    // Lower values sit lower on the chart (larger y).
    expect(g.targets[0].y).toBeGreaterThan(g.baseline!.y);
    expect(g.measurements[0].x).toBeGreaterThan(g.baseline!.x);
    expect(g.measurements[1].x).toBeLessThan(g.targets[0].x);
  });

  it('draws nothing for an indicator without figures', () => {
    expect(indicatorGeometry({ ...hiring, baseline: null, targets: [], measurements: [] })).toBeNull();
  });

  it('counts days in UTC', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2021-12-31') - dayNumber('2021-01-01')).toBe(364);
  });
});
