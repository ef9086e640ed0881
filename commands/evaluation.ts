import type { BlockAction } from '@slack/bolt';
import { z } from 'zod';
import {
  auditRefusedBallot,
  castSlackBallot,
  findRound,
  findRoundById,
  voterBranches,
} from '../db/queries/evaluation.js';
import type { AppContext } from '../src/context.js';
import { parseBallotForm, questionBlock, roundState, type Round } from '../src/domain/evaluation.js';
import { ViewStateSchema, fieldOf } from '../src/domain/report-form.js';
import type { Branch, Person } from '../src/domain/types.js';
import { publishHome } from '../src/flows/home.js';
import { t } from '../src/i18n/index.js';
import {
  buttonReply,
  callerOf,
  ephemeral,
  errorUnder,
  formErrors,
  parseJson,
  shownIn,
  type Caller,
} from '../src/slack/caller.js';
import { pressOf } from '../src/slack/openings.js';
import { modalOpener, type ViewSink } from '../src/slack/modal-opener.js';
import { notifyPerson } from '../src/slack/notify.js';
import type { Router } from '../src/slack/router.js';
import { ballotModal, BRANCH_BLOCK, EVALUATION_ACTIONS, EVALUATION_VIEWS } from '../src/ui/evaluation.js';
import { escape } from '../src/ui/limits.js';

/**
 * The year-end evaluation in Slack: `/evaluate`, the DM's buttons, and the ballot modal. A ballot
 * is checked against the round and the electorate in the transaction that counts it
 * (db/queries/evaluation.ts); a refusal is audited with the round and branch, never with grades.
 */

const Id = z.number().int().positive();
const BallotMeta = z.object({ r: Id, b: Id.optional() }).strict();
const IdValue = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number)
  .pipe(Id);
const CommandText = z
  .string()
  .trim()
  .transform((s) => s.split(/\s+/).filter(Boolean))
  .pipe(
    z.union([
      z.tuple([]).transform(() => ({ kind: 'mine' as const })),
      z.tuple([z.literal('help')]).transform(() => ({ kind: 'help' as const })),
      z
        .tuple([z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$/)])
        .transform(([code]) => ({ kind: 'branch' as const, code })),
    ]),
  );

/** The round of the plan in force, open today; otherwise the caller is told why, and null. */
async function openRoundFor(ctx: AppContext, caller: Caller<Person>): Promise<Round | null> {
  const found = await caller.today();
  if (!found) {
    await caller.say(caller.t('common.no_plan'));
    return null;
  }
  const round = await findRound(ctx.db, found.plan.id);
  if (!round) {
    await caller.say(caller.t('evaluation.no_round'));
    return null;
  }
  const state = roundState(round, found.today);
  if (state === 'open') return round;
  await caller.say(
    state === 'before'
      ? caller.t('evaluation.not_open', { opens: round.opens, closes: round.closes })
      : caller.t('evaluation.closed', { closes: round.closes }),
  );
  return null;
}

/**
 * Opens the ballot: for one branch (by id or code), else for the one branch left, else a choice of
 * the branches left. A branch the caller may not rate, or has rated, is refused and audited.
 */
async function openBallot(
  ctx: AppContext,
  caller: Caller<Person>,
  sink: ViewSink,
  which: { id: number } | { code: string } | null,
): Promise<void> {
  const round = await openRoundFor(ctx, caller);
  if (!round) return;
  const mine = await voterBranches(ctx.db, round.id, caller.person.id);
  const left = mine.filter((m) => !m.voted).map((m) => m.branch);
  let branch: Branch | null = null;
  if (which) {
    const entry = mine.find((m) =>
      'id' in which ? m.branch.id === which.id : m.branch.code === which.code.toUpperCase(),
    );
    if (!entry) {
      const name = await branchName(ctx, which);
      if (name === null)
        return caller.say(
          caller.t('evaluation.error.no_branch', { code: 'code' in which ? which.code : String(which.id) }),
        );
      return caller.refuse(
        'may not rate this branch',
        caller.t('evaluation.error.not_eligible', { branch: escape(name) }),
        {
          round: round.id,
        },
      );
    }
    if (entry.voted)
      return caller.refuse('rated already', caller.t('evaluation.error.twice', { branch: escape(entry.branch.name) }), {
        round: round.id,
      });
    branch = entry.branch;
  } else if (mine.length === 0)
    return caller.refuse('not in the electorate', caller.t('evaluation.error.no_vote'), {
      round: round.id,
    });
  else if (left.length === 0) return caller.say(caller.t('evaluation.error.nothing_left'));
  else if (left.length === 1) branch = left[0]!;
  await sink.show(
    ballotModal({
      locale: caller.locale,
      settings: round.settings,
      closes: round.closes,
      branch,
      choices: branch ? [] : left,
      privateMetadata: JSON.stringify({ r: round.id, ...(branch ? { b: branch.id } : {}) }),
    }),
  );
}

async function branchName(ctx: AppContext, which: { id: number } | { code: string }): Promise<string | null> {
  let q = ctx.db.selectFrom('branches').select('name').where('active', '=', 1);
  q = 'id' in which ? q.where('id', '=', which.id) : q.where('code', '=', which.code.toUpperCase());
  return (await q.executeTakeFirst())?.name ?? null;
}

