// Expectations shared by the browser tests: what a view must show, read
// from the server's API at the same moment.

import type { Locator, Page } from '@playwright/test';
import { formatDate, formatPercent, formatPointChange, previousYearEnd, todayInOslo } from '../src/format';
import { expect, expectPosition, type Server } from './fixtures';

export const STATUS = ['NOT_STARTED', 'IN_PROGRESS', 'PARTIALLY_ACHIEVED', 'ACHIEVED', 'NOT_ACHIEVED', 'DROPPED'] as const;

export interface Attainment {
  goals: number;
  score: number | null;
  counts: { status: string; count: number }[];
}

export async function overviewFromApi(server: Server, id: string, validAt?: string, asOf?: string) {
  const yearEnd = previousYearEnd(validAt ?? todayInOslo());
  const answer = await server.gql<{
    strategy: { computedAt: { position: number; hash: string }; attainment: Attainment; focusAreas: { id: string; number: number; title: string; attainment: Attainment }[] };
    previous: { attainment: Attainment; focusAreas: { id: string; attainment: Attainment }[] } | null;
  }>(
    `query($id: UUID!, $validAt: Date, $asOf: DateTime, $yearEnd: Date!) {
      strategy(id: $id, validAt: $validAt, asOf: $asOf) { computedAt { position hash } attainment { goals score counts { status count } }
        focusAreas { id number title attainment { goals score counts { status count } } } }
      previous: strategy(id: $id, validAt: $yearEnd, asOf: $asOf) { attainment { score } focusAreas { id attainment { score } } }
    }`,
    { id, validAt, asOf, yearEnd },
  );
  // The position the answer was computed at: for an as-of question an
  // earlier one than the log's head in the response's extensions.
  const { position, hash } = answer.data.strategy.computedAt;
  return { ...answer.data, yearEnd, position, hash };
}

/** Checks one attainment block of the page against the API. */
async function expectAttainment(
  block: Locator,
  attainment: Attainment,
  previousScore: number | null | undefined,
  yearEnd: string,
) {
  await expect(block.locator('.goal-count')).toHaveText(attainment.goals === 1 ? '1 mål' : `${attainment.goals} mål`);
  if (attainment.goals === 0) {
    await expect(block).toContainText('Ingen mål registrert.');
  } else {
    for (const status of STATUS) {
      const count = attainment.counts.find((c) => c.status === status)?.count ?? 0;
      const item = block.locator(`.legend [data-status=${status}] .count`);
      if (count === 0) await expect(item).toHaveCount(0);
      else await expect(item).toHaveText(String(count));
    }
  }
  await expect(block.locator('.score')).toHaveText(formatPercent(attainment.score));
  await expect(block.locator('.figures div:last-child dt')).toHaveText(`Endring siden ${formatDate(yearEnd)}`);
  const change =
    attainment.score === null || previousScore === null || previousScore === undefined
      ? 'ingen å sammenligne med'
      : `${formatPointChange(attainment.score - previousScore)} prosentpoeng`;
  await expect(block.locator('.change')).toHaveText(change);
}

export async function expectOverviewMatchesApi(
  page: Page,
  server: Server,
  id: string,
  validAt?: string,
  asOf?: string,
) {
  const api = await overviewFromApi(server, id, validAt, asOf);
  await expectPosition(page, api.position);
  await expectAttainment(page.getByTestId('strategy'), api.strategy.attainment, api.previous?.attainment.score, api.yearEnd);
  const cards = page.locator('.area-card');
  await expect(cards).toHaveCount(api.strategy.focusAreas.length);
  for (const area of api.strategy.focusAreas) {
    const card = page.locator(`.area-card[data-area="${area.number}"]`);
    await expect(card.locator('h3')).toHaveText(`${area.number} ${area.title}`);
    const previous = api.previous?.focusAreas.find((a) => a.id === area.id)?.attainment.score;
    await expectAttainment(card, area.attainment, previous, api.yearEnd);
  }
  return api;
}

