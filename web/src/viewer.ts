// Who is reading, and whether they may change a given organization's
// strategies. Editing controls appear only where `viewer.canEdit` says so,
// and never on a page that shows a past instant (as-of): the past is read
// only.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, gql, type Fetch } from './api/client';
import { CAN_EDIT, VIEWER } from './api/queries';
import type { Viewer } from './api/types';
import { useApp } from './hooks';

export interface ViewerState {
  viewer: Viewer | null;
  /**
   * False for a server without accounts (before `viewer` existed): it
   * accepts every change from anyone, so the page offers editing to all.
   */
  accounts: boolean;
}

/** A server that does not know `viewer` answers with a VALIDATION error naming the field. */
function isUnknownViewerField(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'VALIDATION' && /viewer/i.test(error.message) && !error.field;
}

/** Who the server says is reading; `fetchImpl` lets sign-in try a token before keeping it. */
export async function fetchViewer(fetchImpl?: Fetch): Promise<ViewerState> {
  try {
    const { data } = await gql<{ viewer: Viewer }>(VIEWER, {}, fetchImpl);
    return { viewer: data.viewer, accounts: true };
  } catch (error) {
    if (isUnknownViewerField(error)) return { viewer: null, accounts: false };
    throw error;
  }
}

export function useCanEdit(organization: string | undefined): boolean {
  const { route, viewerState, authTick } = useApp();
  const [canEdit, setCanEdit] = useState(false);
  const signedIn = viewerState?.viewer?.signedIn ?? false;
  const accounts = viewerState?.accounts ?? true;
  useEffect(() => {
    setCanEdit(false);
    if (!organization || !viewerState) return;
    if (!accounts) {
      setCanEdit(true);
      return;
    }
    if (!signedIn) return;
    let current = true;
    gql<{ viewer: { canEdit: boolean } }>(CAN_EDIT, { organization }).then(
      ({ data }) => current && setCanEdit(data.viewer.canEdit),
      () => current && setCanEdit(false),
    );
    return () => {
      current = false;
    };
  }, [organization, signedIn, accounts, authTick, viewerState]);
  return canEdit && !route.asOf;
}
