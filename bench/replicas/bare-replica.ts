/**
 * The baseline of bench/replicas.bench.ts: a bare Bolt app over HTTP whose "Report now" button only
 * acks and opens a one-block modal. `node --import tsx bare-replica.ts SLACK_API_URL`. Prints `PORT n`.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';
import { BENCH_SIGNING_SECRET } from '../commands/shared.js';

const [apiUrl] = process.argv.slice(2);
if (!apiUrl) throw new Error('usage: bare-replica.ts SLACK_API_URL');
const app = new App({
  token: 'xoxb-bench-bare',
  signingSecret: BENCH_SIGNING_SECRET,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: apiUrl },
});
app.action('prompt_report_now', async ({ ack, client, body }) => {
  await ack();
  await client.views.open({
    trigger_id: (body as { trigger_id: string }).trigger_id,
    view: {
      type: 'modal',
      title: { type: 'plain_text', text: 'Report' },
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'ok' } }],
    },
  });
});
const server = (await app.start(0)) as Server;
console.log(`PORT ${(server.address() as AddressInfo).port}`);
