// A small chart of an indicator: the baseline (nullpunktsmåling) as a
// square, measurements as a line with dots, targets as diamonds. The table
// under it is the text alternative and holds the same figures.

import type { Indicator } from '../api/types';
import { formatDate, formatValue } from '../format';
import { useT } from '../i18n';
import { indicatorGeometry } from '../logic/chart';

export function IndicatorChart({ indicator }: { indicator: Indicator }) {
  const t = useT();
  const g = indicatorGeometry(indicator, 300, 120);
  const rows = [
    ...(indicator.baseline ? [{ kind: t('indicator.baseline'), on: indicator.baseline.on, value: indicator.baseline.value, comment: indicator.baseline.comment }] : []),
    ...indicator.measurements.map((m) => ({ kind: t('indicator.measurement'), on: m.on, value: m.value, comment: m.comment })),
    ...indicator.targets.map((target) => ({ kind: t('indicator.target'), on: target.due, value: target.value, comment: null })),
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
            <line key={tick.value} x1="0" x2={g.width} y1={tick.y} y2={tick.y} class="grid" />
          ))}
          {g.targets.map((p) => (
            <g key={`t${p.date}`}>
              <line x1="0" x2={g.width} y1={p.y} y2={p.y} class="target-line" />
              <path d={`M${p.x},${p.y - 6} l6,6 l-6,6 l-6,-6 z`} class="target" />
            </g>
          ))}
          {g.measurements.length > 0 && (
            <polyline
              class="measured-line"
              points={[...(g.baseline ? [g.baseline] : []), ...g.measurements].map((p) => `${p.x},${p.y}`).join(' ')}
            />
          )}
          {g.baseline && <rect x={g.baseline.x - 5} y={g.baseline.y - 5} width="10" height="10" class="baseline" />}
          {g.measurements.map((p) => (
            <circle key={`m${p.date}`} cx={p.x} cy={p.y} r="4" class="measured" />
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
              <th scope="row">{row.kind}</th>
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
