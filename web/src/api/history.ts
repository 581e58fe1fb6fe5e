// The events of one entity (its stream), every page of them.

import { gql } from './client';
import { HISTORY } from './queries';
import type { LogEvent } from './types';

interface HistoryPage {
  history: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: LogEvent[] };
}

/** A stream is small (tens of events), but page through it anyway; bounded so a bug cannot loop forever. */
export async function fetchHistory(entityId: string, maxPages = 50): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { data } = await gql<HistoryPage>(HISTORY, { entity: entityId, after });
    events.push(...data.history.nodes);
    if (!data.history.pageInfo.hasNextPage || !data.history.pageInfo.endCursor) break;
    after = data.history.pageInfo.endCursor;
  }
  return events;
}
