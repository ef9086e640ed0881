import { z } from 'zod';
import { recordInspection, secretariesOf } from '../db/queries/inspections.js';
import type { NewOutboxRow } from '../db/queries/outbox.js';
import { listBranches } from '../db/queries/people.js';
import type { AppContext } from '../src/context.js';
import { drainOutbox, type MessagePayload } from '../src/delivery/outbox.js';
import {
  INSPECTION_BLOCKS,
  parseInspectionForm,
  parseInspectText,
  type Inspection,
  type RectificationItem,
} from '../src/domain/inspections.js';
import { findBranch } from '../src/domain/ranking.js';
import type { Branch, Person } from '../src/domain/types.js';
import { toLocale } from '../src/i18n/index.js';
import { callerOf, ephemeral, shownIn } from '../src/slack/caller.js';
import { modalOpener } from '../src/slack/modal-opener.js';
import { refuseForm, submitterOf } from '../src/slack/openings.js';
import type { Router } from '../src/slack/router.js';
import { INSPECTION_VIEWS, inspectionDm, inspectionModal } from '../src/ui/inspections.js';
import { escape } from '../src/ui/limits.js';

/** What the modal carries back; checked again on submission because it comes from the client. */
const Id = z.number().int().positive();
const RecordMeta = z.object({ p: Id, b: Id }).strict();
const CountyMeta = z.object({ p: Id }).strict();

const isLeader = (p: Person) => p.roles.includes('leader');
const isAdmin = (p: Person) => p.roles.includes('admin');

/**
 * The secretaries' DMs for an inspection, one per secretary of each branch concerned (the
 * inspected branch, or every branch the county's inspection set tasks for), keyed by inspection
 * and person so that a retry queues nothing twice.
 */
