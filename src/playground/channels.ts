import type { MessageKey } from '../i18n/index.js';

/** The playground's channels, with ids of Slack's shape: the bot is configured with them as it would be with real ones. */
export const PLAYGROUND_CHANNEL_IDS = {
  general: 'C0GENERAL',
  leaders: 'C0LEADERS',
  digest: 'C0DIGEST',
  notices: 'C0NOTICES',
} as const;

export interface PlaygroundChannel {
  id: string;
  name: string;
  /** What the channel is for, shown under its name. */
  purpose: { key: MessageKey; params?: Record<string, string> };
  branchCode?: string;
}

/** A branch's channel id from its code: `YQ-ZX1` → `C0BRYQZX1`. */
export function branchChannelId(code: string): string {
  return `C0BR${code.toUpperCase().replace(/[^A-Z0-9]/g, '')}`.slice(0, 30);
}

/** The workspace's channels: the ones the bot posts to (as configured), then one per branch. */
export function playgroundChannels(
  config: { leadersChannel: string | undefined; digestChannel: string | undefined },
  branches: readonly { code: string; name: string }[],
): PlaygroundChannel[] {
  const channels: PlaygroundChannel[] = [
    { id: PLAYGROUND_CHANNEL_IDS.general, name: 'general', purpose: { key: 'playground.channel.general' } },
    {
      id: config.leadersChannel ?? PLAYGROUND_CHANNEL_IDS.leaders,
      name: 'leaders',
      purpose: { key: 'playground.channel.leaders' },
    },
    {
      id: config.digestChannel ?? PLAYGROUND_CHANNEL_IDS.digest,
      name: 'digest',
      purpose: { key: 'playground.channel.digest' },
    },
    { id: PLAYGROUND_CHANNEL_IDS.notices, name: 'notices', purpose: { key: 'playground.channel.notices' } },
  ];
  const taken = new Set(channels.map((c) => c.id));
  for (const b of branches) {
    const id = branchChannelId(b.code);
    if (taken.has(id)) continue;
    taken.add(id);
    channels.push({
      id,
      name: b.code.toLowerCase(),
      purpose: { key: 'playground.channel.branch', params: { branch: b.name } },
      branchCode: b.code,
    });
  }
  return channels;
}
