// The strategy's facts under its title, and the tabs between its views.

import type { StrategyHeader } from '../api/types';
import { formatDate, formatPeriod } from '../format';
import { useApp, useHref } from '../hooks';
import { useT } from '../i18n';
import type { View } from '../routes';

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

/** "Vedtatt 01.04.2015 av Kommunene i Kongsbergregionen", "Utkast", "Avsluttet – vedtatt 01.01.2018 av …". */
export function StrategyStatusText(props: {
  status: 'DRAFT' | 'ADOPTED' | 'CLOSED' | null;
  adoptedBy: string | null;
  adoptedOn: string | null;
}) {
  const t = useT();
  const status = t(`strategyStatus.${props.status ?? 'DRAFT'}`);
  if (!props.adoptedOn) return <>{status}</>;
  const adopted = props.adoptedBy
    ? t('strategy.adoptedOnBy', { date: formatDate(props.adoptedOn), by: props.adoptedBy })
    : t('strategy.adoptedOn', { date: formatDate(props.adoptedOn) });
  // An adopted strategy says only when and by whom; a closed one says both.
  if (props.status === 'ADOPTED') return <>{adopted.charAt(0).toUpperCase() + adopted.slice(1)}</>;
  return <>{`${status} – ${adopted}`}</>;
}
