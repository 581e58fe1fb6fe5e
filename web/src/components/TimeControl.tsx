// "Vis status per dato" (valid-at: the world at a date, as known today) and
// "Slik det så ut da" (as-of: what the system showed at an instant, the
// auditor's replay). Both live in the URL; when either is set, a banner
// says so prominently, with the log position and chain hash the page was
// computed at.

import { useEffect, useState } from 'preact/hooks';
import type { Meta } from '../api/client';
import type { Period } from '../api/types';
import { formatDate, formatDateTime, fromLocalInput, toLocalInput } from '../format';
import { useApp } from '../hooks';
import { useT } from '../i18n';
import { formatHash, isDate, isTimeTravel, type Route } from '../routes';

export function TimeControl({ period }: { period?: Period }) {
  const t = useT();
  const { route } = useApp();
  const [validAt, setValidAt] = useState(route.validAt ?? '');
  const [asOf, setAsOf] = useState(route.asOf ? toLocalInput(route.asOf) : '');
  useEffect(() => {
    setValidAt(route.validAt ?? '');
    setAsOf(route.asOf ? toLocalInput(route.asOf) : '');
  }, [route.validAt, route.asOf]);

  const go = (next: Partial<Route>) => {
    location.hash = formatHash({ ...route, ...next });
  };
  const submit = (event: Event) => {
    event.preventDefault();
    go({
      validAt: validAt && isDate(validAt) ? validAt : undefined,
      asOf: asOf ? fromLocalInput(asOf) : undefined,
    });
  };
  const years: number[] = [];
  if (period) for (let y = period.start; y <= period.end; y++) years.push(y);

  return (
    <details class="time-control">
      <summary>
        {t('time.heading')}:{' '}
        {route.validAt ? t('time.summaryValidAt', { date: formatDate(route.validAt) }) : t('time.summaryNow')}
        {route.asOf && `, ${t('time.summaryAsOf', { instant: formatDateTime(route.asOf, t('format.at')) })}`}
      </summary>
      <form onSubmit={submit} class="time-form">
        <div class="field">
          <label for="time-valid-at">{t('time.validAt')}</label>
          <input
            id="time-valid-at"
            type="date"
            value={validAt}
            aria-describedby="time-valid-at-help"
            onInput={(e) => setValidAt((e.target as HTMLInputElement).value)}
          />
          <p id="time-valid-at-help" class="help">
            {t('time.validAtHelp')}
          </p>
        </div>
        <div class="field">
          <label for="time-as-of">{t('time.asOf')}</label>
          <input
            id="time-as-of"
            type="datetime-local"
            step="1"
            value={asOf}
            aria-describedby="time-as-of-help"
            onInput={(e) => setAsOf((e.target as HTMLInputElement).value)}
          />
          <p id="time-as-of-help" class="help">
            {t('time.asOfHelp')}
          </p>
        </div>
        <div class="buttons">
          <button type="submit">{t('time.show')}</button>
          {isTimeTravel(route) && (
            <button type="button" class="secondary" onClick={() => go({ validAt: undefined, asOf: undefined })}>
              {t('time.now')}
            </button>
          )}
        </div>
      </form>
      {years.length > 0 && (
        <nav aria-label={t('time.yearEnds')} class="year-ends">
          <span>{t('time.yearEnds')}:</span>
          <ul>
            {years.map((y) => (
              <li key={y}>
                <a
                  href={formatHash({ ...route, validAt: `${y}-12-31` })}
                  aria-current={route.validAt === `${y}-12-31` ? 'true' : undefined}
                >
                  {formatDate(`${y}-12-31`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </details>
  );
}

/** The prominent notice that the page shows another moment than now. */
export function TimeBanner({ meta }: { meta: Meta | null }) {
  const t = useT();
  const { route } = useApp();
  if (!isTimeTravel(route)) return null;
  return (
    <div class="time-banner" role="note" aria-labelledby="time-banner-text">
      <p id="time-banner-text">
        <strong>
          {route.validAt && route.asOf
            ? t('time.bannerBoth', {
                date: formatDate(route.validAt),
                instant: formatDateTime(route.asOf, t('format.at')),
              })
            : route.validAt
              ? t('time.bannerValidAt', { date: formatDate(route.validAt) })
              : t('time.bannerAsOf', { instant: formatDateTime(route.asOf!, t('format.at')) })}
        </strong>
      </p>
      {meta && <ComputedAt meta={meta} />}
      <p>
        <a href={formatHash({ ...route, validAt: undefined, asOf: undefined })}>{t('time.backToNow')}</a>
      </p>
    </div>
  );
}

/** "Beregnet ved loggposisjon 289, kjedehash dc66…". */
export function ComputedAt({ meta }: { meta: Meta }) {
  const t = useT();
  return (
    <p class="computed-at" data-position={meta.position} data-hash={meta.hash ?? ''}>
      {t('meta.position', { position: meta.position })}
      {meta.hash && (
        <>
          {', '}
          {t('meta.hash')} <code class="hash">{meta.hash}</code>
        </>
      )}
    </p>
  );
}
