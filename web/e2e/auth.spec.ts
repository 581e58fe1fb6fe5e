// Signing in with a token made by `sporbar token create`: a server without
// --public-read shows a sign-in form; readers see no actor names and no
// editing; editors may edit their own organizations only.

import { demoStrategy, expect, overviewPath, signInWithToken, startServer, test, type Server } from './fixtures';

test.describe('a server that reads only for signed-in users', () => {
  let closed: Server;
  test.beforeAll(async () => {
    closed = await startServer({ publicRead: false });
  });
  test.afterAll(async () => {
    await closed?.stop();
  });

  test('asks for a token, refuses a wrong one, and shows the page with a right one until signing out', async ({ page }) => {
    const strategy = await demoStrategy(closed, 'Kongsbergregionen', '2015-2018').catch(() => null);
    // Anonymous questions are refused outright, so find the ids with a token.
    const reader = closed.createToken('reader', [], 'auth-reader');
    const { data } = await closed.gql<{ organizations: { nodes: { id: string; name: string; strategies: { id: string; title: string }[] }[] } }>(
      '{ organizations { nodes { id name strategies { id title } } } }',
      {},
      reader,
    );
    expect(strategy).toBeNull();
    const org = data.organizations.nodes.find((o) => o.name === 'Kongsbergregionen')!;
    const target = { id: org.strategies[0].id, title: org.strategies[0].title, orgId: org.id, orgName: org.name };

    await page.goto(`${closed.url}${overviewPath(target)}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logg inn');
    const field = page.locator('main').getByLabel('Tilgangsnøkkel');
    await field.fill('not-a-token');
    await page.locator('main').getByRole('button', { name: 'Logg inn' }).click();
    await expect(page.locator('main .field-error')).toHaveText('Nøkkelen ble ikke godtatt.');
    await expect(field).toHaveAttribute('aria-invalid', 'true');

    await field.fill(reader);
    await page.locator('main').getByRole('button', { name: 'Logg inn' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(target.title);
    await expect(page.locator('.auth')).toContainText('Innlogget som auth-reader (leser)');
    // The token stays for the tab: a reload keeps the reader signed in.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(target.title);

    // Live updates are open to the signed-in reader too (the token goes in connection_init).
    await expect(page.locator('.live-state')).toHaveAttribute('data-state', 'live');

    await page.getByRole('button', { name: 'Logg ut' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logg inn');
    expect(await page.evaluate(() => sessionStorage.getItem('sporbar.token'))).toBeNull();
  });

  test('a token that stopped working signs the reader out and asks for another', async ({ page }) => {
    await signInWithToken(page, 'revoked-or-never-issued');
    await page.goto(`${closed.url}/#/`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logg inn');
    await expect(page.locator('.signed-out')).toHaveText('Tilgangsnøkkelen gjelder ikke lenger, så du er logget ut.');
    expect(await page.evaluate(() => sessionStorage.getItem('sporbar.token'))).toBeNull();
  });
});

test('on a server anyone may read, a token that stopped working leaves the reader reading, signed out', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  await signInWithToken(page, 'revoked-or-never-issued');
  await page.goto(overviewPath(strategy));
  await expect(page.locator('.signed-out')).toHaveText('Tilgangsnøkkelen gjelder ikke lenger, så du er logget ut.');
  await expect(page.locator('.area-card')).not.toHaveCount(0);
  await expect(page.locator('header summary')).toHaveText('Logg inn');
});

test('an anonymous reader sees status but neither who changed it nor any editing', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const { data } = await server.gql<{ strategy: { focusAreas: { id: string; goals: { id: string; assessments: { actor: string | null }[] }[] }[] } }>(
    'query($id: UUID!) { strategy(id: $id) { focusAreas { id goals { id assessments { actor } } } } }',
    { id: strategy.id },
  );
  const area = data.strategy.focusAreas.find((a) => a.goals.some((g) => g.assessments.length > 0))!;
  const goal = area.goals.find((g) => g.assessments.length > 0)!;
  expect(goal.assessments[0].actor).toBeNull();
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/omrade/${area.id}/mal/${goal.id}`);
  await expect(page.locator('.assessments li').first()).toContainText('av skjult');
  await expect(page.locator('table.history tbody tr').first()).toContainText('skjult');
  await expect(page.getByText('Registrer vurdering')).toHaveCount(0);
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/omrade/${area.id}`);
  await expect(page.locator('[data-action]').first()).toBeVisible();
  await expect(page.getByText('Endre status for tiltaket')).toHaveCount(0);
  await expect(page.locator('header summary')).toHaveText('Logg inn');
});

test('an editor may edit their own organization’s strategy and no other', async ({ page, server }) => {
  const own = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const other = await demoStrategy(server, 'IKT Orkidé', '2018–2021');
  const token = server.createToken('editor', [own.orgId], 'own-editor');
  // Signing in through the header's form.
  await page.goto(overviewPath(own));
  await page.locator('header summary', { hasText: 'Logg inn' }).click();
  await page.locator('header').getByLabel('Tilgangsnøkkel').fill(token);
  await page.locator('header').getByRole('button', { name: 'Logg inn' }).click();
  await expect(page.locator('.auth')).toContainText('Innlogget som own-editor (redaktør)');

  await page.getByRole('link', { name: 'Tiltak og gevinster', exact: true }).click();
  await expect(page.getByText('Endre status for tiltaket').first()).toBeVisible();
  await page.goto(`/#/o/${other.orgId}/s/${other.id}/tiltak`);
  await expect(page.locator('[data-action]').first()).toBeVisible();
  await expect(page.getByText('Endre status for tiltaket')).toHaveCount(0);

  // A page of a past instant is read only, also for an editor.
  await page.goto(`/#/o/${own.orgId}/s/${own.id}/tiltak?asOf=${encodeURIComponent(new Date().toISOString())}`);
  await expect(page.locator('[data-action]').first()).toBeVisible();
  await expect(page.getByText('Endre status for tiltaket')).toHaveCount(0);
});
