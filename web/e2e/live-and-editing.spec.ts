// Editing by a signed-in editor, and the change appearing by itself in a
// reader's tab without losing their place; server errors shown next to the
// field in plain language.

import { formatAmount } from '../src/format';
import { demoStrategy, expect, overviewPath, signInWithToken, test } from './fixtures';

async function firstGoal(server: import('./fixtures').Server, strategyId: string, areaIndex: number, status: string) {
  const { data } = await server.gql<{
    strategy: { focusAreas: { id: string; number: number; goals: { id: string; number: string; status: string; version: number }[] }[] };
  }>(
    'query($id: UUID!) { strategy(id: $id) { focusAreas { id number goals { id number status version } } } }',
    { id: strategyId },
  );
  const area = data.strategy.focusAreas[areaIndex];
  return { area, goal: area.goals.find((g) => g.status === status)! };
}

test('an editor’s assessment appears live in a reader’s tab, which keeps its place', async ({ browser, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const token = server.createToken('editor', [strategy.orgId], 'live-editor');
  const { area, goal } = await firstGoal(server, strategy.id, 0, 'NOT_STARTED');

  const readerContext = await browser.newContext({ viewport: { width: 1000, height: 600 } });
  const reader = await readerContext.newPage();
  await reader.goto(overviewPath(strategy));
  const card = reader.locator(`.area-card[data-area="${area.number}"]`);
  await expect(card.locator('[data-status=ACHIEVED]')).toHaveCount(0);
  await expect(reader.locator('.live-state')).toHaveAttribute('data-state', 'live');
  await card.scrollIntoViewIfNeeded();
  await reader.evaluate(() => window.scrollBy(0, 200));
  const scrolled = await reader.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(0);

  const editorContext = await browser.newContext();
  const editor = await editorContext.newPage();
  await signInWithToken(editor, token);
  await editor.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/omrade/${area.id}/mal/${goal.id}`);
  await expect(editor.locator('.auth')).toContainText('Innlogget som');
  await editor.getByText('Registrer vurdering').click();
  await editor.getByLabel('Status', { exact: true }).selectOption('ACHIEVED');
  await editor.getByLabel('Begrunnelse for vurderingen').fill('Alle kommunene har nettbaserte tjenester som er universelt utformet.');
  await editor.getByRole('button', { name: 'Lagre vurderingen' }).click();
  await expect(editor.locator('.saved')).toContainText('Lagret ved loggposisjon');
  const saved = Number((await editor.locator('.saved').textContent())!.match(/\d+/)![0]);

  // The reader did nothing: the count changes by itself, at the new position.
  await expect(card.locator('[data-status=ACHIEVED] .count')).toHaveText('1');
  await expect(reader.locator('.site-footer .computed-at')).toHaveAttribute('data-position', String(saved));
  expect(await reader.evaluate(() => window.scrollY)).toBe(scrolled);
  // The editor's own page shows the new assessment in its timeline, with their name.
  await expect(editor.locator('.assessments li').last()).toContainText('Alle kommunene har nettbaserte tjenester');
  await expect(editor.locator('.assessments li').last()).toContainText('live-editor');
  await readerContext.close();
  await editorContext.close();
});

test('a change someone else made meanwhile is a conflict, explained at the top of the form', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const token = server.createToken('editor', [strategy.orgId], 'conflict-editor');
  const { area, goal } = await firstGoal(server, strategy.id, 8, 'NOT_STARTED');
  await signInWithToken(page, token);
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/omrade/${area.id}/mal/${goal.id}`);
  // The form takes the goal's version from the answer on screen, so once
  // it is open, someone else's change can follow.
  await page.getByText('Registrer vurdering').click();
  await expect(page.getByLabel('Begrunnelse for vurderingen')).toBeVisible();
  await server.gql(
    'mutation($id: UUID!) { assessGoal(input: { id: $id, status: IN_PROGRESS, justification: "Arbeidet er i gang." }) { receipt { position } } }',
    { id: goal.id },
    token,
  );
  await page.getByLabel('Begrunnelse for vurderingen').fill('Målet er nådd.');
  const firstTry = page.waitForRequest((r) => r.url().endsWith('/graphql') && (r.postData() ?? '').includes('mutation AssessGoal'));
  await page.getByRole('button', { name: 'Lagre vurderingen' }).click();
  // It sent the version the API gave before that change, whatever a live update showed since.
  expect(JSON.parse((await firstTry).postData()!).variables.input.expectedVersion).toBe(goal.version);
  await expect(page.locator('.form-error')).toContainText('Noen andre har endret dette mens du skrev.');
  // A second, deliberate try goes through.
  await page.getByRole('button', { name: 'Lagre vurderingen' }).click();
  await expect(page.locator('.saved')).toContainText('Lagret ved loggposisjon');
});

