import type { ActionsBlock, Button, KnownBlock, View } from '@slack/types';
import type { LocalizedText } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { dueText } from './due.js';
import { LIMITS, clip, escape, mrkdwn, plain } from './limits.js';
import { formModal, type ModalButtons } from './blocks.js';

export const PROMPT_ACTIONS = {
  reportNow: 'prompt_report_now',
  snooze: 'prompt_snooze',
  extension: 'prompt_extension',
} as const;
export const EXTENSION_ACTIONS = { approve: 'extension_approve', refuse: 'extension_refuse' } as const;
export const EXTENSION_CALLBACK_ID = 'extension_request';
export const EXTENSION_BLOCKS = { newDue: 'new_due', reason: 'reason' } as const;

/**
 * The buttons of a reminder DM (the scheduler sends the DM). Each carries `{"o":obligationId,
 * "b":branchId}`; a personal paper (branchId null) has no extension: its date is the person's own.
 */
export function promptButtons(locale: Locale, item: { obligationId: number; branchId: number | null }): ActionsBlock {
  const value = JSON.stringify({ o: item.obligationId, b: item.branchId });
  const button = (
    action_id: string,
    key: 'prompts.button.report_now' | 'prompts.button.snooze' | 'prompts.button.extension',
    style?: 'primary',
  ): Button => ({
    type: 'button',
    action_id,
    text: plain(t(locale, key), LIMITS.buttonText),
    value,
    ...(style ? { style } : {}),
  });
  const elements: Button[] = [
    button(PROMPT_ACTIONS.reportNow, 'prompts.button.report_now', 'primary'),
    button(PROMPT_ACTIONS.snooze, 'prompts.button.snooze'),
  ];
  if (item.branchId !== null) elements.push(button(PROMPT_ACTIONS.extension, 'prompts.button.extension'));
  return { type: 'actions', elements };
}

export interface ExtensionModalInput {
  locale: Locale;
  branchName: string;
  obligation: { code: string; title: LocalizedText };
  due: string;
  originalDue: string;
  privateMetadata: string;
}

/** The short extension request: a new date and a reason. */

const EXTENSION_MODAL: ModalButtons = {
  submit: 'prompts.extension.modal.submit',
  close: 'prompts.extension.modal.close',
};

export function extensionModal(input: ExtensionModalInput): View {
  const { locale } = input;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        t(locale, 'prompts.extension.modal.intro', {
          branch: escape(input.branchName),
          code: input.obligation.code,
          title: escape(pick(input.obligation.title, locale)),
          due: dueText(locale, input.due, input.originalDue),
        }),
      ),
    },
    {
      type: 'input',
      block_id: EXTENSION_BLOCKS.newDue,
      label: plain(t(locale, 'prompts.field.new_due'), LIMITS.sectionText),
      element: { type: 'datepicker', action_id: 'value' },
    },
    {
      type: 'input',
      block_id: EXTENSION_BLOCKS.reason,
      label: plain(t(locale, 'prompts.field.reason'), LIMITS.sectionText),
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: true,
        max_length: 500,
        placeholder: plain(t(locale, 'prompts.field.reason.placeholder'), 150),
      },
    },
  ];
  return formModal(EXTENSION_MODAL, input, EXTENSION_CALLBACK_ID, 'prompts.extension.modal.title', blocks);
}

/** The leaders' DM: the request and Approve / Refuse. */
export function extensionRequestBlocks(locale: Locale, text: string, extensionId: number): KnownBlock[] {
  const value = String(extensionId);
  return [
    { type: 'section', text: mrkdwn(clip(text, LIMITS.sectionText)) },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: EXTENSION_ACTIONS.approve,
          style: 'primary',
          text: plain(t(locale, 'prompts.button.approve'), LIMITS.buttonText),
          value,
        },
        {
          type: 'button',
          action_id: EXTENSION_ACTIONS.refuse,
          style: 'danger',
          text: plain(t(locale, 'prompts.button.refuse'), LIMITS.buttonText),
          value,
        },
      ],
    },
  ];
}

/** The same DM once decided: the buttons give way to who decided what. */
export function extensionDecidedBlocks(text: string, decision: string): KnownBlock[] {
  return [
    { type: 'section', text: mrkdwn(clip(text, LIMITS.sectionText)) },
    { type: 'context', elements: [mrkdwn(decision)] },
  ];
}
