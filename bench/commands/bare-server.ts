/**
 * The baseline for bench/commands.bench.ts: a bare Bolt app over HTTP whose handlers only ack and
 * answer (`/report` opens a one-block modal, `/progress` answers by response_url).
 * `node --import tsx bare-server.ts SLACK_API_URL`. Prints `PORT n` when ready.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';
import { BENCH_SIGNING_SECRET } from './shared.js';

const [apiUrl] = process.argv.slice(2);
if (!apiUrl) throw new Error('usage: bare-server.ts SLACK_API_URL');
const app = new App({
  token: 'xoxb-bench-bare',
  signingSecret: BENCH_SIGNING_SECRET,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: apiUrl },
});
app.command('/report', async ({ ack, client, command }) => {
  await ack();
  await client.views.open({
    trigger_id: command.trigger_id,
    view: {
      type: 'modal',
      title: { type: 'plain_text', text: 'Report' },
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'ok' } }],
    },
  });
});
app.command('/progress', async ({ ack, respond }) => {
  await ack();
  await respond({ response_type: 'ephemeral', text: 'ok' });
});
const server = (await app.start(0)) as Server;
console.log(`PORT ${(server.address() as AddressInfo).port}`);
