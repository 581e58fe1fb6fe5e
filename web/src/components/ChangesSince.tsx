// For an as-of page: what has changed in the strategy since that instant
// (the `diff` query), so that an auditor sees at once what the page showed
// then and what was corrected or added afterwards, by whom and why.

import { gql } from '../api/client';
import { CHANGES_SINCE } from '../api/queries';
import type { GoalStatus } from '../api/types';
import { formatAmount, formatDate, formatDateTime, formatNumber } from '../format';
import { useApp, useQuery } from '../hooks';
import { useT, type Translate } from '../i18n';
import { Actor } from './Badges';
import { TableBox } from './TableBox';

interface Change {
  entityId: string;
  entityKind: string;
  field: string;
  before: unknown;
  after: unknown;
  effectiveAt: string;
  position: number;
  recordedAt: string;
  actor: string | null;
  reason: string | null;
}

interface ChangesData {
  diff: Change[];
  strategy: {
    title: string;
    focusAreas: { id: string; number: number; title: string }[];
    goals: { id: string; number: string }[];
    actions: { id: string; title: string }[];
    benefits: { id: string; title: string; indicators: { id: string; name: string }[] }[];
  } | null;
}

/** Names for the entities of a strategy: "Mål 3.2", an action's title … */
export function entityNames(t: Translate, strategy: ChangesData['strategy']): Map<string, string> {
  const names = new Map<string, string>();
  if (!strategy) return names;
  for (const a of strategy.focusAreas) names.set(a.id, t('area.title', { number: a.number, title: a.title }));
  for (const g of strategy.goals) names.set(g.id, t('goal.title', { number: g.number }));
  for (const a of strategy.actions) names.set(a.id, a.title);
  for (const b of strategy.benefits) {
    names.set(b.id, b.title);
    for (const i of b.indicators) names.set(i.id, i.name);
  }
  return names;
}

/** The stored field in words where the page knows it ("vurdering", "budsjett 2017, investering"), else as stored. */
export function describeField(t: Translate, field: string): string {
  if (field === 'assessment') return t('changes.assessment');
  const budget = /^budget:(\d{4}):([A-Z_]+)$/.exec(field);
  if (budget) return t('changes.budget', { year: budget[1], category: t(`budgetCategory.${budget[2]}`).toLowerCase() });
  return field;
}

const GOAL_STATUS = /^(NOT_STARTED|IN_PROGRESS|PARTIALLY_ACHIEVED|ACHIEVED|NOT_ACHIEVED|DROPPED)$/;

/** A changed value in words: a status by its label, a budget line as amounts, anything else briefly. */
export function describeValue(t: Translate, field: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return field.startsWith('budget:') ? formatAmount(value) : formatNumber(value);
  if (typeof value === 'string') return GOAL_STATUS.test(value) ? t(`goalStatus.${value as GoalStatus}`) : value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.status === 'string' && GOAL_STATUS.test(v.status)) {
      const label = t(`goalStatus.${v.status as GoalStatus}`);
      return typeof v.justification === 'string' ? `${label}: ${v.justification}` : label;
    }
    if (typeof v.planned === 'number') {
      return typeof v.actual === 'number'
        ? `${t('budget.planned')} ${formatAmount(v.planned)}, ${t('budget.actual').toLowerCase()} ${formatAmount(v.actual)}`
        : `${t('budget.planned')} ${formatAmount(v.planned)}`;
    }
  }
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

export function ChangesSince({ strategyId }: { strategyId: string }) {
  const t = useT();
  const { route } = useApp();
  const asOf = route.asOf;
  // "Now" a day ahead, so that a browser clock behind the server's still
  // takes in the newest changes; the server answers at its head anyway.
  const to = new Date(Date.now() + 86_400_000).toISOString();
  const q = useQuery<ChangesData>(
    asOf ? () => gql<ChangesData>(CHANGES_SINCE, { id: strategyId, from: asOf, to, validAt: route.validAt }) : null,
    `changes ${strategyId} ${asOf} ${route.validAt}`,
    { followLive: false },
  );
  if (!asOf || !q.data) return null;
  const names = entityNames(t, q.data.strategy);
  const at = t('format.at');
  return (
    <section aria-labelledby="changes-heading" class="changes">
      <h2 id="changes-heading">{t('changes.heading', { instant: formatDateTime(asOf, at) })}</h2>
      {q.data.diff.length === 0 ? (
        <p class="muted">{t('changes.none')}</p>
      ) : (
        <TableBox label={t('changes.caption')}>
          <table class="changes-table">
            <caption>{t('changes.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('changes.what')}</th>
                <th scope="col">{t('changes.before')}</th>
                <th scope="col">{t('changes.after')}</th>
                <th scope="col">{t('history.effective')}</th>
                <th scope="col">{t('history.recordedAt')}</th>
                <th scope="col">{t('history.who')}</th>
                <th scope="col">{t('history.why')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.diff.map((c) => (
                <tr key={`${c.position}-${c.entityId}-${c.field}`} data-entity={c.entityId}>
                  <th scope="row">
                    {names.get(c.entityId) ?? c.entityKind} <span class="muted">({describeField(t, c.field)})</span>
                  </th>
                  <td>{describeValue(t, c.field, c.before)}</td>
                  <td>{describeValue(t, c.field, c.after)}</td>
                  <td>{formatDate(c.effectiveAt)}</td>
                  <td>{formatDateTime(c.recordedAt, at)}</td>
                  <td>
                    <Actor actor={c.actor} />
                  </td>
                  <td>{c.reason ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}
