// All actions (tiltak) of a strategy, grouped under the focus area they
// are reported under, with the strategy's budget per year, and all its
// benefits (gevinster) per stakeholder. Some plans tie their actions to no
// focus area (IKT Orkidé's 2021 projects); they are listed here too.

import { ACTIONS } from '../api/queries';
import type { Action, Benefit, BudgetTotal, StrategyHeader } from '../api/types';
import { ActionList, BenefitsByStakeholder, BudgetTable } from '../components/Actions';
import { crumbsFor } from '../components/crumbs';
import { Page } from '../components/Page';
import { StrategyFacts, StrategyNav } from '../components/StrategyNav';
import { computedMeta, momentVariables, useApp, useGraphql, useHref } from '../hooks';
import { useT } from '../i18n';
import { useCanEdit } from '../viewer';

interface ActionsData {
  strategy:
    | (StrategyHeader & {
        focusAreas: { id: string; number: number; title: string }[];
        actions: Action[];
        benefits: Benefit[];
        budgetTotals: BudgetTotal[];
      })
    | null;
}

export function ActionsView({ org, strategy: id }: { org: string; strategy: string }) {
  const t = useT();
  const href = useHref();
  const { route } = useApp();
  const q = useGraphql<ActionsData>(ACTIONS, { id, ...momentVariables(route) });
  const strategy = q.data?.strategy;
  const canEdit = useCanEdit(strategy?.organization?.id);
  const groups = strategy
    ? [
        ...strategy.focusAreas.map((area) => ({
          key: area.id,
          label: t('area.short', { number: area.number, title: area.title }),
          actions: strategy.actions.filter((a) => a.focusAreaId === area.id),
        })),
        {
          key: 'none',
          label: t('actionsView.noArea'),
          actions: strategy.actions.filter((a) => !a.focusAreaId || !strategy.focusAreas.some((f) => f.id === a.focusAreaId)),
        },
      ].filter((g) => g.actions.length > 0)
    : [];

  return (
    <Page
      title={strategy ? t('actionsView.title', { title: strategy.title }) : t('loadingTitle')}
      crumbs={crumbsFor(href, t, { org: strategy?.organization ?? undefined, strategy: strategy ?? undefined })}
      meta={computedMeta(q.meta, strategy?.computedAt)}
      period={strategy?.period}
      loading={q.loading}
      error={q.error}
      missing={q.data && !strategy ? t('strategy.missing') : false}
    >
      {strategy && (
        <>
          <StrategyFacts strategy={strategy} />
          <StrategyNav org={org} strategy={id} />
          <section aria-labelledby="budget-heading">
            <h2 id="budget-heading">{t('actionsView.budget')}</h2>
            <BudgetTable totals={strategy.budgetTotals} caption={t('actionsView.budgetCaption')} />
          </section>
          <section aria-labelledby="all-actions-heading">
            <h2 id="all-actions-heading">{t('actionsView.actions', { n: strategy.actions.length })}</h2>
            {groups.length === 0 && <p class="muted">{t('action.none')}</p>}
            {groups.map((group) => (
              <section key={group.key} class="action-group" aria-labelledby={`group-${group.key}`}>
                <h3 id={`group-${group.key}`}>{group.label}</h3>
                <ActionList actions={group.actions} level={4} canEdit={canEdit} />
              </section>
            ))}
          </section>
          <section aria-labelledby="all-benefits-heading">
            <h2 id="all-benefits-heading">{t('actionsView.benefits', { n: strategy.benefits.length })}</h2>
            <BenefitsByStakeholder benefits={strategy.benefits} level={3} canEdit={canEdit} />
          </section>
        </>
      )}
    </Page>
  );
}
