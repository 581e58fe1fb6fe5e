// Actions (tiltak) with status, owner and budget per year, and benefits
// (gevinster) grouped per stakeholder with their realisation status.
// Shared by the focus-area view and the view of all actions.

import type { Action, Benefit, BudgetTotal, Stakeholder } from '../api/types';
import { STAKEHOLDERS } from '../api/types';
import { formatAmount, formatDate, formatPeriod } from '../format';
import { useT } from '../i18n';
import { Actor, ActionStatusBadge, BenefitStatusBadge } from './Badges';
import { ActionStatusForm, BenefitRealisationForm, BudgetLineForm, MeasurementForm } from './edit/forms';
import { IndicatorChart } from './IndicatorChart';
import { TableBox } from './TableBox';

type Level = 2 | 3 | 4;

function Heading({ level, children, id }: { level: Level; children: preact.ComponentChildren; id?: string }) {
  const H = `h${level}` as 'h2';
  return <H id={id}>{children}</H>;
}

/** Planned and actual amounts per year, with a total row. */
export function BudgetTable({ totals, caption }: { totals: BudgetTotal[]; caption: string }) {
  const t = useT();
  if (totals.length === 0) return <p class="muted">{t('budget.none')}</p>;
  const planned = totals.reduce((sum, b) => sum + b.planned, 0);
  const actual = totals.reduce((sum, b) => sum + b.actual, 0);
  return (
    <TableBox label={caption}>
      <table class="budget">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('budget.year')}</th>
            <th scope="col" class="num">
              {t('budget.planned')}
            </th>
            <th scope="col" class="num">
              {t('budget.actual')}
            </th>
          </tr>
        </thead>
        <tbody>
          {totals.map((b) => (
            <tr key={b.year} data-year={b.year}>
              <th scope="row">{b.year}</th>
              <td class="num planned">{formatAmount(b.planned)}</td>
              <td class="num actual">{formatAmount(b.actual)}</td>
            </tr>
          ))}
        </tbody>
        {totals.length > 1 && (
          <tfoot>
            <tr>
              <th scope="row">{t('budget.total')}</th>
              <td class="num">{formatAmount(planned)}</td>
              <td class="num">{formatAmount(actual)}</td>
            </tr>
          </tfoot>
        )}
      </table>
    </TableBox>
  );
}

