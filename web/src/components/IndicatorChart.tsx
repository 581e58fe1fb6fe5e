// A small chart of an indicator: the baseline (nullpunktsmåling) as a
// square, measurements as a line with dots, targets as diamonds. The table
// under it is the text alternative and holds the same figures.

import type { Indicator } from '../api/types';
import { formatDate, formatNumber, formatValue } from '../format';
import { useT } from '../i18n';
import { CHART_PADDING, indicatorGeometry } from '../logic/chart';

type Kind = 'baseline' | 'measurement' | 'target';

/** The mark of each kind of figure, drawn the same in the chart and beside its row in the table. */
function Mark({ kind, x, y }: { kind: Kind; x: number; y: number }) {
  if (kind === 'baseline') return <rect x={x - 5} y={y - 5} width="10" height="10" class="baseline" />;
  if (kind === 'target') return <path d={`M${x},${y - 6} l6,6 l-6,6 l-6,-6 z`} class="target" />;
  return <circle cx={x} cy={y} r="4" class="measured" />;
}

function Key({ kind }: { kind: Kind }) {
  return (
    <svg class="indicator-key" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <Mark kind={kind} x={7} y={7} />
    </svg>
  );
}

export function IndicatorChart({ indicator }: { indicator: Indicator }) {
  const t = useT();
  const g = indicatorGeometry(indicator, 300, 120);
  const rows: { kind: Kind; on: string; value: number; comment: string | null }[] = [
    ...(indicator.baseline ? [{ kind: 'baseline' as const, on: indicator.baseline.on, value: indicator.baseline.value, comment: indicator.baseline.comment }] : []),
    ...indicator.measurements.map((m) => ({ kind: 'measurement' as const, on: m.on, value: m.value, comment: m.comment })),
    ...indicator.targets.map((target) => ({ kind: 'target' as const, on: target.due, value: target.value, comment: null })),
  ];
  return (
    <figure class="indicator" data-indicator={indicator.id}>
      <figcaption>
        <strong>{indicator.name}</strong>
        {indicator.direction && <span class="muted"> ({t(`direction.${indicator.direction}`)})</span>}
        {indicator.stale && <span class="badge stale"> {t('indicator.stale')}</span>}
      </figcaption>
      {g && (
        <svg class="indicator-chart" viewBox={`0 0 ${g.width} ${g.height}`} aria-hidden="true" focusable="false">
          {g.yTicks.map((tick) => (
            <g key={tick.value}>
              <line x1={CHART_PADDING.left - 4} x2={g.width} y1={tick.y} y2={tick.y} class="grid" />
              <text x={CHART_PADDING.left - 8} y={tick.y + 4} text-anchor="end" class="chart-text small">
                {formatNumber(tick.value)}
              </text>
            </g>
          ))}
          <text x={CHART_PADDING.left} y={g.height - 4} class="chart-text small">
            {formatDate(g.from)}
          </text>
          {g.to !== g.from && (
            <text x={g.width - CHART_PADDING.right} y={g.height - 4} text-anchor="end" class="chart-text small">
              {formatDate(g.to)}
            </text>
          )}
          {g.targets.map((p) => (
            <g key={`t${p.date}`}>
              <line x1={CHART_PADDING.left} x2={g.width} y1={p.y} y2={p.y} class="target-line" />
              <Mark kind="target" x={p.x} y={p.y} />
            </g>
          ))}
          {g.measurements.length > 0 && (
            <polyline
              class="measured-line"
              points={[...(g.baseline ? [g.baseline] : []), ...g.measurements].map((p) => `${p.x},${p.y}`).join(' ')}
            />
          )}
          {g.baseline && <Mark kind="baseline" x={g.baseline.x} y={g.baseline.y} />}
          {g.measurements.map((p) => (
            <Mark key={`m${p.date}`} kind="measurement" x={p.x} y={p.y} />
          ))}
        </svg>
      )}
      <table class="compact">
        <caption class="visually-hidden">{t('indicator.tableCaption', { name: indicator.name })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('indicator.kind')}</th>
            <th scope="col">{t('indicator.date')}</th>
            <th scope="col" class="num">{t('indicator.value')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <th scope="row">
                <Key kind={row.kind} /> {t(`indicator.${row.kind}`)}
              </th>
              <td>{formatDate(row.on)}</td>
              <td class="num">
                {formatValue(row.value, indicator.unit)}
                {row.comment && <span class="muted"> – {row.comment}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
