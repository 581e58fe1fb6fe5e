// Attainment scores as columns, one per year-end (or per strategy), with
// the percentage written above each column and the label under it. The
// table next to it in the view holds the same numbers for screen readers.

import { formatPercent } from '../format';

export interface ScoreColumn {
  label: string;
  score: number | null;
}

export function ScoreChart({ columns, title }: { columns: ScoreColumn[]; title: string }) {
  const width = 60 * columns.length + 20;
  const height = 150;
  const top = 22;
  const bottom = 24;
  const plot = height - top - bottom;
  return (
    <svg class="score-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} focusable="false">
      <line x1="10" x2={width - 10} y1={top + plot} y2={top + plot} class="axis" />
      {columns.map((c, i) => {
        const x = 20 + i * 60;
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
