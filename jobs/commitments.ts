import { branchesToPost, claimBranchPost, commitmentReminderFacts } from '../db/queries/commitments.js';
import { enqueue } from '../db/queries/outbox.js';
import { daysBetween } from '../src/domain/calendar.js';
import { planCommitmentReminders, postingDue } from '../src/domain/commitments.js';
import { localDateOf } from '../src/domain/time.js';
import { toLocale } from '../src/i18n/index.js';
import { drainOutbox, messageKind, threadedPostRows } from '../src/delivery/outbox.js';
import { branchPosts, commitmentReminderMessages, type CommitmentReminderItem } from '../src/ui/commitments.js';
import { planContext, planTimezone } from './common.js';
import type { Job, JobResult } from './types.js';

/**
 * Public commitments (docs/decisions/009-commitments.md), on working days at the reminder time:
 * members who must commit and have not, before the window closes; members with unreported
 * fulfilment, before the year-end date; secretaries with fulfilment waiting. And once, on the first
 * run after the window closes, each branch's list posted to the branch's channel, claimed per branch.
 */
export const commitmentReminderMessage = messageKind<CommitmentReminderItem>(
  'commitment-reminder',
  commitmentReminderMessages,
);

export const commitmentsJob: Job = {
  name: 'commitments',
  messages: [commitmentReminderMessage],
  async schedule(ctx) {
    const { timezone, reminderTime } = await planTimezone(ctx);
    return { timezone, time: ctx.config.reminderTime ?? reminderTime };
  },
  async run(ctx, opts): Promise<JobResult> {
    const pc = await planContext(ctx, opts.now);
    const rules = pc?.plan.settings.commitments;
    if (!pc || !rules)
      return { summary: ['commitments: no plan with public commitments; nothing to do'], completed: true };
    const { plan } = pc;
    const today = localDateOf(opts.now, plan.timezone);
    if (today < plan.starts || today > plan.ends)
      return { summary: [`commitments ${today}: outside the plan; nothing to do`], completed: true };
    if (!pc.calendar.isWorkday(today))
      return { summary: [`commitments ${today}: a day off; nothing sent`], completed: false };

    const facts = await commitmentReminderFacts(ctx.db, plan.id, rules);
    const reminders = planCommitmentReminders({
      rules,
      today,
      daysBefore: plan.settings.reminders.days_before,
      daysUntil: (date) => daysBetween(today, date),
      people: facts.people,
      secretaries: facts.secretaries,
    });
    const who = new Map<number, { slackUserId: string; locale: string | null }>();
    for (const p of facts.people) who.set(p.id, p);
    for (const s of facts.secretaries) who.set(s.id, s);
    const rows = reminders.flatMap((r) => {
      const person = who.get(r.personId);
      if (!person) return [];
      const locale = toLocale(person.locale, ctx.config.defaultLocale);
      const item: CommitmentReminderItem =
        r.kind === 'commit'
          ? { kind: 'commit', closes: r.closes, daysLeft: r.daysLeft }
          : r.kind === 'fulfil'
            ? { kind: 'fulfil', due: r.due, unreported: r.unreported }
            : { kind: 'confirm', waiting: r.waiting };
      return [
        {
          job: 'commitments',
          // One a person, kind and day: a rerun or a second process queues nothing twice.
          key: `commitment:${r.kind}:${plan.id}:${person.slackUserId}:${today}`,
          recipient: person.slackUserId,
          payload: commitmentReminderMessage.payload(locale, item),
        },
      ];
    });
    const head = `commitments ${today}: ${reminders.length} reminder(s)`;
    const toPost = postingDue(rules, today) ? await branchesToPost(ctx.db, plan.id) : [];
    if (opts.dryRun)
      return {
        summary: [
          `${head}, ${toPost.length} branch list(s) to post — dry run, nothing sent or recorded`,
          ...rows.map((r) => `  ${r.recipient}: ${r.key}`),
          ...toPost.map((b) => `  post ${b.code} to ${b.channel_id}`),
        ],
        completed: false,
      };
    const added = await enqueue(ctx.db, rows, ctx.clock.now());
    let posted = 0;
    const locale = ctx.config.defaultLocale;
    for (const b of toPost) {
      const channel = b.channel_id!;
      const claimed = await claimBranchPost(
        ctx.db,
        {
          planId: plan.id,
          branchId: b.id,
          channelId: channel,
          render: (list) => {
            const people = new Map<number, { name: string; commitments: typeof list }>();
            for (const c of list) {
              const p = people.get(c.personId);
              if (p) p.commitments.push(c);
              else people.set(c.personId, { name: c.personName, commitments: [c] });
            }
            const posts = branchPosts(locale, {
              branchName: b.name,
              closes: rules.closes,
              people: [...people.values()],
              count: list.length,
            });
            return threadedPostRows('commitments', `commitments-post:${plan.id}:${b.id}`, channel, posts);
          },
        },
        { actor: 'system', now: ctx.clock.now() },
      );
      if (claimed) posted++;
    }
    const sent = await drainOutbox(ctx);
    return {
      summary: [
        `${head}, ${posted} branch list(s) posted`,
        `  queued ${added.length} new, sent ${sent.sent} row(s), ${sent.failed} to retry, ${sent.dead} undeliverable`,
      ],
      completed: true,
    };
  },
};
