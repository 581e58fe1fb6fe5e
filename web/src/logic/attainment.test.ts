import { describe, expect, it } from 'vitest';
import type { GoalStatus } from '../api/types';
import { barSegments, countByStatus, countsOf, emptyCounts, score, scoreChange, total } from './attainment';

const goals = (...statuses: GoalStatus[]) => statuses.map((status) => ({ status }));

describe('goal attainment', () => {
  it('counts goals per status, every status present', () => {
    const counts = countByStatus(goals('ACHIEVED', 'ACHIEVED', 'IN_PROGRESS', 'DROPPED'));
    expect(counts).toEqual({ NOT_STARTED: 0, IN_PROGRESS: 1, PARTIALLY_ACHIEVED: 0, ACHIEVED: 2, NOT_ACHIEVED: 0, DROPPED: 1 });
    expect(total(counts)).toBe(4);
  });

  it('scores achieved as 1 and partially achieved as 0.5, leaving dropped goals out', () => {
    expect(score(countByStatus(goals('ACHIEVED', 'PARTIALLY_ACHIEVED', 'NOT_STARTED', 'NOT_ACHIEVED')))).toBe(1.5 / 4);
    expect(score(countByStatus(goals('ACHIEVED', 'DROPPED', 'DROPPED')))).toBe(1);
  });

  it('has no score without goals that count', () => {
    expect(score(emptyCounts())).toBeNull();
    expect(score(countByStatus(goals('DROPPED')))).toBeNull();
  });

  it('agrees with the server on Kongsbergregionen 2015–2018 as of autumn 2015', () => {
    const counts = countsOf({
      counts: [
        { status: 'NOT_STARTED', count: 33 },
        { status: 'IN_PROGRESS', count: 8 },
        { status: 'PARTIALLY_ACHIEVED', count: 5 },
        { status: 'ACHIEVED', count: 5 },
        { status: 'NOT_ACHIEVED', count: 0 },
        { status: 'DROPPED', count: 0 },
      ],
    });
    expect(score(counts)).toBeCloseTo(0.14705882352941177, 12);
  });

  it('gives the change in score only when both moments have one', () => {
    expect(scoreChange(0.5, 0.25)).toBe(0.25);
    expect(scoreChange(0.5, null)).toBeNull();
    expect(scoreChange(null, 0.5)).toBeNull();
  });

  it('lays out a stacked bar in status order, without gaps, leaving out empty statuses', () => {
    const segments = barSegments(countByStatus(goals('ACHIEVED', 'NOT_STARTED', 'NOT_STARTED', 'IN_PROGRESS', 'ACHIEVED', 'PARTIALLY_ACHIEVED', 'NOT_STARTED')));
    expect(segments.map((s) => [s.status, s.count])).toEqual([
      ['NOT_STARTED', 3],
      ['IN_PROGRESS', 1],
      ['PARTIALLY_ACHIEVED', 1],
      ['ACHIEVED', 2],
    ]);
    expect(segments[0].start).toBe(0);
    for (let i = 1; i < segments.length; i++) {
      expect(segments[i].start).toBeCloseTo(segments[i - 1].start + segments[i - 1].width, 12);
    }
    const last = segments[segments.length - 1];
    expect(last.start + last.width).toBeCloseTo(1, 12);
    expect(barSegments(emptyCounts())).toEqual([]);
  });
});
