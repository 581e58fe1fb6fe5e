// Downloads of the strategy at the page's moment: the annual status report
// per 31.12 of each year (Strategy.reportUrl), the spreadsheet and CSV
// tables (/export/strategies/{id}/…) and the organization's plan file.
//
// Links are ordinary links, so they work as they are on a server that lets
// anyone read. A signed-in reader's browser would not send the token with a
// plain link, so for them a click fetches the file with the token and
// hands it to the browser as a download.

import { useState } from 'preact/hooks';
import { authorizationHeader } from '../api/auth';
import { gql } from '../api/client';
import { reportLinks } from '../api/queries';
import type { StrategyHeader } from '../api/types';
import { useApp, useQuery } from '../hooks';
import { useT } from '../i18n';

/** Adds the page's moment to an export link, as the export routes take it. */
export function withMoment(url: string, moment: { validAt?: string; asOf?: string }, validAt = true): string {
  const [path, query = ''] = url.split('?', 2);
  const params = new URLSearchParams(query);
  if (validAt && moment.validAt && !params.has('validAt')) params.set('validAt', moment.validAt);
  if (moment.asOf && !params.has('asOf')) params.set('asOf', moment.asOf);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

async function downloadWithToken(url: string, authorization: string): Promise<void> {
  const response = await fetch(url, { headers: { authorization } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? url.split('/').pop()?.split('?')[0] ?? 'download';
  const blob = await response.blob();
  const objectUrl = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = objectUrl;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
}

function DownloadLink({ href, children }: { href: string; children: preact.ComponentChildren }) {
  const t = useT();
  const [failed, setFailed] = useState(false);
  const onClick = (event: MouseEvent) => {
    const authorization = authorizationHeader();
    if (!authorization) return;
    event.preventDefault();
    setFailed(false);
    downloadWithToken(href, authorization).catch(() => setFailed(true));
  };
  return (
    <>
      <a href={href} download onClick={onClick}>
        {children}
      </a>
      {failed && <span class="field-error"> {t('downloads.failed')}</span>}
    </>
  );
}

export function Downloads({ strategy }: { strategy: StrategyHeader }) {
  const t = useT();
  const { route } = useApp();
  const years: number[] = [];
  for (let y = strategy.period.start; y <= strategy.period.end; y++) years.push(y);
  const moment = { validAt: route.validAt, asOf: route.asOf };
  const key = `reports ${strategy.id} ${years.join(',')} ${route.validAt} ${route.asOf}`;
  const reports = useQuery<{ strategy: Record<string, string> | null }>(
    () => gql(reportLinks(years), { id: strategy.id, ...moment }),
    key,
  );
  const base = `/export/strategies/${strategy.id}`;
  return (
    <section class="downloads" aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">{t('downloads.heading')}</h2>
      <h3>{t('downloads.reports')}</h3>
      <ul class="link-list">
        {years.map((y) => {
          const html = reports.data?.strategy?.[`html${y}`];
          const md = reports.data?.strategy?.[`md${y}`];
          return (
            <li key={y}>
              {html ? (
                <DownloadLink href={withMoment(html, moment, false)}>{t('downloads.report', { year: y })}</DownloadLink>
              ) : (
                t('downloads.report', { year: y })
              )}
              {md && (
                <>
                  {' ('}
                  <DownloadLink href={withMoment(md, moment, false)}>{t('downloads.markdown')}</DownloadLink>
                  {')'}
                </>
              )}
            </li>
          );
        })}
      </ul>
      <h3>{t('downloads.tables')}</h3>
      <ul class="link-list">
        <li>
          <DownloadLink href={withMoment(`${base}/strategy.xlsx`, moment)}>{t('downloads.xlsx')}</DownloadLink>
        </li>
        <li>
          <DownloadLink href={withMoment(`${base}/goals.csv`, moment)}>{t('downloads.goalsCsv')}</DownloadLink>
        </li>
        <li>
          <DownloadLink href={withMoment(`${base}/actions.csv`, moment)}>{t('downloads.actionsCsv')}</DownloadLink>
        </li>
        <li>
          <DownloadLink href={withMoment(`${base}/benefits.csv`, moment)}>{t('downloads.benefitsCsv')}</DownloadLink>
        </li>
        {strategy.organization && (
          <li>
            <DownloadLink href={withMoment(strategy.organization.planFileUrl, moment)}>{t('downloads.planFile')}</DownloadLink>
          </li>
        )}
      </ul>
    </section>
  );
}
