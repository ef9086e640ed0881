import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { signSlackRequest, SlackDriver } from '../../src/playground/signed-request.js';
import { startFakeSlack, type FakeSlack } from '../../src/playground/fake-slack.js';
import { silentSlackLogger } from '../helpers/logs.js';

// Slack's published example from "Verifying requests from Slack", also used by bolt-js's receiver tests.
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const SLACK_TS = 1531420618;
const SLACK_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SLACK_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('signSlackRequest', () => {
  it("when given Slack's published example, then it produces Slack's published signature", () => {
    expect(signSlackRequest(SLACK_SECRET, SLACK_TS, SLACK_BODY)).toBe(SLACK_SIGNATURE);
  });

  it('when one byte of the body changes, then the signature changes', () => {
    expect(signSlackRequest(SLACK_SECRET, SLACK_TS, `${SLACK_BODY}x`)).not.toBe(SLACK_SIGNATURE);
  });
});

describe('SlackDriver against a real Bolt HTTPReceiver', () => {
  const signingSecret = 'test-signing-secret';
  let fake: FakeSlack;
  let app: App;
  let server: Server;
  let driver: SlackDriver;
  const seen: Record<string, unknown[]> = {};

  beforeEach(async () => {
    for (const k of Object.keys(seen)) delete seen[k];
    fake = await startFakeSlack();
    app = new App({
      token: 'xoxb-test',
      signingSecret,
      logger: silentSlackLogger,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/pace', async ({ ack, command, respond }) => {
      (seen['command'] ??= []).push(command);
      await ack();
      await respond({ text: `you said ${command.text}` });
    });
    app.action('done', async ({ ack, body, respond }) => {
      (seen['action'] ??= []).push(body);
      await ack();
      if (body.type === 'block_actions' && body.response_url !== undefined) await respond({ text: 'noted' });
    });
    app.view('report', async ({ ack, view }) => {
      (seen['view'] ??= []).push(view);
      await ack({ response_action: 'errors', errors: { b1: 'too late' } });
    });
    app.event('app_home_opened', async ({ event, context }) => {
      (seen['event'] ??= []).push({ event, retryNum: context.retryNum, retryReason: context.retryReason });
    });
    server = await app.start(0);
    const port = (server.address() as AddressInfo).port;
    driver = new SlackDriver({
      baseUrl: `http://127.0.0.1:${port}`,
      signingSecret,
      responseUrlBase: fake.responseUrlBase,
    });
  });

  afterEach(async () => {
    await app.stop();
    await fake.close();
  });

  it('when a slash command is sent, then Bolt acks it, sees its fields, and respond() reaches the fake', async () => {
    const res = await driver.command({ command: '/pace', text: 'hello', user_id: 'U1', channel_id: 'C1' });

    expect(res.status).toBe(200);
    expect(seen['command']).toEqual([
      expect.objectContaining({
        command: '/pace',
        text: 'hello',
        user_id: 'U1',
        channel_id: 'C1',
        trigger_id: res.triggerId,
      }),
    ]);
    const [call] = await fake.waitFor('response_url');
    expect(call?.args).toEqual({ text: 'you said hello' });
    expect(call?.path).toBe(new URL(res.responseUrl ?? '').pathname);
    expect(fake.violations).toEqual([]);
  });

  it('when the signature is wrong, then Bolt refuses the request with 401', async () => {
    const res = await driver.command({ command: '/pace', user_id: 'U1' }, { signature: 'v0=deadbeef' });

    expect(res.status).toBe(401);
    expect(seen['command']).toBeUndefined();
  });

  it('when the timestamp is six minutes old, then Bolt refuses the request as stale', async () => {
    const res = await driver.command(
      { command: '/pace', user_id: 'U1' },
      { timestamp: Math.floor(Date.now() / 1000) - 360 },
    );

    expect(res.status).toBe(401);
    expect(seen['command']).toBeUndefined();
  });

  it('when a button in a message is clicked, then Bolt gets a block_actions payload with a response_url', async () => {
    const res = await driver.blockAction({
      user_id: 'U2',
      actions: [{ action_id: 'done', value: 'task-7' }],
      channel: { id: 'C9' },
      message: { ts: '1700000000.000200' },
    });

    expect(res.status).toBe(200);
    expect(seen['action']).toEqual([
      expect.objectContaining({
        type: 'block_actions',
        user: expect.objectContaining({ id: 'U2' }),
        channel: expect.objectContaining({ id: 'C9' }),
        container: expect.objectContaining({ type: 'message', message_ts: '1700000000.000200', channel_id: 'C9' }),
        actions: [expect.objectContaining({ action_id: 'done', value: 'task-7' })],
      }),
    ]);
    const [call] = await fake.waitFor('response_url');
    expect(call?.args).toEqual({ text: 'noted' });
  });

  it('when a button inside a modal is clicked, then the payload carries the view and no response_url', async () => {
    const res = await driver.blockAction({
      user_id: 'U2',
      actions: [{ action_id: 'done' }],
      view: { id: 'V123', callback_id: 'report', private_metadata: '{"b":1}' },
    });

    expect(res.status).toBe(200);
    const body = seen['action']?.[0] as Record<string, unknown>;
    expect(body['view']).toEqual(expect.objectContaining({ id: 'V123', type: 'modal', callback_id: 'report' }));
    expect(body['container']).toEqual({ type: 'view', view_id: 'V123' });
    expect(body).not.toHaveProperty('response_url');
  });

  it('when a modal is submitted, then Bolt sees its values and the ack body comes back to Slack', async () => {
    const values = { b1: { due: { type: 'datepicker', selected_date: '2025-03-01' } } };
    const res = await driver.viewSubmission({
      user_id: 'U3',
      view: { callback_id: 'report', private_metadata: 'meta', state: { values } },
    });

    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ response_action: 'errors', errors: { b1: 'too late' } });
    expect(seen['view']).toEqual([
      expect.objectContaining({ callback_id: 'report', private_metadata: 'meta', state: { values } }),
    ]);
  });

  it("when Slack redelivers an event, then Bolt's context carries the retry number and reason", async () => {
    const res = await driver.event(
      { type: 'app_home_opened', user: 'U4', tab: 'home', channel: 'D4' },
      { retryNum: 1, retryReason: 'http_timeout' },
    );

    expect(res.status).toBe(200);
    // Bolt acks events before running listeners.
    await vi.waitFor(() => expect(seen['event']).toHaveLength(1));
    expect(seen['event']).toEqual([
      {
        event: expect.objectContaining({ type: 'app_home_opened', user: 'U4' }),
        retryNum: 1,
        retryReason: 'http_timeout',
      },
    ]);
  });
});
