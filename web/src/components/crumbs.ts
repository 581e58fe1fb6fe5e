// Breadcrumb trails: samarbeid › organization › strategy › area › goal.

import type { Translate } from '../i18n';
import type { View } from '../routes';
import type { Crumb } from './Page';

export function crumbsFor(
  href: (view: View) => string,
  t: Translate,
  parts: {
    org?: { id: string; name: string };
    strategy?: { id: string; title: string };
    area?: { id: string; number: number; title: string };
    goal?: { number: string };
  },
): Crumb[] {
  const crumbs: Crumb[] = [{ label: t('nav.organizations'), href: href({ name: 'organizations' }) }];
  const { org, strategy, area, goal } = parts;
  if (org) crumbs.push({ label: org.name, href: href({ name: 'organization', org: org.id }) });
  if (org && strategy) {
    crumbs.push({ label: strategy.title, href: href({ name: 'overview', org: org.id, strategy: strategy.id }) });
  }
  if (org && strategy && area) {
    crumbs.push({
      label: t('area.short', { number: area.number, title: area.title }),
      href: href({ name: 'area', org: org.id, strategy: strategy.id, area: area.id }),
    });
  }
  if (goal) crumbs.push({ label: t('goal.short', { number: goal.number }) });
  return crumbs;
}