function dmRows(
  ctx: AppContext,
  inspection: Inspection,
  items: readonly RectificationItem[],
  branches: ReadonlyMap<number, Branch>,
  ratings: Parameters<typeof inspectionModal>[0]['ratings'],
  secretaries: Awaited<ReturnType<typeof secretariesOf>>,
): NewOutboxRow[] {
  const rows: NewOutboxRow[] = [];
  for (const s of secretaries) {
    const locale = toLocale(s.locale, ctx.config.defaultLocale);
    const message = inspectionDm({
      locale,
      inspection,
      branchName: branches.get(s.branchId)?.name ?? '—',
      ratings,
      items: items.filter((i) => i.branchId === s.branchId),
    });
    rows.push({
      job: 'reminders',
      key: `inspection:${inspection.id}:b${s.branchId}:${s.slackUserId}`,
      recipient: s.slackUserId,
      payload: { kind: 'message', text: message.text, blocks: message.blocks } satisfies MessagePayload,
    });
  }
  return rows;
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/inspect', async ({ command, ack, client, respond }) => {
    await ack();
    const request = parseInspectText(command.text);
    const opener = request.kind === 'help' ? null : modalOpener(client, command.trigger_id);
    const say = ephemeral(respond);
    const caller = await callerOf(ctx, client, command.user_id, {
      action: `command./inspect ${request.kind}`,
      answer: opener ? shownIn(opener, 'inspect.modal.close', say) : say,
      details: { text: (command.text ?? '').slice(0, 100) },
    });
    if (request.kind === 'help')
      return caller.say(caller.person ? caller.t('inspect.help') : caller.t('common.not_in_roster'));
    const person = await caller.require(
      request.kind === 'county'
        ? { may: isAdmin, refusal: 'inspect.forbidden.admin' }
        : { may: isLeader, refusal: 'inspect.forbidden.leader' },
    );
    if (!person) return;
    const found = await person.today();
    if (!found) return person.say(person.t('common.no_plan'));
    const { plan, today } = found;
    const ratings = plan.settings.inspections.ratings;
    if (request.kind === 'county') {
      await opener!.show(
        inspectionModal({
          locale: person.locale,
          county: true,
          branch: null,
          ratings,
          today,
          privateMetadata: JSON.stringify({ p: plan.id }),
        }),
      );
      return;
    }
    const branch = findBranch(await listBranches(ctx.db), request.branch);
    if (!branch)
      return person.refuse(
        'no such branch',
        person.t('inspect.unknown_branch', { text: escape(request.branch.slice(0, 60)) }),
      );
    if (person.person.secretaryOf.includes(branch.id))
      return person.refuse(
        'inspecting a branch they are secretary of',
        person.t('inspect.forbidden.own_branch', { branch: escape(branch.name) }),
      );
    await opener!.show(
      inspectionModal({
        locale: person.locale,
        county: false,
        branch,
        ratings,
        today,
        privateMetadata: JSON.stringify({ p: plan.id, b: branch.id }),
      }),
    );
  });

  for (const county of [false, true]) {
    const callbackId = county ? INSPECTION_VIEWS.county : INSPECTION_VIEWS.record;
    router.view(callbackId, async (args) => {
      const { ack } = args;
      const Meta: z.ZodType<{ p: number; b: number | null }> = county
        ? CountyMeta.transform((m) => ({ p: m.p, b: null }))
        : RecordMeta;
      const submitted = await submitterOf(
        ctx,
        args,
        Meta,
        INSPECTION_BLOCKS.findings,
        county
          ? { may: isAdmin, refusal: 'inspect.forbidden.admin' }
          : { may: isLeader, refusal: 'inspect.forbidden.leader' },
      );
      if (!submitted) return;
      const { caller: person, meta, state } = submitted;
      const found = await person.today();
      if (!found) return person.say(person.t('common.no_plan'));
      const { plan, today } = found;
      if (plan.id !== meta.p) return person.refuse('plan changed', person.t('inspect.gone'));
      const branches = await listBranches(ctx.db);
      const byId = new Map(branches.map((b) => [b.id, b]));
      const branchId: number | null = meta.b;
      if (branchId !== null) {
        const branch = byId.get(branchId);
        if (!branch)
          return person.refuse('no such branch', person.t('inspect.unknown_branch', { text: String(branchId) }));
        if (person.person.secretaryOf.includes(branchId))
          return person.refuse(
            'inspecting a branch they are secretary of',
            person.t('inspect.forbidden.own_branch', { branch: escape(branch.name) }),
          );
      }
      const rules = plan.settings.inspections;
      const form = parseInspectionForm(state, {
        today,
        planStarts: plan.starts,
        planEnds: plan.ends,
        county,
        ratings: rules.ratings,
        branches,
      });
      if (!form.ok) return refuseForm(person, ack, form.errors, 'invalid inspection');
      const now = ctx.clock.now();
      // The recipients are read before the transaction; the DMs are rendered in it, from what was
      // stored, and queued with it: a crash leaves both or neither, a retry finds the submission.
      const concerned = branchId !== null ? [branchId] : [...new Set(form.value.items.map((i) => i.branchId!))];
      const secretaries = await secretariesOf(ctx.db, concerned);
      const recordedText = (inspection: Inspection, own: readonly RectificationItem[]) =>
        county
          ? person.t('inspect.recorded.county', {
              date: inspection.heldOn,
              count: own.length,
              branches: new Set(own.map((i) => i.branchId)).size,
            })
          : person.t('inspect.recorded', {
              date: inspection.heldOn,
              branch: escape(byId.get(branchId!)?.name ?? '—'),
              count: own.length,
            });
      const result = await recordInspection(
        ctx.db,
        {
          planId: plan.id,
          branchId,
          draft: form.value,
          inspectorId: person.person.id,
          weight: rules.rectification_weight,
          submissionKey: args.view.id,
          // The leader's confirmation is queued with the secretaries' DMs: sent once, even when the
          // process stops between the commit and the post, and never twice on a Slack retry.
          render: (inspection, items) => [
            ...dmRows(ctx, inspection, items, byId, rules.ratings, secretaries),
            {
              job: 'reminders',
              key: `inspection:${inspection.id}:recorded:${person.slackUserId}`,
              recipient: person.slackUserId,
              payload: { kind: 'message', text: recordedText(inspection, items) } satisfies MessagePayload,
            },
          ],
        },
        { actor: person.slackUserId, now },
      );
      await ack();
      if (result.outcome === 'duplicate') return;
      if (ctx.outbox) await drainOutbox(ctx);
    });
  }
}
