// Status as words, never as colour alone: goals carry their pattern
// swatch too; actions and benefits a bordered label.

import type { ActionStatus, BenefitStatus, GoalStatus } from '../api/types';
import { useT } from '../i18n';
import { Swatch } from './Patterns';

export function GoalStatusBadge({ status }: { status: GoalStatus }) {
  const t = useT();
  return (
    <span class="badge goal-status" data-status={status}>
      <Swatch status={status} />
      {t(`goalStatus.${status}`)}
    </span>
  );
}

export function ActionStatusBadge({ status }: { status: ActionStatus | null }) {
  const t = useT();
  return (
    <span class={`badge action-status s-${status ?? 'none'}`} data-status={status ?? ''}>
      {status ? t(`actionStatus.${status}`) : t('status.none')}
    </span>
  );
}

export function BenefitStatusBadge({ status }: { status: BenefitStatus | null }) {
  const t = useT();
  return (
    <span class={`badge benefit-status s-${status ?? 'none'}`} data-status={status ?? ''}>
      {status ? t(`benefitStatus.${status}`) : t('status.none')}
    </span>
  );
}

/** An actor's name, or "skjult" where the reader may not see who did it. */
export function Actor({ actor }: { actor: string | null }) {
  const t = useT();
  return actor === null ? <span class="hidden-actor">{t('actor.hidden')}</span> : <>{actor}</>;
}
