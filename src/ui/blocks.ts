import type { KnownBlock } from '@slack/types';
import { clip, LIMITS, mrkdwn, plain } from './limits.js';

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
