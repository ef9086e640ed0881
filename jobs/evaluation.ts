import { closeRound, findRound, openRound, pendingVoters } from '../db/queries/evaluation.js';
import { listBranches } from '../db/queries/people.js';
import { messageKind } from '../src/delivery/outbox.js';
import { planEvaluationMessages, roundState } from '../src/domain/evaluation.js';
import { localDateOf } from '../src/domain/time.js';
import { toLocale } from '../src/i18n/index.js';
import { evaluationMessages, type EvaluationItem } from '../src/ui/evaluation.js';
import { dryRunSummary, planContext, planTimezone, queueAndSend } from './common.js';
import type { Job, JobResult } from './types.js';

/**
 * The year-end evaluation's dates, on working days at the reminder time: the round opens on its
 * plan's `evaluation.opens` (unless the office opened it already), every voter is invited once,
 * those who have not voted are reminded 3 and 1 days before the close, and the round closes on the
 * first run after `closes`. Everything it sends goes through the outbox, keyed per voter.
 */
export const evaluationMessage = messageKind<EvaluationItem>('evaluation', evaluationMessages);

/** Working days before the close on which those who have not voted are reminded. */
export const REMIND_DAYS_BEFORE = [3, 1];

export const evaluationJob: Job = {
  name: 'evaluation',
  messages: [evaluationMessage],
  async schedule(ctx) {
    const { timezone, reminderTime } = await planTimezone(ctx);
    return { timezone, time: ctx.config.reminderTime ?? reminderTime };
  },
  async run(ctx, opts): Promise<JobResult> {
    const pc = await planContext(ctx, opts.now);
    if (!pc) return { summary: ['evaluation: no plan; nothing to do'], completed: true };
    const today = localDateOf(opts.now, pc.plan.timezone);
    let round = await findRound(ctx.db, pc.plan.id);
    const section = pc.plan.settings.evaluation;
    if (!round && section && today >= section.opens && today <= section.closes && !opts.dryRun)
      round = (
        await openRound(ctx.db, { planId: pc.plan.id, rules: section, actor: 'job:evaluation', now: ctx.clock.now() })
      ).round;
    if (!round) return { summary: [`evaluation ${today}: no evaluation open; nothing to do`], completed: true };
    const state = roundState(round, today);
    if (state === 'ended') {
      if (opts.dryRun)
        return {
          summary: [`evaluation ${today}: ended on ${round.closes}; would close it — dry run`],
          completed: false,
        };
      await closeRound(ctx.db, { roundId: round.id, actor: 'job:evaluation', now: ctx.clock.now() });
      return { summary: [`evaluation ${today}: ended on ${round.closes}; closed, results shown`], completed: true };
    }
    if (state !== 'open') return { summary: [`evaluation ${today}: ${state}; nothing to send`], completed: true };
    if (!pc.calendar.isWorkday(today))
      return { summary: [`evaluation ${today}: a day off; nothing sent`], completed: false };
    const lastRunDate = opts.lastSlot ? localDateOf(opts.lastSlot, pc.plan.timezone) : null;
    const [voters, branches] = await Promise.all([pendingVoters(ctx.db, round.id), listBranches(ctx.db)]);
    const names = new Map(branches.map((b) => [b.id, b.name]));
    const messages = planEvaluationMessages({
      round,
      voters,
      today,
      calendar: pc.calendar,
      remindDaysBefore: REMIND_DAYS_BEFORE,
      lastRunDate,
    });
    const rows = messages.map((m) => ({
      job: 'evaluation',
      key: m.key,
      recipient: m.recipient,
      payload: evaluationMessage.payload(toLocale(m.locale, ctx.config.defaultLocale), {
        message: m,
        branches: m.pending.map((id) => ({ id, name: names.get(id) ?? String(id) })),
      }),
    }));
    const head = `evaluation ${today} (until ${round.closes}): ${voters.length} voter(s) with branches to rate, ${messages.length} message(s) planned`;
    if (opts.dryRun)
      return dryRunSummary(ctx, rows, head, (queued) =>
        messages.map(
          (m) =>
            `  ${m.recipient}: ${m.kind} ${m.pending.length} branch(es)${queued(m.key) ? ' (already queued)' : ''}`,
        ),
      );
    return queueAndSend(ctx, rows, head);
  },
};
