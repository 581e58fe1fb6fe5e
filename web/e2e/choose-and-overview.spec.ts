// Choose → overview: the organizations and strategies, and målstatus per
// satsingsområde for the Kongsbergregionen and IKT Orkidé demo strategies,
// checked against what the API answers.

import { formatDate } from '../src/format';
import { expectOverviewMatchesApi } from './expectations';
import { demoStrategies, demoStrategy, expect, overviewPath, test } from './fixtures';

test('the choose view lists every organization with its number of strategies', async ({ page, server }) => {
  const all = await demoStrategies(server);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Velg samarbeid');
  for (const org of new Set(all.map((s) => s.orgName))) {
    const n = all.filter((s) => s.orgName === org).length;
    const link = page.getByRole('link', { name: new RegExp(`^${org}`) });
    await expect(link).toContainText(n === 1 ? '1 strategi' : `${n} strategier`);
  }
});

test('an organization lists its strategies with period and adoption', async ({ page, server }) => {
  const orkide = await demoStrategy(server, 'IKT Orkidé', '2022');
  const { data } = await server.gql<{ organization: { strategies: { title: string; period: { start: number; end: number }; status: string; adoptedOn: string | null; adoptedBy: string | null }[] } }>(
    'query($id: UUID!) { organization(id: $id) { strategies { title period { start end } status adoptedOn adoptedBy } } }',
    { id: orkide.orgId },
  );
  await page.goto(`/#/o/${orkide.orgId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('IKT Orkidé');
  for (const s of data.organization.strategies) {
    const link = page.getByRole('link', { name: new RegExp(s.title) });
    await expect(link).toContainText(`Strategiperiode ${s.period.start}–${s.period.end}`);
    if (s.status === 'CLOSED') await expect(link).toContainText(`Avsluttet – vedtatt ${formatDate(s.adoptedOn!)} av ${s.adoptedBy}`);
    if (s.status === 'ADOPTED') await expect(link).toContainText(`Vedtatt ${formatDate(s.adoptedOn!)} av ${s.adoptedBy}`);
  }
});

for (const [org, title] of [
  ['Kongsbergregionen', '2015-2018'],
  ['IKT Orkidé', '2018–2021'],
  ['IKT Orkidé', '2022–2025'],
] as const) {
  test(`the overview of ${org} ${title} shows målstatus per satsingsområde as the API says`, async ({ page, server }) => {
    const strategy = await demoStrategy(server, org, title);
    await page.goto(overviewPath(strategy));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(strategy.title);
    await expect(page.getByRole('heading', { level: 2, name: 'Målstatus per satsingsområde' })).toBeVisible();
    await expectOverviewMatchesApi(page, server, strategy.id);
  });
}

test('the overview offers the annual reports and the spreadsheet exports, which download', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const { data } = await server.gql<{ strategy: { reportUrl: string } }>('query($id: UUID!) { strategy(id: $id) { reportUrl(year: 2016) } }', { id: strategy.id });
  await page.goto(overviewPath(strategy));
  const report = page.getByRole('link', { name: 'Statusrapport per 31.12.2016' });
  await expect(report).toHaveAttribute('href', data.strategy.reportUrl);
  for (const [name, type] of [
    ['Statusrapport per 31.12.2016', 'text/html'],
    ['Regneark med mål, tiltak og gevinster (xlsx)', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['Mål (CSV)', 'text/csv'],
    ['Tiltak med budsjett (CSV)', 'text/csv'],
    ['Gevinster (CSV)', 'text/csv'],
  ]) {
    const href = await page.getByRole('link', { name, exact: true }).getAttribute('href');
    const response = await page.request.get(href!);
    expect(response.status(), name).toBe(200);
    expect(response.headers()['content-type'], name).toContain(type);
  }
});