export function ActionItem({ action, level, canEdit }: { action: Action; level: Level; canEdit: boolean }) {
  const t = useT();
  return (
    <article class="action card" data-action={action.id}>
      <Heading level={level}>{action.title}</Heading>
      <dl class="facts">
        {action.kind && (
          <div>
            <dt>{t('action.kind')}</dt>
            <dd>{t(`actionKind.${action.kind}`)}</dd>
          </div>
        )}
        <div>
          <dt>{t('action.status')}</dt>
          <dd>
            <ActionStatusBadge status={action.status} />{' '}
            <span class="muted">{t('action.since', { date: formatDate(action.statusSince) })}</span>
            {action.statusNote && <span class="note"> – {action.statusNote}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('action.owner')}</dt>
          <dd class="owner">{action.owner ? action.owner.name : t('action.noOwner')}</dd>
        </div>
        <div>
          <dt>{t('action.period')}</dt>
          <dd>{formatPeriod(action.period)}</dd>
        </div>
        {action.goals.length > 0 && (
          <div>
            <dt>{t('action.goals')}</dt>
            <dd>{action.goals.map((g) => g.number).join(', ')}</dd>
          </div>
        )}
        {action.decommissioning && (
          <div>
            <dt>{t('action.decommissioning')}</dt>
            <dd>{t('yes')}</dd>
          </div>
        )}
      </dl>
      {action.description && <p class="description">{action.description}</p>}
      <BudgetTable totals={action.budgetTotals} caption={t('budget.caption', { title: action.title })} />
      {action.statusHistory.length > 1 && (
        <details class="history-details">
          <summary>{t('action.statusHistory')}</summary>
          <ul class="timeline">
            {action.statusHistory.map((h, i) => (
              <li key={i}>
                {formatDate(h.effectiveAt)}: {t(`actionStatus.${h.status}`)}
                {h.note && ` – ${h.note}`}{' '}
                <span class="muted">
                  ({t('history.recordedBy', { date: formatDate(h.recordedAt) })} <Actor actor={h.actor} />)
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {canEdit && (
        <div class="edit-group">
          <ActionStatusForm actionId={action.id} version={action.version} current={action.status} />
          <BudgetLineForm actionId={action.id} version={action.version} period={action.period} />
        </div>
      )}
    </article>
  );
}

export function ActionList({ actions, level, canEdit }: { actions: Action[]; level: Level; canEdit: boolean }) {
  const t = useT();
  if (actions.length === 0) return <p class="muted">{t('action.none')}</p>;
  return (
    <div class="action-list">
      {actions.map((a) => (
        <ActionItem key={a.id} action={a} level={level} canEdit={canEdit} />
      ))}
    </div>
  );
}

function BenefitItem({ benefit, canEdit }: { benefit: Benefit; canEdit: boolean }) {
  const t = useT();
  const latest = benefit.realisation[benefit.realisation.length - 1];
  return (
    <li class="benefit" data-benefit={benefit.id}>
      <p class="benefit-title">
        <strong>{benefit.title}</strong>
      </p>
      <p>
        <BenefitStatusBadge status={benefit.status} />
        {latest && <span class="muted"> {t('benefit.since', { date: formatDate(latest.effectiveAt) })}</span>}
        {benefit.category && <> · {t(`benefitCategory.${benefit.category}`)}</>}
        {benefit.disbenefit && <> · {t('benefit.disbenefit')}</>}
        {benefit.unexpected && <> · {t('benefit.unexpected')}</>}
      </p>
      {(benefit.responsible || benefit.due) && (
        <p class="muted">
          {benefit.responsible && t('benefit.responsible', { name: benefit.responsible })}
          {benefit.responsible && benefit.due && ' · '}
          {benefit.due && t('benefit.due', { date: formatDate(benefit.due) })}
        </p>
      )}
      {latest?.note && <p class="note">{latest.note}</p>}
      {benefit.indicators.map((indicator) => (
        <div key={indicator.id}>
          <IndicatorChart indicator={indicator} />
          {canEdit && <MeasurementForm indicatorId={indicator.id} version={indicator.version} unit={indicator.unit} />}
        </div>
      ))}
      {canEdit && <BenefitRealisationForm benefitId={benefit.id} version={benefit.version} current={benefit.status} />}
    </li>
  );
}

/** Benefits per stakeholder, in the guidance's order: citizens, employees, relatives, the organisation, others. */
export function groupByStakeholder(benefits: Benefit[]): [Stakeholder | null, Benefit[]][] {
  const groups: [Stakeholder | null, Benefit[]][] = [];
  for (const stakeholder of [...STAKEHOLDERS, null]) {
    const items = benefits.filter((b) => b.stakeholder === stakeholder);
    if (items.length) groups.push([stakeholder, items]);
  }
  return groups;
}

export function BenefitsByStakeholder({ benefits, level, canEdit }: { benefits: Benefit[]; level: Level; canEdit: boolean }) {
  const t = useT();
  if (benefits.length === 0) return <p class="muted">{t('benefit.none')}</p>;
  return (
    <div class="benefits">
      {groupByStakeholder(benefits).map(([stakeholder, items]) => (
        <section key={stakeholder ?? 'none'} class="stakeholder" data-stakeholder={stakeholder ?? ''}>
          <Heading level={level}>
            {t(`stakeholder.${stakeholder ?? 'NONE'}`)} <span class="muted">({items.length})</span>
          </Heading>
          <ul class="benefit-list">
            {items.map((b) => (
              <BenefitItem key={b.id} benefit={b} canEdit={canEdit} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
