// The strategy's facts under its title, and the tabs between its views.

import type { StrategyHeader } from '../api/types';
import { formatPeriod } from '../format';
import { useApp, useHref } from '../hooks';
import { useT } from '../i18n';
import type { View } from '../routes';
import { StrategyStatusText } from '../views/Organizations';

export function StrategyFacts({ strategy }: { strategy: StrategyHeader }) {
  const t = useT();
  return (
    <div class="strategy-facts">
      <p>
        {strategy.organization && <>{strategy.organization.name} · </>}
        {t('strategy.period', { period: formatPeriod(strategy.period) })}
        {' · '}
        <StrategyStatusText status={strategy.status} adoptedBy={strategy.adoptedBy} adoptedOn={strategy.adoptedOn} />
      </p>
      {strategy.vision && (
        <p class="vision">
          <span class="label">{t('strategy.vision')}:</span> {strategy.vision}
        </p>
      )}
    </div>
  );
}

export function StrategyNav({ org, strategy }: { org: string; strategy: string }) {
  const t = useT();
  const href = useHref();
  const { route } = useApp();
  const views: [View, string][] = [
    [{ name: 'overview', org, strategy }, t('nav.overview')],
    [{ name: 'attainment', org, strategy }, t('nav.attainment')],
    [{ name: 'actions', org, strategy }, t('nav.actions')],
  ];
  return (
    <nav aria-label={t('nav.strategyViews')} class="strategy-nav">
      <ul>
        {views.map(([view, label]) => (
          <li key={view.name}>
            <a href={href(view)} aria-current={route.view.name === view.name ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
