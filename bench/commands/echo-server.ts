/**
 * The payload control for bench/commands.bench.ts: a bare Bolt app whose handlers do no work but
 * send the bot's own answers, read from a file at start (the report modal the bot opened, the
 * checklist it answered). Set beside the bare app, it shows how much of the bot's time is the size
 * of what it sends rather than the work to build it.
 * `node --import tsx echo-server.ts SLACK_API_URL PAYLOADS_JSON`. Prints `PORT n` when ready.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';
import type { View } from '@slack/types';
import { BENCH_SIGNING_SECRET } from './shared.js';

const [apiUrl, payloadFile] = process.argv.slice(2);
if (!apiUrl || !payloadFile) throw new Error('usage: echo-server.ts SLACK_API_URL PAYLOADS_JSON');
const payloads = JSON.parse(fs.readFileSync(payloadFile, 'utf8')) as { view: View; answer: Record<string, unknown> };
const app = new App({
  token: 'xoxb-bench-echo',
  signingSecret: BENCH_SIGNING_SECRET,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: apiUrl },
});
app.command('/report', async ({ ack, client, command }) => {
  await ack();
  await client.views.open({ trigger_id: command.trigger_id, view: payloads.view });
});
app.command('/progress', async ({ ack, respond }) => {
  await ack();
  await respond(payloads.answer);
});
const server = (await app.start(0)) as Server;
console.log(`PORT ${(server.address() as AddressInfo).port}`);
