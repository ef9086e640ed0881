import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { loadingModal } from '../ui/report-modal.js';

/** Where a modal goes: opened from a trigger, or updated in place (a choice made inside it). */
export interface ViewSink {
  show(view: View): Promise<unknown>;
  /** Shows a message instead of the modal when a modal is already up; false when nothing is up. */
  abandon(view: View): Promise<boolean>;
}

/**
 * trigger_id expires 3 s after the command and is single-use. The opener shows the real modal
 * when the work before it is quick; when it is slow (a busy database), a loading modal goes up
 * first and is replaced by the real one.
 */
export function modalOpener(client: WebClient, triggerId: string, slowAfterMs = 1500) {
  let loading: Promise<string | undefined> | null = null;
  const timer = setTimeout(() => {
    loading = client.views.open({ trigger_id: triggerId, view: loadingModal() }).then((r) => r.view?.id);
  }, slowAfterMs);
  return {
    /** Shows `view`, replacing the loading modal if one went up. */
    async show(view: View): Promise<string | undefined> {
      clearTimeout(timer);
      if (loading) {
        const viewId = await loading;
        if (viewId) {
          const r = await client.views.update({ view_id: viewId, view });
          return r.view?.id;
        }
      }
      const r = await client.views.open({ trigger_id: triggerId, view });
      return r.view?.id;
    },
    /** No modal after all; if a loading one went up, it shows `view` (a message) instead. Returns whether it did. */
    async abandon(view: View): Promise<boolean> {
      clearTimeout(timer);
      if (!loading) return false;
      const viewId = await loading;
      if (viewId) await client.views.update({ view_id: viewId, view });
      return true;
    },
  } satisfies ViewSink;
}

/** The modal a button inside it belongs to, updated in place; `hash` refuses an update over a newer one. */
export function viewUpdater(client: WebClient, viewId: string, hash: string | undefined): ViewSink {
  return {
    show: (view) => client.views.update({ view_id: viewId, view, ...(hash ? { hash } : {}) }),
    abandon: async (view) => {
      await client.views.update({ view_id: viewId, view });
      return true;
    },
  };
}
