// One goal: its status, the timeline of its assessments, its indicators and
// actions, and the history of every change to it from the log — who
// recorded it, when it was recorded, from when it holds, and why.

import { computedMeta, momentVariables, useApp, useGraphql, useHref, useQuery } from '../hooks';
import { fetchHistory } from '../api/history';
import { GOAL } from '../api/queries';
import type { Goal, GoalStatus, LogEvent, StrategyHeader } from '../api/types';
import { Actor, ActionStatusBadge, GoalStatusBadge } from '../components/Badges';
import { crumbsFor } from '../components/crumbs';
import { IndicatorChart } from '../components/IndicatorChart';
import { AssessGoalForm, MeasurementForm } from '../components/edit/forms';
import { Page } from '../components/Page';
import { formatDate, formatDateTime } from '../format';
import { useT, type Translate } from '../i18n';
import { useCanEdit } from '../viewer';
import { TableBox } from '../components/TableBox';

interface GoalData {
  strategy:
    | (StrategyHeader & {
        focusAreas: { id: string; number: number; title: string; goals: Goal[] }[];
      })
    | null;
}

export function GoalView(props: { org: string; strategy: string; area: string; goal: string }) {
  const t = useT();
  const href = useHref();
  const { route } = useApp();
  const q = useGraphql<GoalData>(GOAL, { id: props.strategy, ...momentVariables(route) });
  const history = useQuery<LogEvent[]>(
    () => fetchHistory(props.goal).then((events) => ({ data: events, meta: { position: 0, hash: null } })),
    `history ${props.goal}`,
  );
  const strategy = q.data?.strategy;
  const area = strategy?.focusAreas.find((a) => a.id === props.area);
  const goal = area?.goals.find((g) => g.id === props.goal);
  const canEdit = useCanEdit(strategy?.organization?.id);
  // The history is the log itself; on an as-of page it ends at that instant.
  const events = (history.data ?? []).filter((e) => !route.asOf || Date.parse(e.recordedAt) <= Date.parse(route.asOf));

  return (
    <Page
      title={goal ? t('goal.title', { number: goal.number }) : t('loadingTitle')}
      crumbs={crumbsFor(href, t, {
        org: strategy?.organization ?? undefined,
        strategy: strategy ?? undefined,
        area,
        goal,
      })}
      meta={computedMeta(q.meta, strategy?.computedAt)}
      period={strategy?.period}
      loading={q.loading}
      error={q.error}
      missing={q.data && !goal ? t('goal.missing') : false}
    >
      {strategy && area && goal && (
        <>
          <p class="lead wording">{goal.wording}</p>
          <p>
            {t('goal.statusNow')}: <GoalStatusBadge status={goal.status} />
            {goal.retiredOn && <> · {t('goal.retiredOn', { date: formatDate(goal.retiredOn) })}</>}
            {goal.carriedOverFrom && <> · {t('goal.carriedOver')}</>}
          </p>
          {canEdit && !goal.retiredOn && <AssessGoalForm goalId={goal.id} version={goal.version} current={goal.status} />}

          <section aria-labelledby="assessments-heading">
            <h2 id="assessments-heading">{t('goal.assessments')}</h2>
            {goal.assessments.length === 0 ? (
              <p class="muted">{t('goal.notAssessed')}</p>
            ) : (
              <ol class="timeline assessments">
                {goal.assessments.map((a) => (
                  <li key={a.position} data-position={a.position}>
                    <p>
                      <strong>{formatDate(a.effectiveAt)}</strong> <GoalStatusBadge status={a.status} />
                    </p>
                    <p>{a.justification}</p>
                    <p class="muted">
                      {t('history.recorded', { instant: formatDateTime(a.recordedAt, t('format.at')) })} ·{' '}
                      {t('history.by')} <Actor actor={a.actor} />
                      {a.reason && <> · {t('history.why')}: {a.reason}</>}
                    </p>
                  </li>
                ))}
              </ol>
            )}
          </section>

          {goal.indicators.length > 0 && (
            <section aria-labelledby="indicators-heading">
              <h2 id="indicators-heading">{t('goal.indicators')}</h2>
              {goal.indicators.map((indicator) => (
                <div key={indicator.id}>
                  <IndicatorChart indicator={indicator} />
                  {canEdit && <MeasurementForm indicatorId={indicator.id} version={indicator.version} unit={indicator.unit} />}
                </div>
              ))}
            </section>
          )}

          <section aria-labelledby="goal-actions-heading">
            <h2 id="goal-actions-heading">{t('goal.actions')}</h2>
            {goal.actions.length === 0 ? (
              <p class="muted">{t('action.none')}</p>
            ) : (
              <ul class="plain-list">
                {goal.actions.map((a) => (
                  <li key={a.id}>
                    {a.title} <ActionStatusBadge status={a.status} />
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t('goal.history')}</h2>
            <p class="help">{t('goal.historyHelp')}</p>
            {history.error && <p class="error-message">{t('error.load')}</p>}
            {history.data && <HistoryTable events={events} />}
          </section>
        </>
      )}
    </Page>
  );
}

/** What an event did, in words: "Vurdert: Nådd – …", "Omformulert: …". */
export function describeEvent(t: Translate, event: LogEvent): string {
  const p = event.payload;
  switch (event.eventType) {
    case 'GoalDefined':
      return `${p.number ?? ''} ${p.wording ?? ''}`.trim();
    case 'GoalAssessed':
      return `${t(`goalStatus.${p.status as GoalStatus}`)}: ${p.justification ?? ''}`;
    case 'GoalReworded':
      return String(p.wording ?? '');
    default:
      return '';
  }
}

function HistoryTable({ events }: { events: LogEvent[] }) {
  const t = useT();
  const at = t('format.at');
  if (events.length === 0) return <p class="muted">{t('history.none')}</p>;
  return (
    <TableBox label={t('goal.history')}>
      <table class="history">
        <caption class="visually-hidden">{t('goal.history')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('history.position')}</th>
            <th scope="col">{t('history.what')}</th>
            <th scope="col">{t('history.effective')}</th>
            <th scope="col">{t('history.recordedAt')}</th>
            <th scope="col">{t('history.who')}</th>
            <th scope="col">{t('history.why')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.position} data-position={e.position}>
              <td class="num">{e.position}</td>
              <td>
                <strong>{t(`event.${e.eventType}`) === `event.${e.eventType}` ? e.eventType : t(`event.${e.eventType}`)}</strong>
                {describeEvent(t, e) && <span class="event-detail"> – {describeEvent(t, e)}</span>}
              </td>
              <td>{formatDate(e.effectiveAt)}</td>
              <td>{formatDateTime(e.recordedAt, at)}</td>
              <td>
                <Actor actor={e.actor} />
              </td>
              <td>{e.reason ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
