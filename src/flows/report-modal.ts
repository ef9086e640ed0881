import { findBranchById, findPersonById } from '../../db/queries/people.js';
import { planObligations, type Plan } from '../../db/queries/plans.js';
import { branchAdjustments } from '../../db/queries/progress.js';
import { branchSecretaryIds, listReportsForBranches } from '../../db/queries/reports.js';
import type { AppContext } from '../context.js';
import { branchChecklist, reportableItems, type ChecklistItem } from '../domain/checklist.js';
import { canChangeReport } from '../domain/reporting.js';
import { isComputed, type Branch, type Person, type Report } from '../domain/types.js';
import { shownIn, type Answer, type Caller } from '../slack/caller.js';
import type { ViewSink } from '../slack/modal-opener.js';
import { escape } from '../ui/limits.js';
import { branchPickerModal, reportModal } from '../ui/report-modal.js';
import { localDateTime } from '../ui/time.js';

/** A branch's reportable items: approved extensions applied, tasks a leader exempted it from left out. */
export async function loadBranchItems(
  ctx: AppContext,
  plan: Plan,
  branch: Branch,
  today: string,
): Promise<ChecklistItem[]> {
  const [obligations, reports, adjustments] = await Promise.all([
    planObligations(ctx.db, plan),
    listReportsForBranches(ctx.db, [branch.id], plan.id),
    branchAdjustments(ctx.db, plan.id, [branch.id]),
  ]);
  const exempt = adjustments.exempt.get(branch.id);
  return reportableItems(
    branchChecklist({
      obligations,
      category: branch.category,
      branchId: branch.id,
      reports,
      today,
      extendedDue: adjustments.extendedDue.get(branch.id),
      ...(exempt ? { exemptObligationIds: exempt } : {}),
    }),
  );
}

/** A person's name for a message (escaped for mrkdwn), '—' when they left the roster. */
export async function personName(ctx: AppContext, personId: number): Promise<string> {
  return escape((await findPersonById(ctx.db, personId))?.name ?? '—');
}

export interface ShowReportArgs {
  /** Null: a secretary of several branches chooses first. */
  branchId: number | null;
  obligationId: number | null;
  /** Where the modal goes; a message takes its place when there is nothing to report. */
  sink: ViewSink;
  /** Where a message goes when no modal is up, and a note shown beside the modal. */
  note: Answer;
}

/**
 * Opens the report modal for one of the caller's branches (from /report, the Home, a reminder, a
 * confirmation's Edit), with a task chosen and, when that task has a report the caller may still
 * change, its values filled in. The callers have checked that the caller is a secretary; the
 * branch is checked again here.
 */
export async function showReportModal(ctx: AppContext, caller: Caller<Person>, args: ShowReportArgs): Promise<void> {
  const { person, locale, branches } = caller;
  const { sink } = args;
  const message = (text: string) => shownIn(sink, 'report.modal.close', args.note)(text, locale);
  const found = await caller.today();
  if (!found) return void (await message(caller.t('common.no_plan')));
  const { plan, today } = found;
  const branchId = args.branchId ?? (person.secretaryOf.length === 1 ? person.secretaryOf[0]! : null);
  if (branchId === null) {
    const meta = { planId: plan.id, ...(args.obligationId ? { obligationId: args.obligationId } : {}) };
    await sink.show(branchPickerModal({ locale, branches, privateMetadata: JSON.stringify(meta) }));
    return;
  }
  const branch = person.secretaryOf.includes(branchId)
    ? (branches.find((b) => b.id === branchId) ?? (await findBranchById(ctx.db, branchId)))
    : null;
  if (!branch) return void (await message(caller.t('common.forbidden')));
  if (args.obligationId !== null) {
    const chosen = (await planObligations(ctx.db, plan)).find((o) => o.id === args.obligationId);
    // A reminder's Report now on a computed task (kind: commitments): nobody reports it.
    if (chosen && isComputed(chosen))
      return void (await message(
        caller.t('commitments.report.computed', { code: chosen.code, threshold: chosen.threshold ?? 0 }),
      ));
  }
  const items = await loadBranchItems(ctx, plan, branch, today);
  if (items.length === 0) return void (await message(caller.t('report.nothing_open', { branch: escape(branch.name) })));
  // A select with no options is refused by Slack: when everything is accepted there is nothing to pick.
  if (items.every((i) => i.report?.status === 'accepted'))
    return void (await message(caller.t('report.all_accepted', { branch: escape(branch.name) })));
  const selected = args.obligationId ? items.find((i) => i.obligation.id === args.obligationId) : undefined;
  let editing: { report: Report; submittedLocal: string; reviewerName: string | null } | null = null;
  let selectedObligationId = selected?.obligation.id;
  if (selected?.report && selected.report.status !== 'withdrawn') {
    const verdict = canChangeReport(selected.report, person.id, await branchSecretaryIds(ctx.db, branch.id));
    if (verdict.ok) {
      const reviewer = selected.report.reviewedBy ? await findPersonById(ctx.db, selected.report.reviewedBy) : null;
      editing = {
        report: selected.report,
        submittedLocal: localDateTime(selected.report.submittedAt, plan.timezone),
        reviewerName: reviewer?.name ?? null,
      };
    } else {
      selectedObligationId = undefined;
      await args.note(
        verdict.reason === 'reviewed'
          ? caller.t('report.error.locked')
          : caller.t('report.refused.not_author', { author: await personName(ctx, selected.report.submittedBy) }),
        locale,
      );
    }
  }
  await sink.show(
    reportModal({
      locale,
      branch,
      items,
      today,
      selectedObligationId,
      editing,
      branches: person.secretaryOf.length > 1 ? branches : undefined,
      privateMetadata: JSON.stringify({ planId: plan.id, branchId: branch.id }),
    }),
  );
}
