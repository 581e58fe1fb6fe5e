// Goal attainment (måloppnåelse) as DESIGN.md defines it: a count of goals
// per status, and a score where ACHIEVED counts 1, PARTIALLY_ACHIEVED 0.5,
// every other status 0, and DROPPED goals are left out of the denominator.
// The server computes the same; the page uses these for its own sums (a
// stakeholder group, a chart) and to lay out the stacked bars.

import { GOAL_STATUSES, type Attainment, type GoalStatus } from '../api/types';

export type Counts = Record<GoalStatus, number>;

export function emptyCounts(): Counts {
  return Object.fromEntries(GOAL_STATUSES.map((s) => [s, 0])) as Counts;
}

/** Goals per status; every status present, zero when none. */
export function countByStatus(goals: readonly { status: GoalStatus }[]): Counts {
  const counts = emptyCounts();
  for (const goal of goals) counts[goal.status] += 1;
  return counts;
}

/** The counts of an API attainment as a record. */
export function countsOf(attainment: Pick<Attainment, 'counts'>): Counts {
  const counts = emptyCounts();
  for (const { status, count } of attainment.counts) counts[status] = count;
  return counts;
}

export function total(counts: Counts): number {
  return GOAL_STATUSES.reduce((sum, s) => sum + counts[s], 0);
}

/** The attainment score, or null when no goal counts (none, or all dropped). */
export function score(counts: Counts): number | null {
  const denominator = total(counts) - counts.DROPPED;
  if (denominator <= 0) return null;
  return (counts.ACHIEVED + 0.5 * counts.PARTIALLY_ACHIEVED) / denominator;
}

/** Change in score since an earlier moment; null when either side has no score. */
export function scoreChange(now: number | null | undefined, before: number | null | undefined): number | null {
  if (now === null || now === undefined || before === null || before === undefined) return null;
  return now - before;
}

export interface Segment {
  status: GoalStatus;
  count: number;
  /** Start and width as fractions of the whole bar (0–1). */
  start: number;
  width: number;
}

/** The parts of a stacked bar, in status order, leaving out statuses with no goals. */
export function barSegments(counts: Counts): Segment[] {
  const all = total(counts);
  if (all === 0) return [];
  const segments: Segment[] = [];
  let done = 0;
  for (const status of GOAL_STATUSES) {
    const count = counts[status];
    if (count === 0) continue;
    // Positions from cumulative counts, so rounding never leaves a gap or
    // overshoots the end of the bar.
    const start = done / all;
    done += count;
    segments.push({ status, count, start, width: done / all - start });
  }
  return segments;
}
