import type { KnownBlock, View } from '@slack/types';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { clip, LIMITS, modal, mrkdwn, plain } from './limits.js';

/** The small Block Kit pieces the builders share, each cut to Slack's limits. */

export function button(actionId: string, value: string, text: string, style?: 'primary' | 'danger') {
  return {
    type: 'button' as const,
    action_id: actionId,
    value,
    text: plain(text, LIMITS.buttonText),
    ...(style ? { style } : {}),
  };
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(clip(text, LIMITS.sectionText)) };
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [mrkdwn(clip(text, LIMITS.sectionText))] };
}

/** A modal's input block around `element`: its label and hint from the catalogue, optional when asked. */
export function input<E>(
  locale: Locale,
  block: string,
  label: MessageKey,
  element: E,
  opts: { optional?: boolean; hint?: MessageKey } = {},
) {
  return {
    type: 'input' as const,
    block_id: block,
    ...(opts.optional ? { optional: true } : {}),
    label: plain(t(locale, label), 2000),
    ...(opts.hint ? { hint: plain(t(locale, opts.hint), 2000) } : {}),
    element,
  };
}

/** A text field whose value is read as `value`; what it shows at first is cut to what it may hold. */
export function textInput(
  locale: Locale,
  block: string,
  label: MessageKey,
  opts: { max: number; multiline?: boolean; initial?: string | null; optional?: boolean; hint?: MessageKey },
) {
  return input(
    locale,
    block,
    label,
    {
      type: 'plain_text_input' as const,
      action_id: 'value',
      multiline: opts.multiline ?? false,
      max_length: opts.max,
      ...(opts.initial ? { initial_value: clip(opts.initial, opts.max) } : {}),
    },
    opts,
  );
}

/** The texts of an area's modal buttons, from its catalogue. */
export interface ModalButtons {
  submit: MessageKey;
  close: MessageKey;
}

/** A form modal of an area: its callback, metadata and title; a submit button unless `submit` is null. */
export function formModal(
  buttons: ModalButtons,
  { locale, privateMetadata }: { locale: Locale; privateMetadata: string },
  callbackId: string,
  title: MessageKey,
  blocks: KnownBlock[],
  submit: MessageKey | null = buttons.submit,
): View {
  return modal({
    callbackId,
    privateMetadata,
    title: t(locale, title),
    ...(submit !== null ? { submit: t(locale, submit) } : {}),
    close: t(locale, buttons.close),
    blocks,
  });
}

/** A menu of at most Slack's 100 options, read as `value`; `initial` chosen when it is one of them. */
export function staticSelect<V extends string>(options: readonly { value: V; text: string }[], initial?: V | null) {
  const shown = options
    .slice(0, LIMITS.selectOptions)
    .map((o) => ({ text: plain(o.text, LIMITS.optionText), value: o.value }));
  const chosen = shown.find((o) => o.value === initial);
  return {
    type: 'static_select' as const,
    action_id: 'value',
    options: shown,
    ...(chosen ? { initial_option: chosen } : {}),
  };
}

/** The channel a post goes to: any public or private channel, no direct messages. */
export function channelInput(locale: Locale, block: string, label: MessageKey) {
  return input(locale, block, label, {
    type: 'conversations_select' as const,
    action_id: 'value',
    filter: { include: ['public' as const, 'private' as const], exclude_bot_users: true },
  });
}

/** One choice among a few, shown as radio buttons and read as `value`. */
export function radioInput<V extends string>(
  locale: Locale,
  block: string,
  label: MessageKey,
  options: readonly { value: V; text: string }[],
) {
  return input(locale, block, label, {
    type: 'radio_buttons' as const,
    action_id: 'value',
    options: options.map((o) => ({ text: plain(o.text, LIMITS.optionText), value: o.value })),
  });
}
