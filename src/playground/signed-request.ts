/**
 * Drives a real Bolt HTTPReceiver the way Slack does: the same content types,
 * the same payload shapes, signed with the signing secret.
 */
import { createHmac } from 'node:crypto';

/** `v0=` + hex HMAC-SHA256(secret, `v0:${ts}:${rawBody}`), Slack's request signature. */
export function signSlackRequest(secret: string, timestampSeconds: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
}

export interface DriverResponse {
  status: number;
  body: string;
  headers: Headers;
  /** The parsed body; undefined for an empty body (a bare `ack()`). Throws on non-JSON. */
  json(): unknown;
  /** The trigger_id sent, when the request carried one. */
  triggerId?: string;
  /** The response_url sent, when the request carried one. */
  responseUrl?: string;
}

export interface RequestOptions {
  /** Override `x-slack-request-timestamp` (seconds), e.g. 6 minutes ago for a stale request. */
  timestamp?: number;
  /** Override `x-slack-signature`. */
  signature?: string;
  /** Slack's redelivery headers. */
  retryNum?: number;
  retryReason?: string;
  headers?: Record<string, string>;
}

export interface SlackDriverOptions {
  /** e.g. `http://127.0.0.1:PORT`. */
  baseUrl: string;
  signingSecret: string;
  /** Default '/slack/events'. */
  path?: string;
  /** Where response_urls point; use `fake.responseUrlBase` so `respond()` reaches the fake. */
  responseUrlBase?: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  /** The deprecated verification token Slack still sends. */
  token?: string;
  /** The app's bot user and bot id, as in the fake Slack's auth.test (defaults match startFakeSlack's). */
  botUserId?: string;
  botId?: string;
  /** Clock in ms for timestamps and trigger ids. Default Date.now. */
  now?: () => number;
}

export interface CommandInput {
  command: string;
  text?: string;
  user_id: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  trigger_id?: string;
  response_url?: string;
}

export interface ActionInput {
  action_id: string;
  block_id?: string;
  type?: string;
  value?: string;
  [key: string]: unknown;
}

export interface ViewInput {
  id?: string;
  callback_id?: string;
  private_metadata?: string;
  state?: { values: Record<string, Record<string, unknown>> };
  hash?: string;
  [key: string]: unknown;
}

export interface BlockActionInput {
  user_id: string;
  actions: ActionInput[];
  /** The modal the action came from; makes the container a view and omits response_url. */
  view?: ViewInput;
  container?: Record<string, unknown>;
  channel?: { id: string; name?: string };
  /** The message the action came from (needs at least `ts`). */
  message?: { ts: string; [key: string]: unknown };
  trigger_id?: string;
  response_url?: string;
  state?: { values: Record<string, Record<string, unknown>> };
}

export interface ViewSubmissionInput {
  user_id: string;
  view: ViewInput & { callback_id: string; state: { values: Record<string, Record<string, unknown>> } };
  trigger_id?: string;
}

export interface ViewClosedInput {
  user_id: string;
  view: ViewInput & { callback_id: string };
  /** Every view of the stack was closed at once (the X), not only this one. */
  is_cleared?: boolean;
}

export class SlackDriver {
  readonly url: string;
  private readonly signingSecret: string;
  private readonly responseUrlBase: string | undefined;
  private readonly teamId: string;
  private readonly teamDomain: string;
  private readonly apiAppId: string;
  private readonly token: string;
  private readonly botUserId: string;
  private readonly botId: string;
  private readonly now: () => number;
  private seq = 0;

  constructor(opts: SlackDriverOptions) {
    this.url = `${opts.baseUrl.replace(/\/$/, '')}${opts.path ?? '/slack/events'}`;
    this.signingSecret = opts.signingSecret;
    this.responseUrlBase = opts.responseUrlBase;
    this.teamId = opts.teamId ?? 'T0FAKE';
    this.teamDomain = opts.teamDomain ?? 'fake-workspace';
    this.apiAppId = opts.apiAppId ?? 'A0FAKE';
    this.token = opts.token ?? 'fake-verification-token';
    this.botUserId = opts.botUserId ?? 'U0BOT';
    this.botId = opts.botId ?? 'B0BOT';
    this.now = opts.now ?? (() => Date.now());
  }

