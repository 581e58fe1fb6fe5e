// One focus area: its goals with status and latest justification, their
// indicators against baseline and target, the linked actions with status,
// owner and budget per year, and the benefits per stakeholder.

import { AREA } from '../api/queries';
import type { FocusArea, StrategyHeader } from '../api/types';
import { ActionList, BenefitsByStakeholder, BudgetTable } from '../components/Actions';
import { GoalStatusBadge } from '../components/Badges';
import { crumbsFor } from '../components/crumbs';
import { MeasurementForm } from '../components/edit/forms';
import { IndicatorChart } from '../components/IndicatorChart';
import { Page } from '../components/Page';
import { StatusBar } from '../components/StatusBar';
import { formatDate, formatPercent } from '../format';
import { computedMeta, momentVariables, useApp, useGraphql, useHref } from '../hooks';
import { useT } from '../i18n';
import { countsOf } from '../logic/attainment';
import { useCanEdit } from '../viewer';

interface AreaData {
  strategy: (StrategyHeader & { focusAreas: FocusArea[] }) | null;
}

export function AreaView({ org, strategy: id, area: areaId }: { org: string; strategy: string; area: string }) {
  const t = useT();
  const href = useHref();
  const { route } = useApp();
  const q = useGraphql<AreaData>(AREA, { id, ...momentVariables(route) });
  const strategy = q.data?.strategy;
  const area = strategy?.focusAreas.find((a) => a.id === areaId);
  const canEdit = useCanEdit(strategy?.organization?.id);
  const benefits = area?.actions.flatMap((a) => a.benefits) ?? [];

  return (
    <Page
      title={area ? t('area.title', { number: area.number, title: area.title }) : t('loadingTitle')}
      crumbs={crumbsFor(href, t, { org: strategy?.organization ?? undefined, strategy: strategy ?? undefined })}
      meta={computedMeta(q.meta, strategy?.computedAt)}
      period={strategy?.period}
      loading={q.loading}
      error={q.error}
      missing={q.data && !area ? t('area.missing') : false}
    >
      {strategy && area && (
        <>
          {area.description && <p class="lead">{area.description}</p>}
          <section aria-labelledby="area-status-heading">
            <h2 id="area-status-heading">{t('area.status')}</h2>
            <p class="goal-count">{t('attainment.goals', { n: area.attainment.goals })}</p>
            <StatusBar counts={countsOf(area.attainment)} />
            <p>
              {t('attainment.score')}: <strong class="score">{formatPercent(area.attainment.score)}</strong>
            </p>
          </section>
          <section aria-labelledby="goals-heading">
            <h2 id="goals-heading">{t('area.goals')}</h2>
            {area.goals.length === 0 ? (
              <p class="muted">{t('area.noGoals')}</p>
            ) : (
              <ul class="goal-list">
                {area.goals.map((goal) => (
                  <li key={goal.id} class="goal card" data-goal={goal.number}>
                    <h3>
                      <a href={href({ name: 'goal', org, strategy: id, area: area.id, goal: goal.id })}>
                        {t('goal.title', { number: goal.number })}
                      </a>
                    </h3>
                    <p class="wording">{goal.wording}</p>
                    <p>
                      <GoalStatusBadge status={goal.status} />
                    </p>
                    {goal.assessment ? (
                      <blockquote class="justification">
                        <p>{goal.assessment.justification}</p>
                        <footer class="muted">{t('goal.assessedOn', { date: formatDate(goal.assessment.effectiveAt) })}</footer>
                      </blockquote>
                    ) : (
                      <p class="muted">{t('goal.notAssessed')}</p>
                    )}
                    {goal.indicators.map((indicator) => (
                      <div key={indicator.id}>
                        <IndicatorChart indicator={indicator} />
                        {canEdit && <MeasurementForm indicatorId={indicator.id} version={indicator.version} unit={indicator.unit} />}
                      </div>
                    ))}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="actions-heading">
            <h2 id="actions-heading">{t('area.actions')}</h2>
            <ActionList actions={area.actions} level={3} canEdit={canEdit} />
            {area.actions.length > 0 && (
              <BudgetTable totals={area.budgetTotals} caption={t('budget.areaCaption', { number: area.number })} />
            )}
          </section>
          <section aria-labelledby="benefits-heading">
            <h2 id="benefits-heading">{t('area.benefits')}</h2>
            <BenefitsByStakeholder benefits={benefits} level={3} canEdit={canEdit} />
          </section>
        </>
      )}
    </Page>
  );
}
