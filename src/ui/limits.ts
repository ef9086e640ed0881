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
