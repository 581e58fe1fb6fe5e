// Who is reading, and whether they may change a given organization's
// strategies. Editing controls appear only where `viewer.canEdit` says so,
// and never on a page that shows a past instant (as-of): the past is read
// only. The server checks every change again; this only keeps controls
// away from readers who could not use them.

import { useEffect, useState } from 'preact/hooks';
import { gql, type Fetch } from './api/client';
import { CAN_EDIT, VIEWER } from './api/queries';
import type { Viewer } from './api/types';
import { useApp } from './hooks';

/** Who the server says is reading; `fetchImpl` lets sign-in try a token before keeping it. */
export async function fetchViewer(fetchImpl?: Fetch): Promise<Viewer> {
  const { data } = await gql<{ viewer: Viewer }>(VIEWER, {}, fetchImpl);
  return data.viewer;
}

export function useCanEdit(organization: string | undefined): boolean {
  const { route, viewer, authTick } = useApp();
  const [canEdit, setCanEdit] = useState(false);
  const signedIn = viewer?.signedIn ?? false;
  useEffect(() => {
    setCanEdit(false);
    if (!organization || !signedIn) return;
    let current = true;
    gql<{ viewer: { canEdit: boolean } }>(CAN_EDIT, { organization }).then(
      ({ data }) => current && setCanEdit(data.viewer.canEdit),
      () => current && setCanEdit(false),
    );
    return () => {
      current = false;
    };
  }, [organization, signedIn, authTick]);
  return canEdit && !route.asOf;
}
