import { existingKeys, type NewOutboxRow } from '../db/queries/outbox.js';
import { countReceived, loadScheduleData } from '../db/queries/schedule-data.js';
import { projectStageCounts } from '../db/queries/projects.js';
import { buildDigest, type DigestData } from '../src/domain/digest.js';
import { addDays, daysBetween, isoWeekday } from '../src/domain/calendar.js';
import { instantAt, localDateOf } from '../src/domain/time.js';
import type { AppContext } from '../src/context.js';
import { drainOutbox, type FilePayload, type MessagePayload } from '../src/delivery/outbox.js';
import { digestChart } from '../src/files/chart.js';
import { digestMessages } from '../src/ui/digest.js';
import { planContext, planTimezone, queueAndSend } from './common.js';
import { nextSlot } from './slots.js';
import type { Job, JobResult } from './types.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A file posted in the digest's thread (a chart, a spreadsheet). */
export interface DigestAttachment {
  filename: string;
  title: string;
  bytes: Buffer;
}

/**
 * Makes one of the digest's files. Called once per digest (not on a rerun that finds the digest
 * queued); null adds nothing. A producer that throws is logged and skipped: the digest goes out
 * without it.
 */
export type DigestAttachmentProducer = (ctx: AppContext, data: DigestData) => Promise<DigestAttachment | null>;

export interface DigestJob extends Job {
  readonly attachments: readonly DigestAttachmentProducer[];
}

function digestSetting(ctx: AppContext): { weekday: number; time: string } {
  const [day, time] = ctx.config.digestSchedule.split(' ') as [string, string];
  return { weekday: WEEKDAYS.indexOf(day) + 1, time };
}

export function digestKey(slotDate: string, channel: string): string {
  return `digest:${slotDate}:${channel}`;
}

/** The digest job, posting these files in its thread. */
export function createDigestJob(attachments: readonly DigestAttachmentProducer[]): DigestJob {
  return {
    name: 'digest',
    attachments,
    // Ticks daily at the digest's time: the run posts on the week's digest day, or on the first
    // working day after it when that day is off, and a missed digest is caught up on any later day.
    async schedule(ctx) {
      const { timezone } = await planTimezone(ctx);
      return { timezone, time: digestSetting(ctx).time };
    },
    async nextRun(ctx, now) {
      const { timezone } = await planTimezone(ctx);
      const setting = digestSetting(ctx);
      return nextSlot({ timezone, time: setting.time, weekday: setting.weekday }, now);
    },
    async run(ctx, opts): Promise<JobResult> {
      const channel = ctx.config.digestChannel;
      if (!channel) return { summary: ['digest: DIGEST_CHANNEL is not set; no digest'], completed: true };
      const pc = await planContext(ctx, opts.slot);
      if (!pc) return { summary: ['digest: no plan imported; nothing to do'], completed: true };
      const today = localDateOf(opts.slot, pc.plan.timezone);
      // Nothing goes out on a day off, even when a slot is caught up on one.
      if (!opts.dryRun && !pc.calendar.isWorkday(localDateOf(opts.now, pc.plan.timezone))) {
        return {
          summary: [`digest ${localDateOf(opts.now, pc.plan.timezone)}: a day off; nothing sent`],
          completed: false,
        };
      }
      // The week's digest day (the configured weekday on or before today), moved off a day off.
      const weekDay = addDays(today, -((isoWeekday(today) - digestSetting(ctx).weekday + 7) % 7));
      const postDay = pc.calendar.nextWorkday(weekDay);
      if (today < postDay)
        return { summary: [`digest ${today}: this week's digest goes out on ${postDay}`], completed: true };
      const key = digestKey(weekDay, channel);
      // After the digest day, a digest the bot missed (it ran before, but not at the digest's slot)
      // is posted late, once, within the catch-up horizon, on a working day. A bot that never ran
      // before does not post the weeks before it existed.
      if (today > postDay && !(await existingKeys(ctx.db, [key])).has(key)) {
        const postSlot = instantAt(postDay, digestSetting(ctx).time, pc.plan.timezone);
        const missed = opts.lastSlot !== null && opts.lastSlot.getTime() < postSlot.getTime();
        if (!missed && !opts.dryRun)
          return {
            summary: [`digest ${today}: this week's digest was due on ${postDay}, before this bot ran; not posted`],
            completed: true,
          };
        if (daysBetween(postDay, today) * 24 > ctx.config.catchUpHours) {
          return {
            summary: [
              `digest ${today}: this week's digest (${postDay}) was missed longer ago than CATCH_UP_HOURS; skipped`,
            ],
            completed: true,
          };
        }
      }
      const late = opts.late || today > postDay;
      const already = (await existingKeys(ctx.db, [key])).has(key);
      if (already && !opts.dryRun) {
        const sent = await drainOutbox(ctx);
        return { summary: [`digest ${today}: already queued; sent ${sent.sent} pending row(s)`], completed: true };
      }
      const data = await loadScheduleData(ctx.db, pc.plan.id, today);
      const slotAt = opts.slot.toISOString();
      const weekStartAt = instantAt(addDays(weekDay, -7), digestSetting(ctx).time, pc.plan.timezone).toISOString();
      const received = await countReceived(ctx.db, pc.plan.id, new Date(weekStartAt), opts.slot);
      const projects = pc.plan.settings.projects ? await projectStageCounts(ctx.db, pc.plan.id) : null;
      const digest = buildDigest({ data, today, weekStartAt, slotAt, late, received, projects });
      const rendered = digestMessages(ctx.config.defaultLocale, digest);
      const head = `digest ${today}${late ? ' (late)' : ''} to ${channel}: ${digest.overall.doneOfDue}/${digest.overall.due} due items done, ${digest.overdueBranches.length} branch(es) overdue, ${rendered.thread.length} thread repl(ies)`;
      if (opts.dryRun)
        return {
          summary: [
            `${head} — dry run, nothing sent or recorded${already ? ' (already posted)' : ''}`,
            `  ${rendered.main.text}`,
          ],
          completed: false,
        };

      const rows: NewOutboxRow[] = [
        {
          job: 'digest',
          key,
          recipient: channel,
          payload: { kind: 'message', text: rendered.main.text, blocks: rendered.main.blocks } satisfies MessagePayload,
        },
      ];
      rendered.thread.forEach((m, i) => {
        rows.push({
          job: 'digest',
          key: `${key}:thread:${i + 1}`,
          recipient: channel,
          payload: { kind: 'message', text: m.text, blocks: m.blocks, threadOf: key } satisfies MessagePayload,
        });
      });
      for (const produce of attachments) {
        try {
          const file = await produce(ctx, digest);
          if (!file) continue;
          rows.push({
            job: 'digest',
            key: `${key}:file:${file.filename}`,
            recipient: channel,
            payload: {
              kind: 'file',
              filename: file.filename,
              title: file.title,
              base64: file.bytes.toString('base64'),
              threadOf: key,
            } satisfies FilePayload,
          });
        } catch (err) {
          ctx.logger.warn({ err }, 'digest: an attachment failed; the digest goes out without it');
        }
      }
      return queueAndSend(ctx, rows, head);
    },
  };
}

/** The weekly digest carries the completion chart (rendered on this machine, uploaded in its thread). */
export const digestJob = createDigestJob([digestChart]);
