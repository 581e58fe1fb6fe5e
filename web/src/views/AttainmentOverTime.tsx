// Attainment over time: per year-end of the period (status per 31.12), per
// focus area, and side by side with the predecessor strategy.

import { ATTAINMENT_OVER_TIME } from '../api/queries';
import { GOAL_STATUSES, type Attainment, type GoalStatus, type Period, type StrategyHeader } from '../api/types';
import { GoalStatusBadge } from '../components/Badges';
import { crumbsFor } from '../components/crumbs';
import { Page } from '../components/Page';
import { ScoreChart } from '../components/ScoreChart';
import { StatusBar } from '../components/StatusBar';
import { StrategyFacts, StrategyNav } from '../components/StrategyNav';
import { formatDate, formatPercent } from '../format';
import { computedMeta, momentVariables, useApp, useGraphql, useHref } from '../hooks';
import { useT } from '../i18n';
import { countsOf } from '../logic/attainment';
import { TableBox } from '../components/TableBox';

interface YearAttainment {
  year: number;
  validAt: string;
  attainment: Attainment;
  areas: { focusAreaId: string; number: number; title: string; attainment: Attainment }[];
}

interface GoalThen {
  id: string;
  number: string;
  wording: string;
  status: GoalStatus;
}

interface AttainmentData {
  strategy:
    | (StrategyHeader & {
        attainment: Attainment;
        attainmentByYear: YearAttainment[];
        predecessorComparison: {
          validAt: string;
          predecessor: { id: string; title: string; period: Period };
          attainment: Attainment;
          carriedOver: { goal: GoalThen; previous: GoalThen }[];
        } | null;
      })
    | null;
}

export function AttainmentView({ org, strategy: id }: { org: string; strategy: string }) {
  const t = useT();
  const href = useHref();
  const { route } = useApp();
  const q = useGraphql<AttainmentData>(ATTAINMENT_OVER_TIME, { id, ...momentVariables(route) });
  const strategy = q.data?.strategy;
  const years = strategy?.attainmentByYear ?? [];
  const areas = years[0]?.areas ?? [];
  const comparison = strategy?.predecessorComparison;

  return (
    <Page
      title={strategy ? t('attainmentView.title', { title: strategy.title }) : t('loadingTitle')}
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
          <section aria-labelledby="by-year-heading">
            <h2 id="by-year-heading">{t('attainmentView.byYear')}</h2>
            <ScoreChart
              columns={years.map((y) => ({ label: String(y.year), score: y.attainment.score }))}
            />
            <TableBox label={t('attainmentView.byYearCaption')}>
              <table class="by-year">
                <caption>{t('attainmentView.byYearCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('attainmentView.yearEnd')}</th>
                    <th scope="col" class="num">{t('attainmentView.goals')}</th>
                    <th scope="col" class="num">{t('attainment.score')}</th>
                    {GOAL_STATUSES.map((s) => (
                      <th scope="col" class="num" key={s}>
                        {t(`goalStatus.${s}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {years.map((y) => {
                    const counts = countsOf(y.attainment);
                    return (
                      <tr key={y.year} data-year={y.year}>
                        <th scope="row">{formatDate(y.validAt)}</th>
                        <td class="num goals">{y.attainment.goals}</td>
                        <td class="num score">{formatPercent(y.attainment.score)}</td>
                        {GOAL_STATUSES.map((s) => (
                          <td class="num" key={s} data-status={s}>
                            {counts[s]}
                          </td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableBox>
          </section>

          <section aria-labelledby="by-area-heading">
            <h2 id="by-area-heading">{t('attainmentView.byArea')}</h2>
            {areas.length === 0 ? (
              <p class="muted">{t('overview.noAreas')}</p>
            ) : (
              <TableBox label={t('attainmentView.byAreaCaption')}>
                <table class="by-area">
                  <caption>{t('attainmentView.byAreaCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('attainmentView.area')}</th>
                      {years.map((y) => (
                        <th scope="col" class="num" key={y.year}>
                          {formatDate(y.validAt)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {areas.map((area) => (
                      <tr key={area.focusAreaId} data-area={area.number}>
                        <th scope="row">{t('area.short', { number: area.number, title: area.title })}</th>
                        {years.map((y) => {
                          const a = y.areas.find((x) => x.focusAreaId === area.focusAreaId);
                          return (
                            <td class="num" key={y.year} data-year={y.year}>
                              {formatPercent(a?.attainment.score)}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
            )}
          </section>

          <section aria-labelledby="predecessor-heading">
            <h2 id="predecessor-heading">{t('attainmentView.predecessor')}</h2>
            {!comparison ? (
              <p class="muted">{t('attainmentView.noPredecessor')}</p>
            ) : (
              <>
                <div class="cards two">
                  <div class="card" data-testid="predecessor">
                    <h3>
                      {comparison.predecessor.title}{' '}
                      <span class="muted">{t('attainmentView.per', { date: formatDate(comparison.validAt) })}</span>
                    </h3>
                    <p class="goal-count">{t('attainment.goals', { n: comparison.attainment.goals })}</p>
                    <StatusBar counts={countsOf(comparison.attainment)} />
                    <p>
                      {t('attainment.score')}: <strong class="score">{formatPercent(comparison.attainment.score)}</strong>
                    </p>
                  </div>
                  <div class="card" data-testid="this-strategy">
                    <h3>
                      {strategy.title}{' '}
                      <span class="muted">{t('attainmentView.per', { date: formatDate(strategy.computedAt.validAt) })}</span>
                    </h3>
                    <p class="goal-count">{t('attainment.goals', { n: strategy.attainment.goals })}</p>
                    <StatusBar counts={countsOf(strategy.attainment)} />
                    <p>
                      {t('attainment.score')}: <strong class="score">{formatPercent(strategy.attainment.score)}</strong>
                    </p>
                  </div>
                </div>
                <h3>{t('attainmentView.carriedOver')}</h3>
                {comparison.carriedOver.length === 0 ? (
                  <p class="muted">{t('attainmentView.noneCarried')}</p>
                ) : (
                  <TableBox label={t('attainmentView.carriedOver')}>
                    <table>
                      <caption class="visually-hidden">{t('attainmentView.carriedOver')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('attainmentView.goalNow')}</th>
                          <th scope="col">{t('attainmentView.statusNow')}</th>
                          <th scope="col">{t('attainmentView.goalThen')}</th>
                          <th scope="col">{t('attainmentView.statusThen', { date: formatDate(comparison.validAt) })}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {comparison.carriedOver.map((c) => (
                          <tr key={c.goal.id}>
                            <th scope="row">
                              {c.goal.number} {c.goal.wording}
                            </th>
                            <td>
                              <GoalStatusBadge status={c.goal.status} />
                            </td>
                            <td>{c.previous.number}</td>
                            <td>
                              <GoalStatusBadge status={c.previous.status} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableBox>
                )}
              </>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
