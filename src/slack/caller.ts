import type { BlockAction, RespondFn, SlackViewMiddlewareArgs, ViewErrorsResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { audit } from '../../db/queries/audit.js';
import { findPersonWithBranches } from '../../db/queries/people.js';
import { findPlanToday, type PlanToday } from '../../db/queries/plans.js';
import type { AppContext } from '../context.js';
import type { FieldErrors } from '../domain/report-form.js';
import type { Branch, Person } from '../domain/types.js';
import { t, type Locale, type MessageKey, type Params } from '../i18n/index.js';
import { messageModal } from '../ui/limits.js';
import { localeFor } from './locale.js';
import type { ViewSink } from './modal-opener.js';

/**
 * The opening every command, button and modal listener shares: who is calling, in which language,
 * whether they may, and the plan in force. A listener then reads: ack → parse → caller (and
 * `require`) → decide (src/domain) → read/write (db/queries) → render (src/ui) → reply.
 */

/** How a listener answers its caller: a text, shown in the caller's language. */
export type Answer = (text: string, locale: Locale) => Promise<unknown>;

/** Who may use a listener, and what the others are told. */
export interface Access {
  /** Who may; when absent, anyone in the roster. */
  may?: (person: Person) => boolean;
  /** What the others are told; `common.forbidden` when absent. */
  refusal?: MessageKey;
  /** What the audit log says about the others; their roles when absent. */
  reason?: string;
  /** The attempt's name in the audit log, when a variant of the listener asks more (`command./rankings public`). */
  action?: string;
}

export interface Caller<P extends Person | null = Person | null> {
  /** The Slack user who sent the command, pressed the button or submitted the modal. */
  readonly slackUserId: string;
  /** Their roster entry; null for someone not in the roster. */
  readonly person: P;
  /** The active branches they are secretary of, read with them, by code. */
  readonly branches: Branch[];
  readonly locale: Locale;
  /** A text in the caller's language. */
  t(key: MessageKey, params?: Params): string;
  /** Answers the caller the way the listener said at its opening. */
  say(text: string): Promise<void>;
  /**
   * The caller, known to be in the roster and allowed by `access`; otherwise the attempt is refused
   * (logged, audited, answered: someone not in the roster is told whom to ask) and null returned.
   */
  require(access?: Access): Promise<Caller<Person> | null>;
  /** A refused attempt: nothing changes; it is logged and kept in the audit log, and the caller is told `text`. */
  refuse(reason: string, text: string, details?: Record<string, unknown>): Promise<void>;
  /** The plan in force and today's date in its timezone, read once per request (null: no plan imported). */
  today(): Promise<PlanToday | null>;
  /** The same caller, answered another way from here on (in a modal, once one is to open). */
  answering(answer: Answer): Caller<P>;
}

export interface Opening {
  /** What the audit log calls the attempt: `command./report`, `action.report_edit`, `view.report_submit`. */
  action: string;
  answer: Answer;
  /** Kept with every refusal of this request (the command's text, a button's value). */
  details?: Record<string, unknown>;
}

/** Who is calling (one read: the person with their branches) and in which language. */
export async function callerOf(
  ctx: AppContext,
  client: WebClient,
  slackUserId: string,
  opening: Opening,
): Promise<Caller> {
  const found = await findPersonWithBranches(ctx.db, slackUserId);
  const person = found?.person ?? null;
  const locale = await localeFor(ctx, client, slackUserId, person);
  let planToday: Promise<PlanToday | null> | null = null;
  const today = () => (planToday ??= findPlanToday(ctx.db, ctx.clock.now()));
  const make = (answer: Answer): Caller => {
    const refuseAs = async (action: string, reason: string, text: string, details?: Record<string, unknown>) => {
      await recordRefusal(ctx, {
        actor: slackUserId,
        action,
        reason,
        details: opening.details || details ? { ...opening.details, ...details } : undefined,
      });
      await answer(text, locale);
    };
    const caller: Caller = {
      slackUserId,
      person,
      branches: found?.branches ?? [],
      locale,
      t: (key, params) => t(locale, key, params),
      say: async (text) => {
        await answer(text, locale);
      },
      refuse: (reason, text, details) => refuseAs(opening.action, reason, text, details),
      require: async (access = {}) => {
        const action = access.action ?? opening.action;
        if (!person) {
          await refuseAs(action, 'not in the roster', t(locale, 'common.not_in_roster'));
          return null;
        }
        if (access.may && !access.may(person)) {
          const reason = access.reason ?? `role ${person.roles.join(',') || 'none'} may not`;
          await refuseAs(action, reason, t(locale, access.refusal ?? 'common.forbidden'));
          return null;
        }
        return caller as Caller<Person>;
      },
      today,
      answering: (other) => make(other),
    };
    return caller;
  };
  return make(opening.answer);
}

async function recordRefusal(
  ctx: AppContext,
  attempt: { actor: string; action: string; reason: string; details?: Record<string, unknown> },
): Promise<void> {
  ctx.logger.warn(
    { actor: attempt.actor, action: attempt.action, reason: attempt.reason, details: attempt.details },
    'refused',
  );
  await audit(ctx.db, {
    at: ctx.clock.now(),
    actor: attempt.actor,
    action: 'access.denied',
    subjectType: attempt.action,
    details: { reason: attempt.reason, ...attempt.details },
  });
}

// How listeners answer.

/** A slash command's answer: a message only the caller sees. */
export function ephemeral(respond: RespondFn): Answer {
  return (text) => respond({ response_type: 'ephemeral', text });
}

/**
 * A button's answer: under the message it came from, shown only to the presser (or, with
 * `replace`, in place of the bot's message), else, from a modal or the App Home, which have no
 * response_url, by DM.
 */
export function buttonReply(
  client: WebClient,
  body: BlockAction,
  respond: RespondFn,
  opts: { replace?: boolean } = {},
): Answer {
  return async (text) => {
    if (body.response_url)
      await respond(
        opts.replace ? { replace_original: true, text } : { response_type: 'ephemeral', replace_original: false, text },
      );
    else await client.chat.postMessage({ channel: body.user.id, text });
  };
}

/** For a request with nowhere to answer (a button inside a modal that changes the modal only). */
export const noAnswer: Answer = async () => undefined;

/** An answer in a modal of its own, opened on the trigger (the App Home has nowhere else to answer). */
export function modalAnswer(client: WebClient, triggerId: string, close: MessageKey): Answer {
  return (text, locale) =>
    client.views.open({ trigger_id: triggerId, view: messageModal('Pacesetter', text, t(locale, close)) });
}

/**
 * An answer in the modal a sink holds (the loading modal an opener put up, a modal being updated);
 * `otherwise` when there is none up.
 */
export function shownIn(sink: ViewSink, close: MessageKey, otherwise?: Answer): Answer {
  return async (text, locale) => {
    if (!(await sink.abandon(messageModal('Pacesetter', text, t(locale, close))))) await otherwise?.(text, locale);
  };
}

/** A submission's answer: the text under one block of the form, which stays open. */
export function errorUnder(ack: SlackViewMiddlewareArgs['ack'], blockId: string): Answer {
  return (text) => ack({ response_action: 'errors', errors: { [blockId]: text } });
}

/** Slack's answer to a form with errors: each block's message, in the caller's language. */
export function formErrors(locale: Locale, errors: FieldErrors): ViewErrorsResponseAction {
  return {
    response_action: 'errors',
    errors: Object.fromEntries(Object.entries(errors).map(([block, e]) => [block, t(locale, e.key, e.params)])),
  };
}

// What listeners parse.

/** A JSON payload (a modal's private_metadata, a button's value), or null when it is not JSON text. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The value a button carries, '' when it has none (a menu carries its selected option instead). */
export function actionValue(action: unknown): string {
  const value = typeof action === 'object' && action !== null ? (action as { value?: unknown }).value : undefined;
  return typeof value === 'string' ? value : '';
}
