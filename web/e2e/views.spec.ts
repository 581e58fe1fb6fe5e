// Focus area, goal, attainment over time, and all actions and benefits,
// each checked against the API for the Kongsbergregionen and IKT Orkidé
// demo strategies.

import { formatAmount, formatDate, formatPercent } from '../src/format';
import { STATUS } from './expectations';
import { demoStrategy, expect, expectPosition, test } from './fixtures';

const GOAL_LABEL: Record<string, string> = {
  NOT_STARTED: 'Ikke startet',
  IN_PROGRESS: 'Påbegynt',
  PARTIALLY_ACHIEVED: 'Delvis nådd',
  ACHIEVED: 'Nådd',
  NOT_ACHIEVED: 'Ikke nådd',
  DROPPED: 'Utgått',
};

const ACTION_LABEL: Record<string, string> = {
  PLANNED: 'Planlagt',
  ACTIVE: 'Pågår',
  ON_HOLD: 'Satt på vent',
  COMPLETED: 'Fullført',
  CANCELLED: 'Avbrutt',
};

const STAKEHOLDER_LABEL: Record<string, string> = {
  CITIZENS: 'Brukeren / innbyggeren',
  EMPLOYEES: 'Ansatte',
  RELATIVES: 'Pårørende',
  ORGANISATION: 'Organisasjonen',
  OTHER_ACTORS: 'Andre aktører',
};

interface ApiAction {
  id: string;
  title: string;
  status: string | null;
  owner: { name: string } | null;
  budgetTotals: { year: number; planned: number; actual: number }[];
}

const ACTION_FIELDS = 'id title status owner { name } budgetTotals { year planned actual }';

async function expectActions(page: import('@playwright/test').Page, actions: ApiAction[]) {
  for (const action of actions) {
    const item = page.locator(`[data-action="${action.id}"]`);
    await expect(item.getByRole('heading')).toHaveText(action.title);
    if (action.status) await expect(item.locator('.action-status')).toHaveText(ACTION_LABEL[action.status]);
    await expect(item.locator('.owner')).toHaveText(action.owner ? action.owner.name : 'ikke oppgitt');
    for (const b of action.budgetTotals) {
      const row = item.locator(`tr[data-year="${b.year}"]`);
      await expect(row.locator('.planned')).toHaveText(formatAmount(b.planned));
      await expect(row.locator('.actual')).toHaveText(formatAmount(b.actual));
    }
  }
}

test('every focus area of Kongsbergregionen shows its goals, justifications, actions and budgets as the API says', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const { data, extensions } = await server.gql<{
    strategy: {
      focusAreas: {
        id: string;
        number: number;
        title: string;
        attainment: { score: number | null };
        goals: { id: string; number: string; status: string; assessment: { justification: string; effectiveAt: string } | null }[];
        actions: ApiAction[];
      }[];
    };
  }>(
    `query($id: UUID!) { strategy(id: $id) { focusAreas { id number title attainment { score }
      goals { id number status assessment { justification effectiveAt } } actions { ${ACTION_FIELDS} } } } }`,
    { id: strategy.id },
  );
  for (const area of data.strategy.focusAreas) {
    await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/omrade/${area.id}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Satsingsområde ${area.number}: ${area.title}`);
    await expectPosition(page, extensions.sporbar.position);
    await expect(page.locator('main .score').first()).toHaveText(formatPercent(area.attainment.score));
    await expect(page.locator('.goal')).toHaveCount(area.goals.length);
    for (const goal of area.goals) {
      const item = page.locator(`.goal[data-goal="${goal.number}"]`);
      await expect(item.locator('.goal-status')).toHaveText(GOAL_LABEL[goal.status]);
      if (goal.assessment) {
        await expect(item.locator('.justification p')).toHaveText(goal.assessment.justification);
        await expect(item.locator('.justification footer')).toHaveText(`Vurdert per ${formatDate(goal.assessment.effectiveAt)}`);
      } else {
        await expect(item).toContainText('Ikke vurdert ennå.');
      }
    }
    await expectActions(page, area.actions);
  }
});

test('a goal shows its assessment timeline and every change in its history', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const { data } = await server.gql<{ strategy: { focusAreas: { id: string; goals: { id: string; number: string; wording: string; assessments: { status: string; justification: string; effectiveAt: string; position: number }[] }[] }[] } }>(
    'query($id: UUID!) { strategy(id: $id) { focusAreas { id goals { id number wording assessments { status justification effectiveAt position } } } } }',
    { id: strategy.id },
  );
  const area = data.strategy.focusAreas[6];
  const goal = area.goals[0];
  const history = await server.gql<{ history: { nodes: { position: number; eventType: string; effectiveAt: string }[] } }>(
    'query($id: UUID!) { history(entityId: $id) { nodes { position eventType effectiveAt } } }',
    { id: goal.id },
  );
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/omrade/${area.id}/mal/${goal.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Mål ${goal.number}`);
  await expect(page.locator('.lead.wording')).toHaveText(goal.wording);
  const timeline = page.locator('.assessments li');
  await expect(timeline).toHaveCount(goal.assessments.length);
  for (const a of goal.assessments) {
    const entry = page.locator(`.assessments li[data-position="${a.position}"]`);
    await expect(entry).toContainText(formatDate(a.effectiveAt));
    await expect(entry).toContainText(GOAL_LABEL[a.status]);
    await expect(entry).toContainText(a.justification);
  }
  const rows = page.locator('table.history tbody tr');
  await expect(rows).toHaveCount(history.data.history.nodes.length);
  for (const e of history.data.history.nodes) {
    const row = page.locator(`table.history tr[data-position="${e.position}"]`);
    await expect(row).toContainText(formatDate(e.effectiveAt));
    await expect(row).toContainText({ GoalDefined: 'Mål opprettet', GoalAssessed: 'Vurdert' }[e.eventType] ?? e.eventType);
  }
});

