import type { ModalView } from '@slack/types';

/** Block Kit limits (CONVENTIONS.md): builders cut text to fit rather than have Slack refuse it. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  viewTitle: 24,
  privateMetadata: 3000,
  contextElements: 10,
  actionsElements: 25,
} as const;

/** Cuts text to `max` characters (code points), ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function plain(text: string, max: number = LIMITS.sectionText) {
  return { type: 'plain_text' as const, text: clip(text, max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText) {
  return { type: 'mrkdwn' as const, text: clip(text, max) };
}

/** Slack mrkdwn needs &, < and > escaped in user-provided text. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A modal's frame: the three titles cut to Slack's 24 characters; no submit button without `submit`. */
export function modal(v: {
  callbackId?: string;
  privateMetadata?: string;
  title: string;
  submit?: string;
  close: string;
  blocks: ModalView['blocks'];
}): ModalView {
  return {
    type: 'modal',
    ...(v.callbackId ? { callback_id: v.callbackId } : {}),
    ...(v.privateMetadata !== undefined ? { private_metadata: v.privateMetadata } : {}),
    title: plain(v.title, LIMITS.viewTitle),
    ...(v.submit !== undefined ? { submit: plain(v.submit, LIMITS.viewTitle) } : {}),
    close: plain(v.close, LIMITS.viewTitle),
    blocks: v.blocks,
  };
}

/** A modal that only says something (a refusal, nothing to do), with a close button. */
export function messageModal(title: string, text: string, closeLabel: string): ModalView {
  return modal({ title, close: closeLabel, blocks: [{ type: 'section', text: mrkdwn(text) }] });
}