  /**
   * A fresh trigger id that carries its issue time (`<ms>.<n>.<hex>`), so the
   * fake Slack can refuse it after 3 s as Slack does.
   */
  newTriggerId(): string {
    const n = ++this.seq;
    return `${this.now()}.${n}.${n.toString(16).padStart(32, '0')}`;
  }

  /** A fresh response_url under `responseUrlBase` (or a hooks.slack.com one, unreachable offline). */
  newResponseUrl(kind: 'commands' | 'actions' = 'commands'): string {
    const id = `${kind}-${++this.seq}`;
    if (this.responseUrlBase === undefined) {
      return `https://hooks.slack.com/${kind}/${this.teamId}/${this.seq}/${id}`;
    }
    return `${this.responseUrlBase.replace(/\/?$/, '/')}${id}`;
  }

  /** A slash command, form-encoded as Slack sends it. */
  async command(cmd: CommandInput, opts: RequestOptions = {}): Promise<DriverResponse> {
    const triggerId = cmd.trigger_id ?? this.newTriggerId();
    const responseUrl = cmd.response_url ?? this.newResponseUrl('commands');
    const channelId = cmd.channel_id ?? 'C0GENERAL';
    const fields: Array<[string, string]> = [
      ['token', this.token],
      ['team_id', cmd.team_id ?? this.teamId],
      ['team_domain', this.teamDomain],
      ['channel_id', channelId],
      ['channel_name', cmd.channel_name ?? (channelId.startsWith('D') ? 'directmessage' : 'general')],
      ['user_id', cmd.user_id],
      ['user_name', cmd.user_name ?? cmd.user_id.toLowerCase()],
      ['command', cmd.command],
      ['text', cmd.text ?? ''],
      ['api_app_id', this.apiAppId],
      ['is_enterprise_install', 'false'],
      ['response_url', responseUrl],
      ['trigger_id', triggerId],
    ];
    const body = new URLSearchParams(fields).toString();
    const res = await this.raw(body, { 'content-type': 'application/x-www-form-urlencoded' }, opts);
    return { ...res, triggerId, responseUrl };
  }

  /** A `block_actions` interaction from a message (default) or from a modal (`view`). */
  async blockAction(input: BlockActionInput, opts: RequestOptions = {}): Promise<DriverResponse> {
    const triggerId = input.trigger_id ?? this.newTriggerId();
    const actionTs = this.slackTs();
    const fromView = input.view !== undefined;
    const channel = input.channel ?? (fromView ? undefined : { id: 'C0GENERAL', name: 'general' });
    const view = fromView ? this.fullView(input.view as ViewInput) : undefined;
    const messageTs = input.message?.ts ?? (fromView ? undefined : '1700000000.000100');
    const container =
      input.container ??
      (view
        ? { type: 'view', view_id: view['id'] }
        : { type: 'message', message_ts: messageTs, channel_id: channel?.id, is_ephemeral: false });
    const responseUrl = fromView ? input.response_url : (input.response_url ?? this.newResponseUrl('actions'));
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: this.user(input.user_id),
      api_app_id: this.apiAppId,
      token: this.token,
      container,
      trigger_id: triggerId,
      team: { id: this.teamId, domain: this.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      ...(channel ? { channel: { id: channel.id, name: channel.name ?? 'general' } } : {}),
      ...(view ? { view } : {}),
      ...(fromView
        ? {}
        : {
            message: {
              type: 'message',
              text: '',
              user: this.botUserId,
              bot_id: this.botId,
              ts: messageTs,
              ...(input.message ?? {}),
            },
          }),
      state: input.state ?? (view ? view['state'] : { values: {} }),
      ...(responseUrl !== undefined ? { response_url: responseUrl } : {}),
      actions: input.actions.map((a, i) => ({
        type: 'button',
        block_id: `block-${i}`,
        action_ts: actionTs,
        ...a,
      })),
    };
    const res = await this.interactive(payload, opts);
    return { ...res, triggerId, ...(responseUrl !== undefined ? { responseUrl } : {}) };
  }

