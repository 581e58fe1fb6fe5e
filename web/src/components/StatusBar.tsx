// The stacked bar of goals per status, with its legend. The legend is the
// text alternative: every status with goals is written out with its count,
// so the bar itself is hidden from screen readers rather than read twice.

import { GOAL_STATUSES } from '../api/types';
import { useT } from '../i18n';
import { barSegments, total, type Counts } from '../logic/attainment';
import { patternId, Swatch } from './Patterns';

/** A segment gets its count written inside when it is at least this share of the bar. */
const LABEL_MIN_WIDTH = 0.09;

export function StatusBar({ counts, showZero = false }: { counts: Counts; showZero?: boolean }) {
  const t = useT();
  const segments = barSegments(counts);
  const all = total(counts);
  if (all === 0) return <p class="muted">{t('attainment.noGoals')}</p>;
  return (
    <div class="status-bar">
      <svg class="bar" width="100%" height="30" aria-hidden="true" focusable="false">
        {segments.map((s) => (
          <g key={s.status}>
            <rect
              x={`${s.start * 100}%`}
              y="1"
              width={`${s.width * 100}%`}
              height="28"
              fill={`url(#${patternId(s.status)})`}
              stroke="#1f2937"
              stroke-width="1"
            />
            {s.width >= LABEL_MIN_WIDTH && (
              <text x={`${(s.start + s.width / 2) * 100}%`} y="20" text-anchor="middle" class="bar-label">
                {s.count}
              </text>
            )}
          </g>
        ))}
      </svg>
      <ul class="legend">
        {GOAL_STATUSES.filter((s) => showZero || counts[s] > 0).map((status) => (
          <li key={status} data-status={status}>
            <Swatch status={status} />
            <span class="legend-name">{t(`goalStatus.${status}`)}</span>{' '}
            <strong class="count">{counts[status]}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}
