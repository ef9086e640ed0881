import type { FakeSlack } from '../../src/playground/fake-slack.js';

export interface OpenedView {
  id: string;
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; type: string; element?: Record<string, unknown>; text?: { text: string } }[];
  title: { text: string };
}

/** The view the bot last opened, updated or pushed. */
export function lastView(fake: FakeSlack): OpenedView {
  const call = [...fake.calls]
    .reverse()
    .find((c) => c.ok && ['views.open', 'views.update', 'views.push'].includes(c.method));
  if (!call) throw new Error(`no view was opened; calls: ${fake.calls.map((c) => c.method).join(', ')}`);
  const view = call.args.view as Omit<OpenedView, 'id'>;
  const id = (call.args.view_id as string | undefined) ?? `V-${fake.calls.indexOf(call)}`;
  return { ...view, id };
}

export function selectOptions(view: OpenedView, blockId: string): { text: { text: string }; value: string }[] {
  const block = view.blocks.find((b) => b.block_id === blockId);
  return (block?.element?.options as { text: { text: string }; value: string }[] | undefined) ?? [];
}

/** Slack's `view.state.values` for the report modal. */
export function reportState(v: {
  obligationId?: string;
  heldOn?: string | null;
  participants?: string;
  summary?: string;
  evidence?: string;
}) {
  return {
    obligation: {
      value: {
        type: 'static_select',
        selected_option: v.obligationId === undefined ? null : { value: v.obligationId },
      },
    },
    held_on: { value: { type: 'datepicker', selected_date: v.heldOn ?? null } },
    participants: { value: { type: 'number_input', value: v.participants ?? null } },
    summary: { value: { type: 'plain_text_input', value: v.summary ?? null } },
    evidence: { value: { type: 'url_text_input', value: v.evidence ?? null } },
  };
}