  /** A `view_submission` of a modal. */
  async viewSubmission(input: ViewSubmissionInput, opts: RequestOptions = {}): Promise<DriverResponse> {
    const triggerId = input.trigger_id ?? this.newTriggerId();
    const payload = {
      type: 'view_submission',
      team: { id: this.teamId, domain: this.teamDomain },
      user: this.user(input.user_id),
      api_app_id: this.apiAppId,
      token: this.token,
      trigger_id: triggerId,
      view: this.fullView(input.view),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const res = await this.interactive(payload, opts);
    return { ...res, triggerId };
  }

  /** A `view_closed`, which Slack sends for a modal opened with `notify_on_close`. */
  async viewClosed(input: ViewClosedInput, opts: RequestOptions = {}): Promise<DriverResponse> {
    const payload = {
      type: 'view_closed',
      team: { id: this.teamId, domain: this.teamDomain },
      user: this.user(input.user_id),
      api_app_id: this.apiAppId,
      token: this.token,
      view: this.fullView(input.view),
      is_cleared: input.is_cleared ?? false,
      is_enterprise_install: false,
      enterprise: null,
    };
    return this.interactive(payload, opts);
  }

  /** An Events API delivery wrapping `event` (e.g. `{ type: 'app_home_opened', user, tab: 'home' }`). */
  async event(
    event: Record<string, unknown>,
    opts: RequestOptions & { eventId?: string } = {},
  ): Promise<DriverResponse> {
    const body = JSON.stringify({
      token: this.token,
      team_id: this.teamId,
      api_app_id: this.apiAppId,
      event: { event_ts: this.slackTs(), ...event },
      type: 'event_callback',
      event_id: opts.eventId ?? `Ev${String(++this.seq).padStart(10, '0')}`,
      event_time: Math.floor(this.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    });
    return this.raw(body, { 'content-type': 'application/json' }, opts);
  }

  /** POSTs `body` signed (unless `opts.signature` overrides it) with the given headers. */
  async raw(body: string, headers: Record<string, string> = {}, opts: RequestOptions = {}): Promise<DriverResponse> {
    const timestamp = opts.timestamp ?? Math.floor(this.now() / 1000);
    const signature = opts.signature ?? signSlackRequest(this.signingSecret, timestamp, body);
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...headers,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
        ...(opts.retryNum !== undefined ? { 'x-slack-retry-num': String(opts.retryNum) } : {}),
        ...(opts.retryReason !== undefined ? { 'x-slack-retry-reason': opts.retryReason } : {}),
        ...(opts.headers ?? {}),
      },
      body,
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text,
      headers: res.headers,
      json: () => {
        if (text === '') return undefined;
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new Error(`Bolt answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
        }
      },
    };
  }

  private interactive(payload: Record<string, unknown>, opts: RequestOptions): Promise<DriverResponse> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.raw(body, { 'content-type': 'application/x-www-form-urlencoded' }, opts);
  }

  private user(id: string): Record<string, unknown> {
    return { id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: this.teamId };
  }

  private fullView(view: ViewInput): Record<string, unknown> {
    const id = view.id ?? `V${String(++this.seq).padStart(10, '0')}`;
    return {
      id,
      team_id: this.teamId,
      type: 'modal',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      hash: `${Math.floor(this.now() / 1000)}.${String(this.seq).padStart(8, '0')}`,
      title: { type: 'plain_text', text: 'Modal' },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: id,
      app_id: this.apiAppId,
      external_id: '',
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
      ...view,
    };
  }

  private slackTs(): string {
    const ms = this.now();
    return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
  }
}