// Broke: the form kept its values after a save and sent a fresh command id,
// so pressing "Lagre" again appended a second, identical assessment.
test('a second click on save is a retry: the log gets the assessment once', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const token = server.createToken('editor', [strategy.orgId], 'double-click-editor');
  const { area, goal } = await firstGoal(server, strategy.id, 7, 'NOT_STARTED');
  const history = async () =>
    (
      await server.gql<{ history: { nodes: { eventType: string }[] } }>(
        'query($id: UUID!) { history(entityId: $id) { nodes { eventType } } }',
        { id: goal.id },
      )
    ).data.history.nodes.filter((n) => n.eventType === 'GoalAssessed').length;
  const before = await history();
  await signInWithToken(page, token);
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/omrade/${area.id}/mal/${goal.id}`);
  await page.getByText('Registrer vurdering').click();
  await page.getByLabel('Status', { exact: true }).selectOption('IN_PROGRESS');
  await page.getByLabel('Begrunnelse for vurderingen').fill('Arbeidet er i gang i alle kommunene.');
  await page.getByRole('button', { name: 'Lagre vurderingen' }).click();
  await expect(page.locator('.saved')).toContainText('Lagret ved loggposisjon');
  await page.getByRole('button', { name: 'Lagre vurderingen' }).click();
  await expect(page.locator('.saved')).toContainText('Endringen var allerede lagret');
  expect(await history()).toBe(before + 1);
});

test('an editor changes an action’s status and sets a budget line; a year outside the period is explained at the year', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const token = server.createToken('editor', [strategy.orgId], 'budget-editor');
  const { data } = await server.gql<{ strategy: { focusAreas: { id: string; actions: { id: string; period: { start: number; end: number } }[] }[] } }>(
    'query($id: UUID!) { strategy(id: $id) { focusAreas { id actions { id period { start end } } } } }',
    { id: strategy.id },
  );
  const area = data.strategy.focusAreas[2];
  const action = area.actions[0];
  await signInWithToken(page, token);
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/omrade/${area.id}`);
  const item = page.locator(`[data-action="${action.id}"]`);

  await item.getByText('Endre status for tiltaket').click();
  await item.getByLabel('Status', { exact: true }).selectOption('ON_HOLD');
  await item.getByLabel('Gjelder fra').first().fill('2017-01-01');
  await item.getByRole('button', { name: 'Lagre status' }).click();
  await expect(item.locator('.action-status')).toHaveText('Satt på vent');

  await item.getByText('Registrer budsjettpost').click();
  await item.getByLabel('År', { exact: true }).fill('2030');
  await item.getByLabel('Planlagt beløp (kr)').fill('1 250 000');
  await item.getByRole('button', { name: 'Lagre budsjettposten' }).click();
  const yearError = item.locator('[data-field-error=year]');
  await expect(yearError).toContainText('Året ligger utenfor tiltakets periode.');
  await expect(item.getByLabel('År', { exact: true })).toHaveAttribute('aria-invalid', 'true');

  await item.getByLabel('År', { exact: true }).fill(String(action.period.end));
  await item.getByLabel('Kostnadstype').selectOption('TRAINING');
  await item.getByRole('button', { name: 'Lagre budsjettposten' }).click();
  await expect(yearError).toHaveCount(0);
  const { data: after } = await server.gql<{ strategy: { focusAreas: { actions: { id: string; budgetTotals: { year: number; planned: number }[] }[] }[] } }>(
    'query($id: UUID!) { strategy(id: $id) { focusAreas { actions { id budgetTotals { year planned } } } } }',
    { id: strategy.id },
  );
  const total = after.strategy.focusAreas[2].actions[0].budgetTotals.find((b) => b.year === action.period.end)!;
  await expect(item.locator(`tr[data-year="${action.period.end}"] .planned`)).toHaveText(formatAmount(total.planned));
});

test('an editor records a benefit measurement and the benefit’s realisation', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Digitale Helgeland', '');
  const token = server.createToken('editor', [strategy.orgId], 'benefit-editor');
  const { data } = await server.gql<{ strategy: { benefits: { id: string; indicators: { id: string }[] }[] } }>(
    'query($id: UUID!) { strategy(id: $id) { benefits { id indicators { id } } } }',
    { id: strategy.id },
  );
  const benefit = data.strategy.benefits.find((b) => b.indicators.length > 0)!;
  await signInWithToken(page, token);
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/tiltak`);
  const item = page.locator(`[data-benefit="${benefit.id}"]`);
  await item.getByText('Registrer måling').click();
  await item.getByLabel('Verdi (dager)').fill('150');
  await item.getByLabel('Målt dato').fill('2022-06-30');
  await item.getByRole('button', { name: 'Lagre målingen' }).click();
  await expect(item.locator('tbody tr', { hasText: '30.06.2022' })).toContainText('150\u00a0dager');

  await item.getByText('Registrer gevinstrealisering').click();
  await item.getByLabel('Status', { exact: true }).selectOption('REALISING');
  await item.getByRole('button', { name: 'Lagre gevinstrealiseringen' }).click();
  await expect(item.locator('.benefit-status')).toHaveText('Under realisering');
});
