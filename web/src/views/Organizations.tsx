// Choose: the organizations (samarbeid), then one organization's strategies
// with their period and adoption status.

import { ORGANIZATION, ORGANIZATIONS } from '../api/queries';
import type { Attainment, Period } from '../api/types';
import { crumbsFor } from '../components/crumbs';
import { Page } from '../components/Page';
import { StrategyStatusText } from '../components/StrategyNav';
import { formatPercent, formatPeriod } from '../format';
import { computedMeta, momentVariables, useApp, useGraphql, useHref } from '../hooks';
import { useT } from '../i18n';

interface OrganizationsData {
  organizations: { nodes: { id: string; name: string; since: string; strategies: { id: string }[] }[] };
}

export function OrganizationsView() {
  const t = useT();
  const href = useHref();
  const { route } = useApp();
  const q = useGraphql<OrganizationsData>(ORGANIZATIONS, momentVariables(route));
  const orgs = q.data?.organizations.nodes;
  return (
    <Page title={t('choose.title')} crumbs={[]} meta={q.meta} loading={q.loading} error={q.error}>
      {orgs && (
        <>
          <p class="lead">{t('choose.intro')}</p>
          {orgs.length === 0 ? (
            <p class="notice">{t('choose.noOrganizations')}</p>
          ) : (
            <ul class="choice-list">
              {orgs.map((org) => (
                <li key={org.id}>
                  <a href={href({ name: 'organization', org: org.id })} class="choice">
                    <span class="choice-title">{org.name}</span>
                    <span class="choice-detail">{t('choose.strategyCount', { n: org.strategies.length })}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}

interface OrganizationData {
  organization: {
    id: string;
    name: string;
    since: string;
    planFileUrl: string;
    members: { kommunenummer: string; name: string }[];
    strategies: {
      id: string;
      title: string;
      period: Period;
      status: 'DRAFT' | 'ADOPTED' | 'CLOSED' | null;
      adoptedBy: string | null;
      adoptedOn: string | null;
      predecessor: { id: string; title: string } | null;
      attainment: Attainment;
    }[];
    computedAt: { position: number; hash: string | null };
  } | null;
}

export function OrganizationView({ org }: { org: string }) {
  const t = useT();
  const href = useHref();
  const { route } = useApp();
  const q = useGraphql<OrganizationData>(ORGANIZATION, { id: org, ...momentVariables(route) });
  const organization = q.data?.organization;
  return (
    <Page
      title={organization ? organization.name : t('loadingTitle')}
      crumbs={crumbsFor(href, t, {})}
      meta={computedMeta(q.meta, organization?.computedAt)}
      loading={q.loading}
      error={q.error}
      missing={q.data && !organization ? t('choose.organizationMissing') : false}
    >
      {organization && (
        <>
          <h2>{t('choose.strategies')}</h2>
          {organization.strategies.length === 0 ? (
            <p class="notice">{t('choose.noStrategies')}</p>
          ) : (
            <ul class="choice-list">
              {organization.strategies.map((s) => (
                <li key={s.id}>
                  <a href={href({ name: 'overview', org: organization.id, strategy: s.id })} class="choice">
                    <span class="choice-title">{s.title}</span>
                    <span class="choice-detail">
                      {t('strategy.period', { period: formatPeriod(s.period) })}
                      {' · '}
                      <StrategyStatusText status={s.status} adoptedBy={s.adoptedBy} adoptedOn={s.adoptedOn} />
                      {' · '}
                      {t('attainment.scoreShort', { score: formatPercent(s.attainment.score) })}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          {organization.members.length > 0 && (
            <>
              <h2>{t('choose.members')}</h2>
              <p>
                {organization.members.map((m) => `${m.name} (${m.kommunenummer})`).join(', ')}
              </p>
            </>
          )}
        </>
      )}
    </Page>
  );
}
