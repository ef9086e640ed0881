import type { SlackViewMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import type { AppContext } from '../context.js';
import { ViewStateSchema, type FieldErrors, type ViewState } from '../domain/report-form.js';
import {
  actionValue,
  callerOf,
  errorUnder,
  formErrors,
  noAnswer,
  parseJson,
  type Access,
  type Answer,
  type Caller,
} from './caller.js';
import type { Person } from '../domain/types.js';

/**
 * The first lines of a button's and of a submission's listener, built on `callerOf`: what the
 * request carries, parsed, and who sent it, with what goes into the audit log on a refusal.
 */

/** A button press: the value it carries and who pressed it; the value's first `keep` characters go with every refusal. */
export async function pressOf(
  ctx: AppContext,
  client: WebClient,
  press: { body: { user: { id: string } }; action: unknown; actionId: string },
  answer: Answer,
  keep = 40,
): Promise<{ value: string; caller: Caller }> {
  const value = actionValue(press.action);
  const caller = await callerOf(ctx, client, press.body.user.id, {
    action: `action.${press.actionId}`,
    answer,
    details: { value: value.slice(0, keep) },
  });
  return { value, caller };
}

export interface Submission<M> {
  caller: Caller;
  /** The modal's private_metadata, null when it is not what the modal was opened with. */
  meta: M | null;
  /** The form's values, null when they are not a form's. */
  state: ViewState | null;
}

/**
 * A modal's submission: who submitted it, answered under the `errorBlock` field (or as `answer`
 * says), with its metadata checked against `Meta`; the metadata goes with every refusal.
 */
export async function submissionOf<M>(
  ctx: AppContext,
  { ack, body, view, client }: Pick<SlackViewMiddlewareArgs, 'ack' | 'body' | 'view'> & { client: WebClient },
  Meta: z.ZodType<M>,
  errorBlock: string | Answer,
): Promise<Submission<M>> {
  const meta = Meta.safeParse(parseJson(view.private_metadata));
  const state = ViewStateSchema.safeParse(view.state.values);
  const caller = await callerOf(ctx, client, body.user.id, {
    action: `view.${view.callback_id}`,
    answer: typeof errorBlock === 'string' ? errorUnder(ack, errorBlock) : errorBlock,
    details: { metadata: view.private_metadata.slice(0, 200) },
  });
  return { caller, meta: meta.success ? meta.data : null, state: state.success ? state.data : null };
}

/** A submission that has passed its opening: a submitter in the roster, its own metadata and values. */
export interface Submitted<M> {
  caller: Caller<Person>;
  meta: M;
  state: ViewState;
}

/**
 * A modal's submission, opened: the submitter must be in the roster and pass `access` (which may
 * depend on the metadata, such as the branch it names); a modal whose metadata or values are not
 * its own is refused and audited. Null when the submitter has been refused.
 */
export async function submitterOf<M>(
  ctx: AppContext,
  args: Parameters<typeof submissionOf>[1],
  Meta: z.ZodType<M>,
  errorBlock: string | Answer,
  access: Access | ((meta: M | null) => Access) = {},
): Promise<Submitted<M> | null> {
  const { caller, meta, state } = await submissionOf(ctx, args, Meta, errorBlock);
  const person = await caller.require(typeof access === 'function' ? access(meta) : access);
  if (!person) return null;
  if (meta === null || state === null) {
    await person.refuse('malformed payload', person.t('common.forbidden'));
    return null;
  }
  return { caller: person, meta, state };
}

/** A form the caller got wrong: the errors under their fields, and the attempt kept in the audit log. */
export async function refuseForm(
  caller: Caller,
  ack: SlackViewMiddlewareArgs['ack'],
  errors: FieldErrors,
  reason: string,
): Promise<void> {
  await caller.answering(noAnswer).refuse(reason, '', { fields: Object.keys(errors) });
  await ack(formErrors(caller.locale, errors));
}

/** Who acted and when, as a repository's audit record takes them. */
export function actedBy(ctx: AppContext, caller: Caller): { actor: string; now: Date } {
  return { actor: caller.slackUserId, now: ctx.clock.now() };
}
