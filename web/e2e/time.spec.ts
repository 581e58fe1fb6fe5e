// The time control: "Vis status per dato" (valid-at) and "Slik det så ut
// da" (as-of) change the numbers exactly as the API answers for that
// moment, and the page says prominently which moment and log position it
// shows.

import { formatDate, formatDateTime, toLocalInput } from '../src/format';
import { expectOverviewMatchesApi } from './expectations';
import { demoStrategy, expect, overviewPath, test } from './fixtures';

test('a date typed into "Vis status per dato" shows the status at that date, as the API says', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  await page.goto(overviewPath(strategy));
  const now = await expectOverviewMatchesApi(page, server, strategy.id);
  await page.getByText('Tidspunkt: nå').click();
  await page.getByLabel('Vis status per dato').fill('2015-06-30');
  await page.getByRole('button', { name: 'Vis', exact: true }).click();
  await expect(page).toHaveURL(/validAt=2015-06-30/);
  await expect(page.locator('.time-banner')).toContainText('Du ser status per 30.06.2015, slik den er kjent i dag.');
  const then = await expectOverviewMatchesApi(page, server, strategy.id, '2015-06-30');
  // The autumn 2015 assessments are not in force yet in June 2015.
  expect(then.strategy.attainment.score).not.toBe(now.strategy.attainment.score);
});

test('the year-end links show the status per 31.12 of each year of the period', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  await page.goto(overviewPath(strategy));
  await page.getByText('Tidspunkt: nå').click();
  await page.getByRole('link', { name: '31.12.2016', exact: true }).click();
  await expect(page).toHaveURL(/validAt=2016-12-31/);
  await expectOverviewMatchesApi(page, server, strategy.id, '2016-12-31');
  await page.getByRole('link', { name: 'Vis status nå' }).click();
  await expect(page.locator('.time-banner')).toHaveCount(0);
});

test('"Slik det så ut da" shows what the system showed before a later change, with that log position and hash', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const editor = server.createToken('editor', [strategy.orgId], 'time-editor');
  const { data } = await server.gql<{ strategy: { focusAreas: { goals: { id: string; number: string; status: string }[] }[] } }>(
    'query($id: UUID!) { strategy(id: $id) { focusAreas { goals { id number status } } } }',
    { id: strategy.id },
  );
  const goal = data.strategy.focusAreas[2].goals.find((g) => g.status === 'NOT_STARTED')!;
  const before = new Date().toISOString();
  // The change must be recorded after that instant (the log's clock has microseconds; this one milliseconds).
  for (const until = Date.now() + 5; Date.now() < until; );
  await server.gql(
    'mutation($id: UUID!) { assessGoal(input: { id: $id, status: ACHIEVED, justification: "Alle kommuner har kompetanseplan.", reason: "e2e" }) { receipt { position } } }',
    { id: goal.id },
    editor,
  );

  await page.goto(overviewPath(strategy, `?asOf=${encodeURIComponent(before)}`));
  const then = await expectOverviewMatchesApi(page, server, strategy.id, undefined, before);
  const banner = page.locator('.time-banner');
  await expect(banner).toContainText(`Du ser siden slik den så ut ${formatDateTime(before)}.`);
  await expect(banner.locator('.computed-at')).toHaveAttribute('data-position', String(then.position));
  await expect(banner.locator('.computed-at')).toHaveAttribute('data-hash', then.hash);
  // What changed since then, by whom and why.
  const change = page.locator(`.changes-table tr[data-entity="${goal.id}"]`);
  await expect(change.locator('th')).toContainText(`Mål ${goal.number}`);
  await expect(change.locator('td').nth(0)).toHaveText('–');
  await expect(change.locator('td').nth(1)).toHaveText('Nådd: Alle kommuner har kompetanseplan.');
  // An anonymous reader does not see who it was.
  await expect(change.locator('td').nth(4)).toHaveText('skjult');
  await expect(change.locator('td').last()).toHaveText('e2e');
  await page.getByText(/^Tidspunkt: nå, slik det så ut/).click();
  await expect(page.getByLabel('Slik det så ut da')).toHaveValue(toLocalInput(before));

  await page.getByRole('button', { name: 'Tilbake til nå' }).click();
  await expect(page.locator('.time-banner')).toHaveCount(0);
  const now = await expectOverviewMatchesApi(page, server, strategy.id);
  expect(now.position).toBeGreaterThan(then.position);
  expect(now.strategy.attainment.score).toBeGreaterThan(then.strategy.attainment.score!);

  // Both together: status per 31.12.2015 as the system showed it before the change.
  await page.goto(overviewPath(strategy, `?validAt=2015-12-31&asOf=${encodeURIComponent(before)}`));
  await expect(page.locator('.time-banner')).toContainText(`Du ser status per ${formatDate('2015-12-31')} slik systemet viste den`);
  await expectOverviewMatchesApi(page, server, strategy.id, '2015-12-31', before);
});