test('attainment over time shows every year-end and area of Kongsbergregionen as the API says', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Kongsbergregionen', '2015-2018');
  const { data } = await server.gql<{
    strategy: { attainmentByYear: { year: number; validAt: string; attainment: { goals: number; score: number | null; counts: { status: string; count: number }[] }; areas: { number: number; attainment: { score: number | null } }[] }[] };
  }>(
    'query($id: UUID!) { strategy(id: $id) { attainmentByYear { year validAt attainment { goals score counts { status count } } areas { number attainment { score } } } } }',
    { id: strategy.id },
  );
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/utvikling`);
  await expect(page.getByRole('heading', { level: 2, name: 'Per årsslutt' })).toBeVisible();
  for (const y of data.strategy.attainmentByYear) {
    const row = page.locator(`table.by-year tr[data-year="${y.year}"]`);
    await expect(row.locator('th')).toHaveText(formatDate(y.validAt));
    await expect(row.locator('.goals')).toHaveText(String(y.attainment.goals));
    await expect(row.locator('.score')).toHaveText(formatPercent(y.attainment.score));
    for (const status of STATUS) {
      const count = y.attainment.counts.find((c) => c.status === status)?.count ?? 0;
      await expect(row.locator(`[data-status=${status}]`)).toHaveText(String(count));
    }
    for (const area of y.areas) {
      await expect(page.locator(`table.by-area tr[data-area="${area.number}"] td[data-year="${y.year}"]`)).toHaveText(
        formatPercent(area.attainment.score),
      );
    }
  }
  await expect(page.getByText('Det er ikke registrert noen forrige strategi.')).toBeVisible();
});

test('IKT Orkidé 2022–2025 is compared with its predecessor at the predecessor’s last year-end', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'IKT Orkidé', '2022–2025');
  const { data } = await server.gql<{ strategy: { predecessorComparison: { validAt: string; predecessor: { title: string }; attainment: { score: number | null; goals: number } } } }>(
    'query($id: UUID!) { strategy(id: $id) { predecessorComparison { validAt predecessor { title } attainment { goals score } } } }',
    { id: strategy.id },
  );
  const comparison = data.strategy.predecessorComparison;
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/utvikling`);
  const card = page.getByTestId('predecessor');
  await expect(card.getByRole('heading')).toHaveText(`${comparison.predecessor.title} per ${formatDate(comparison.validAt)}`);
  await expect(card.locator('.goal-count')).toHaveText(`${comparison.attainment.goals} mål`);
  await expect(card.locator('.score')).toHaveText(formatPercent(comparison.attainment.score));
});

test('all actions and benefits per stakeholder of IKT Orkidé 2018–2021 are listed as the API says', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'IKT Orkidé', '2018–2021');
  const { data } = await server.gql<{ strategy: { actions: ApiAction[]; benefits: { id: string; title: string; stakeholder: string; status: string }[] } }>(
    `query($id: UUID!) { strategy(id: $id) { actions { ${ACTION_FIELDS} } benefits { id title stakeholder status } } }`,
    { id: strategy.id },
  );
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/tiltak`);
  await expect(page.getByRole('heading', { level: 2, name: `${data.strategy.actions.length} tiltak` })).toBeVisible();
  await expect(page.locator('[data-action]')).toHaveCount(data.strategy.actions.length);
  await expectActions(page, data.strategy.actions);
  for (const stakeholder of new Set(data.strategy.benefits.map((b) => b.stakeholder))) {
    const mine = data.strategy.benefits.filter((b) => b.stakeholder === stakeholder);
    const group = page.locator(`.stakeholder[data-stakeholder="${stakeholder}"]`);
    await expect(group.getByRole('heading')).toHaveText(`${STAKEHOLDER_LABEL[stakeholder]} (${mine.length})`);
    await expect(group.locator('.benefit')).toHaveCount(mine.length);
    for (const b of mine) {
      await expect(group.locator(`[data-benefit="${b.id}"] .benefit-status`)).toHaveText(
        { IDENTIFIED: 'Identifisert', PLANNED: 'Planlagt', REALISING: 'Under realisering', REALISED: 'Realisert', NOT_REALISED: 'Ikke realisert' }[b.status]!,
      );
    }
  }
});

test('an indicator is drawn against its baseline with its figures in a table', async ({ page, server }) => {
  const strategy = await demoStrategy(server, 'Digitale Helgeland', '');
  const { data } = await server.gql<{ strategy: { benefits: { indicators: { id: string; unit: string; baseline: { value: number; on: string } }[] }[] } }>(
    'query($id: UUID!) { strategy(id: $id) { benefits { indicators { id unit baseline { value on } } } } }',
    { id: strategy.id },
  );
  const indicator = data.strategy.benefits.flatMap((b) => b.indicators)[0];
  await page.goto(`/#/o/${strategy.orgId}/s/${strategy.id}/tiltak`);
  const figure = page.locator(`[data-indicator="${indicator.id}"]`);
  await expect(figure.locator('svg.indicator-chart rect.baseline')).toHaveCount(1);
  const row = figure.locator('tbody tr').first();
  await expect(row).toContainText('Nullpunktsmåling');
  await expect(row).toContainText(formatDate(indicator.baseline.on));
  await expect(row).toContainText(`${indicator.baseline.value}\u00a0${indicator.unit}`);
});
