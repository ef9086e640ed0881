import { AsyncLocalStorage } from 'node:async_hooks';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { loadingModal } from '../ui/report-modal.js';

/** Where a modal goes: opened from a trigger, or updated in place (a choice made inside it). */
export interface ViewSink {
  show(view: View): Promise<unknown>;
  /** Shows a message instead of the modal when a modal is already up; false when nothing is up. */
  abandon(view: View): Promise<boolean>;
}

/** How a request ended, for the openers it made. */
export type RequestEnd = 'returned' | 'failed';

/** What an opener still owes when its request ends: nothing, once it showed or abandoned. */
type Finish = (end: RequestEnd, failure: () => Promise<View>) => Promise<void>;

/**
 * The openers made while one request runs. Bolt gives a listener no hook at its end and the
 * command modules make their openers themselves, so the request's scope is carried by Node's
 * AsyncLocalStorage (set by `finishingOpeners`, the app's middleware) rather than passed down.
 */
const requestOpeners = new AsyncLocalStorage<Finish[]>();

/**
 * Runs one request so that its openers end with it: a loading modal that has not gone up never
 * will, and one that is up but was not replaced (the listener threw, or returned without showing)
 * shows `failure()` instead of "loading" for ever. When the listener threw before anything went
 * up, `failure()` opens on the trigger, which is still fresh. Rethrows the listener's error.
 */
export async function finishingOpeners<T>(
  run: () => Promise<T>,
  failure: () => Promise<View>,
  onError: (err: unknown) => void,
): Promise<T> {
  const openers: Finish[] = [];
  let view: Promise<View> | null = null;
  const failureView = () => (view ??= failure());
  const finishAll = async (end: RequestEnd) => {
    for (const finish of openers) await finish(end, failureView).catch(onError);
  };
  let result: T;
  try {
    result = await requestOpeners.run(openers, run);
  } catch (err) {
    await finishAll('failed');
    throw err;
  }
  await finishAll('returned');
  return result;
}

/**
 * trigger_id expires 3 s after the command and is single-use. The opener shows the real modal
 * when the work before it is quick; when it is slow (a busy database), a loading modal goes up
 * first and is replaced by the real one.
 */
export function modalOpener(client: WebClient, triggerId: string, slowAfterMs = 1500) {
  // Settles with the loading modal's id, or undefined when it could not go up: never rejects, so
  // a failed views.open with nobody awaiting it yet cannot end the process.
  let loading: Promise<string | undefined> | null = null;
  let loadingError: unknown = null;
  let done = false;
  const timer = setTimeout(() => {
    loading = client.views.open({ trigger_id: triggerId, view: loadingModal() }).then(
      (r) => r.view?.id,
      (err: unknown) => {
        loadingError = err;
        return undefined;
      },
    );
  }, slowAfterMs);

  requestOpeners.getStore()?.push(async (end, failure) => {
    clearTimeout(timer);
    const owed = !done;
    done = true;
    const viewId = loading ? await loading : undefined;
    if (owed && viewId) await client.views.update({ view_id: viewId, view: await failure() });
    else if (owed && !loading && end === 'failed')
      await client.views.open({ trigger_id: triggerId, view: await failure() });
    if (loadingError) throw loadingError;
  });

  return {
    /** Shows `view`, replacing the loading modal if one went up. */
    async show(view: View): Promise<string | undefined> {
      clearTimeout(timer);
      const viewId = loading ? await loading : undefined;
      const r = viewId
        ? await client.views.update({ view_id: viewId, view })
        : await client.views.open({ trigger_id: triggerId, view });
      done = true;
      return r.view?.id;
    },
    /** No modal after all; if a loading one went up, it shows `view` (a message) instead. Returns whether it did. */
    async abandon(view: View): Promise<boolean> {
      clearTimeout(timer);
      const viewId = loading ? await loading : undefined;
      if (!viewId) {
        // Nothing is up (or the loading modal could not go up): the caller answers another way.
        if (!loading) done = true;
        return false;
      }
      await client.views.update({ view_id: viewId, view });
      done = true;
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