function ballotButton(
  router: Router,
  ctx: AppContext,
  actionId: string,
  parse: (value: string) => { id: number } | null | 'bad',
) {
  router.action<BlockAction>(actionId, async ({ ack, body, action, client, respond }) => {
    await ack();
    const opener = modalOpener(client, body.trigger_id);
    const { value, caller } = await pressOf(
      ctx,
      client,
      { body, action, actionId },
      shownIn(opener, 'evaluation.modal.close', buttonReply(client, body, respond)),
    );
    const person = await caller.require();
    if (!person) return;
    const which = parse(value);
    if (which === 'bad') return person.refuse('malformed value', person.t('common.forbidden'));
    await openBallot(ctx, person, opener, which);
  });
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/evaluate', async ({ command, ack, client, respond }) => {
    await ack();
    const request = CommandText.safeParse(command.text ?? '');
    const opener = request.success && request.data.kind !== 'help' ? modalOpener(client, command.trigger_id) : null;
    const say = ephemeral(respond);
    const caller = await callerOf(ctx, client, command.user_id, {
      action: 'command./evaluate',
      answer: opener ? shownIn(opener, 'evaluation.modal.close', say) : say,
      details: { text: (command.text ?? '').slice(0, 100) },
    });
    if (!request.success || request.data.kind === 'help')
      return caller.say(caller.person ? caller.t('evaluation.help') : caller.t('common.not_in_roster'));
    const person = await caller.require();
    if (!person || !opener) return;
    await openBallot(ctx, person, opener, request.data.kind === 'branch' ? { code: request.data.code } : null);
  });

  ballotButton(router, ctx, EVALUATION_ACTIONS.vote, (value) => {
    const id = IdValue.safeParse(value);
    return id.success ? { id: id.data } : 'bad';
  });
  ballotButton(router, ctx, EVALUATION_ACTIONS.open, () => null);

  router.view(EVALUATION_VIEWS.ballot, async ({ ack, body, view, client }) => {
    const meta = BallotMeta.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    const round = meta.success ? await findRoundById(ctx.db, meta.data.r) : null;
    const firstBlock = round ? questionBlock(round.settings.questions[0]!.code) : BRANCH_BLOCK;
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `view.${EVALUATION_VIEWS.ballot}`,
      // Round and branch only: a refusal's audit row never holds the grades.
      answer: errorUnder(ack, meta.success && meta.data.b === undefined ? BRANCH_BLOCK : firstBlock),
      details: meta.success ? { round: meta.data.r, branch: meta.data.b ?? null } : { metadata: 'malformed' },
    });
    const person = await caller.require();
    if (!person) return;
    if (!meta.success || !state.success || !round)
      return person.refuse('malformed payload', person.t('common.forbidden'));
    const found = await person.today();
    if (!found || found.plan.id !== round.planId)
      return person.refuse('round of another plan', person.t('evaluation.no_round'));
    let branchId = meta.data.b ?? null;
    if (branchId === null) {
      const chosen = IdValue.safeParse(fieldOf(state.data, BRANCH_BLOCK)?.selected_option?.value ?? '');
      if (!chosen.success)
        return ack(formErrors(person.locale, { [BRANCH_BLOCK]: { key: 'evaluation.error.branch' } }));
      branchId = chosen.data;
    }
    const form = parseBallotForm(round.settings, state.data);
    if (!form.ok) {
      await auditRefusedBallot(ctx.db, {
        roundId: round.id,
        branchId,
        reason: 'unanswered or a grade not offered',
        source: 'slack',
        actor: person.slackUserId,
        now: ctx.clock.now(),
      });
      return ack(formErrors(person.locale, form.errors));
    }
    const name = (await branchName(ctx, { id: branchId })) ?? String(branchId);
    const outcome = await castSlackBallot(ctx.db, {
      roundId: round.id,
      personId: person.person.id,
      branchId,
      answers: form.value,
      today: found.today,
      actor: person.slackUserId,
      now: ctx.clock.now(),
    });
    if (outcome === 'twice')
      return person.refuse('rated already', person.t('evaluation.error.twice', { branch: escape(name) }));
    if (outcome === 'not_eligible')
      return person.refuse(
        'may not rate this branch',
        person.t('evaluation.error.not_eligible', { branch: escape(name) }),
      );
    if (outcome === 'closed')
      return person.refuse('round closed', person.t('evaluation.closed', { closes: round.closes }));
    if (outcome === 'not_open')
      return person.refuse(
        'round not open',
        person.t('evaluation.not_open', { opens: round.opens, closes: round.closes }),
      );
    await ack();
    const left = (await voterBranches(ctx.db, round.id, person.person.id)).filter((m) => !m.voted).length;
    await notifyPerson(ctx, client, person.person, (l) => ({
      text:
        left === 0
          ? t(l, 'evaluation.voted_all', { branch: escape(name) })
          : t(l, 'evaluation.voted', { branch: escape(name), left }),
    }));
    await publishHome(ctx, client, person.slackUserId);
  });
}
