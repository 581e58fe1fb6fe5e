// Fills for the goal statuses: a colour AND a pattern each, so that a
// status can be told apart in greyscale, by people who do not see colour,
// and on paper. Defined once per page and referenced as url(#status-…) by
// every chart and swatch.

import type { GoalStatus } from '../api/types';

interface Fill {
  base: string;
  ink: string;
  /** Draws the pattern's marks in an 8 × 8 tile. */
  marks: (ink: string) => preact.JSX.Element | null;
}

export const STATUS_FILLS: Record<GoalStatus, Fill> = {
  NOT_STARTED: {
    base: '#ffffff',
    ink: '#4b5563',
    marks: (ink) => <circle cx="4" cy="4" r="1.3" fill={ink} />,
  },
  IN_PROGRESS: {
    base: '#cfe0fc',
    ink: '#1d4ed8',
    marks: (ink) => <path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke={ink} stroke-width="1.6" />,
  },
  PARTIALLY_ACHIEVED: {
    base: '#fde68a',
    ink: '#854d0e',
    marks: (ink) => <path d="M0,4 h8 M4,0 v8" stroke={ink} stroke-width="1.2" />,
  },
  ACHIEVED: {
    base: '#15803d',
    ink: '#15803d',
    marks: () => null,
  },
  NOT_ACHIEVED: {
    base: '#fecaca',
    ink: '#b91c1c',
    marks: (ink) => <path d="M0,2 l8,4 M0,6 l8,4 M0,-2 l8,4" stroke={ink} stroke-width="1.4" />,
  },
  DROPPED: {
    base: '#e5e7eb',
    ink: '#374151',
    marks: (ink) => <path d="M2,0 v8 M6,0 v8" stroke={ink} stroke-width="1.2" />,
  },
};

export function patternId(status: GoalStatus): string {
  return `status-${status}`;
}

export function PatternDefs() {
  return (
    <svg class="pattern-defs" width="0" height="0" aria-hidden="true" focusable="false">
      <defs>
        {(Object.keys(STATUS_FILLS) as GoalStatus[]).map((status) => {
          const fill = STATUS_FILLS[status];
          return (
            <pattern key={status} id={patternId(status)} patternUnits="userSpaceOnUse" width="8" height="8">
              <rect width="8" height="8" fill={fill.base} />
              {fill.marks(fill.ink)}
            </pattern>
          );
        })}
      </defs>
    </svg>
  );
}

/** A small square in a status's fill, beside its name. */
export function Swatch({ status }: { status: GoalStatus }) {
  return (
    <svg class="swatch" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="0.5" y="0.5" width="15" height="15" fill={`url(#${patternId(status)})`} stroke="#1f2937" />
    </svg>
  );
}
