// Overview — målstatus per satsingsområde: one card per focus area with
// its goals per status, the attainment score and the change since the
// previous year-end, under the same figures for the whole strategy.

import { OVERVIEW } from '../api/queries';
import type { Attainment, FocusAreaSummary, StrategyHeader } from '../api/types';
import { ChangesSince } from '../components/ChangesSince';
import { crumbsFor } from '../components/crumbs';
import { Downloads } from '../components/Downloads';
import { Page } from '../components/Page';
import { StatusBar } from '../components/StatusBar';
import { StrategyFacts, StrategyNav } from '../components/StrategyNav';
import { formatDate, formatPercent, formatPointChange, previousYearEnd, todayInOslo } from '../format';
import { computedMeta, momentVariables, useApp, useGraphql, useHref } from '../hooks';
import { useT } from '../i18n';
import { countsOf, scoreChange } from '../logic/attainment';

interface OverviewData {
  strategy: (StrategyHeader & { attainment: Attainment; focusAreas: FocusAreaSummary[] }) | null;
  previous: { attainment: Attainment; focusAreas: { id: string; attainment: Attainment }[] } | null;
}

export function OverviewView({ org, strategy: id }: { org: string; strategy: string }) {
  const t = useT();
  const href = useHref();
  const { route } = useApp();
  const yearEnd = previousYearEnd(route.validAt ?? todayInOslo());
  const q = useGraphql<OverviewData>(OVERVIEW, { id, ...momentVariables(route), previousYearEnd: yearEnd });
  const strategy = q.data?.strategy;
  const previous = q.data?.previous;
  const previousOf = new Map(previous?.focusAreas.map((a) => [a.id, a.attainment]) ?? []);

  return (
    <Page
      title={strategy ? strategy.title : t('loadingTitle')}
      crumbs={crumbsFor(href, t, { org: strategy?.organization ?? undefined })}
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
          <section aria-labelledby="whole-heading" class="whole">
            <h2 id="whole-heading">{t('overview.whole')}</h2>
            <AttainmentSummary
              attainment={strategy.attainment}
              previous={previous?.attainment}
              previousDate={yearEnd}
              testId="strategy"
            />
          </section>
          <section aria-labelledby="areas-heading">
            <h2 id="areas-heading">{t('overview.heading')}</h2>
            {strategy.focusAreas.length === 0 ? (
              <p class="notice">{t('overview.noAreas')}</p>
            ) : (
              <ul class="cards">
                {strategy.focusAreas.map((area) => (
                  <li key={area.id} class="card area-card" data-area={area.number}>
                    <h3>
                      <a href={href({ name: 'area', org, strategy: id, area: area.id })}>
                        {t('area.short', { number: area.number, title: area.title })}
                      </a>
                    </h3>
                    <AttainmentSummary
                      attainment={area.attainment}
                      previous={previousOf.get(area.id)}
                      previousDate={yearEnd}
                    />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <ChangesSince strategyId={id} />
          <Downloads strategy={strategy} />
        </>
      )}
    </Page>
  );
}

/** Goal count, stacked bar, score and change since the previous year-end. */
export function AttainmentSummary(props: {
  attainment: Attainment;
  previous?: Attainment;
  previousDate: string;
  testId?: string;
}) {
  const t = useT();
  const { attainment, previous } = props;
  const change = scoreChange(attainment.score, previous?.score);
  return (
    <div class="attainment" data-testid={props.testId}>
      <p class="goal-count">{t('attainment.goals', { n: attainment.goals })}</p>
      <StatusBar counts={countsOf(attainment)} />
      <dl class="figures">
        <div>
          <dt>{t('attainment.score')}</dt>
          <dd class="score">{formatPercent(attainment.score)}</dd>
        </div>
        <div>
          <dt>{t('attainment.changeSince', { date: formatDate(props.previousDate) })}</dt>
          <dd class="change">
            {change === null ? t('attainment.noComparison') : t('attainment.points', { points: formatPointChange(change) })}
          </dd>
        </div>
      </dl>
    </div>
  );
}
