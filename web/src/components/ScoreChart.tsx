// Attainment scores as columns, one per year-end, on a 0–100 % scale with
// gridlines; the percentage is written above each column and the year
// under it. The table beside it in the view holds the same numbers for
// screen readers, so the chart itself is hidden from them.

import { formatPercent } from '../format';

export interface ScoreColumn {
  label: string;
  score: number | null;
}

const GRID = [0, 0.25, 0.5, 0.75, 1];

export function ScoreChart({ columns }: { columns: ScoreColumn[] }) {
  const left = 44;
  const step = 64;
  const width = left + step * columns.length + 8;
  const top = 22;
  const plot = 100;
  const height = top + plot + 26;
  const y = (score: number) => top + plot - score * plot;
  return (
    <svg class="score-chart" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
      {GRID.map((g) => (
        <g key={g}>
          <line x1={left - 4} x2={width - 8} y1={y(g)} y2={y(g)} class={g === 0 ? 'axis' : 'grid'} />
          <text x={left - 8} y={y(g) + 4} text-anchor="end" class="chart-text small">
            {`${g * 100}\u00a0%`}
          </text>
        </g>
      ))}
      {columns.map((c, i) => {
        const x = left + 12 + i * step;
        const h = c.score === null ? 0 : Math.max(1, c.score * plot);
        return (
          <g key={c.label}>
            <rect x={x} y={top + plot - h} width="40" height={h} class="column" fill="url(#status-ACHIEVED)" />
            <text x={x + 20} y={top + plot - h - 6} text-anchor="middle" class="chart-text">
              {formatPercent(c.score)}
            </text>
            <text x={x + 20} y={height - 6} text-anchor="middle" class="chart-text">
              {c.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
