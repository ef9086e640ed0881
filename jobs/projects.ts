import { listAdmins } from '../db/queries/people.js';
import { dutyProjects } from '../db/queries/projects.js';
import { planProjectDuties } from '../src/domain/projects.js';
import { localDateOf } from '../src/domain/time.js';
import { toLocale } from '../src/i18n/index.js';
import { messageKind } from '../src/delivery/outbox.js';
import { dutyMessages, type DutyItem } from '../src/ui/projects.js';
import { dryRunSummary, planContext, planTimezone, queueAndSend } from './common.js';
import type { Job, JobResult } from './types.js';

/**
 * The committee's dates of the innovation projects (assessment, review), reminded and escalated on
 * working days at the reminder time, like the branches' tasks; the branches' own dates are their
 * obligations' and go out with the reminders job (docs/decisions/008-projects-commendations.md).
 */
export const projectDutyMessage = messageKind<DutyItem>('project-duty', dutyMessages);

export const projectsJob: Job = {
  name: 'projects',
  messages: [projectDutyMessage],
  async schedule(ctx) {
    const { timezone, reminderTime } = await planTimezone(ctx);
    return { timezone, time: ctx.config.reminderTime ?? reminderTime };
  },
  async run(ctx, opts): Promise<JobResult> {
    const pc = await planContext(ctx, opts.now);
    const rules = pc?.plan.settings.projects;
    if (!pc || !rules)
      return { summary: ['projects: no plan with innovation projects; nothing to do'], completed: true };
    const today = localDateOf(opts.now, pc.plan.timezone);
    if (today < pc.plan.starts || today > pc.plan.ends)
      return { summary: [`projects ${today}: outside the plan; nothing to do`], completed: true };
    // A day off does not count as a run: the next working day covers its stages.
    if (!pc.calendar.isWorkday(today))
      return { summary: [`projects ${today}: a day off; nothing sent`], completed: false };
    const lastRunDate = opts.lastSlot ? localDateOf(opts.lastSlot, pc.plan.timezone) : null;
    const [projects, admins, people] = await Promise.all([
      dutyProjects(ctx.db, pc.plan.id),
      listAdmins(ctx.db),
      ctx.db.selectFrom('people').select(['id', 'slack_user_id', 'locale']).where('active', '=', 1).execute(),
    ]);
    const duties = planProjectDuties({
      rules,
      projects,
      assessors: new Map(people.map((p) => [p.id, { id: p.id, slackUserId: p.slack_user_id, locale: p.locale }])),
      admins: admins.map((a) => ({ id: a.id, slackUserId: a.slackUserId, locale: a.locale })),
      calendar: pc.calendar,
      stages: pc.stages,
      today,
      lastRunDate,
      escalateAfterDays: ctx.config.escalateAfterDays,
    });
    const titles = new Map(projects.map((p) => [p.id, p.title]));
    const rows = duties.map((duty) => ({
      job: 'projects',
      key: duty.key,
      recipient: duty.recipient,
      payload: projectDutyMessage.payload(toLocale(duty.locale, ctx.config.defaultLocale), {
        duty,
        title: duty.projectId === null ? null : (titles.get(duty.projectId) ?? null),
      }),
    }));
    const head = `projects ${today} (since ${lastRunDate ?? 'the start'}): ${duties.length} reminder(s) of the committee's dates`;
    if (opts.dryRun)
      return dryRunSummary(ctx, rows, head, (queued) =>
        duties.map(
          (d) =>
            `  ${d.recipient}: ${d.kind} ${d.count} due ${d.due} [${d.stage.key}]${queued(d.key) ? ' (already queued)' : ''}`,
        ),
      );
    return queueAndSend(ctx, rows, head);
  },
};
