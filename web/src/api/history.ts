// The events of one entity (its stream), every page of them.

import { gql } from './client';
import { HISTORY, STREAM_VERSION } from './queries';
import type { LogEvent } from './types';

interface HistoryPage {
  history: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: LogEvent[] };
}

/** A stream is small (tens of events), but page through it anyway; bounded so a bug cannot loop forever. */
export async function fetchHistory(entityId: string, maxPages = 50, query = HISTORY): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { data } = await gql<HistoryPage>(query, { entity: entityId, after });
    events.push(...data.history.nodes);
    if (!data.history.pageInfo.hasNextPage || !data.history.pageInfo.endCursor) break;
    after = data.history.pageInfo.endCursor;
  }
  return events;
}

/**
 * The entity's current version, for `expectedVersion`: a change sent with
 * it fails with CONFLICT if someone else changed the entity in between.
 */
export async function fetchStreamVersion(entityId: string): Promise<number | undefined> {
  const events = await fetchHistory(entityId, 50, STREAM_VERSION);
  return events.length ? events[events.length - 1].streamVersion : undefined;
}
