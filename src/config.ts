import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel id like C0123ABCD');

const onOff = z.enum(['on', 'off']);

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'expected a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'expected an app-level token starting with xapp-')
    .optional(),
  PORT: z.coerce
    .number({ message: 'expected a port number like 3000' })
    .int('expected a port number like 3000')
    .min(1)
    .max(65535)
    .default(3000),
  DATABASE_URL: z.string().min(1).default('data/pacesetter.db'),
  SLACK_API_URL: z.url({ message: 'expected a URL like https://slack.com/api/' }).optional(),
  SCHEDULER: onOff.default('on'),
  DEFAULT_LOCALE: z.enum(LOCALES).default('zh-CN'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LEADERS_CHANNEL: channelId.optional(),
  DIGEST_CHANNEL: channelId.optional(),
  ESCALATE_AFTER_DAYS: z.coerce.number().int().min(0).max(365).default(3),
  REMINDER_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time like 09:00')
    .optional(),
  ESCALATION_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time like 09:30')
    .default('09:30'),
  DIGEST_SCHEDULE: z
    .string()
    .regex(
      /^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):[0-5]\d$/,
      'expected a weekday and local time like "mon 09:00"',
    )
    .default('mon 09:00'),
  PUBLIC_URL: z
    .url({ message: 'expected an http(s) address like https://pacesetter.example.org' })
    .refine((u) => /^https?:\/\//i.test(u), {
      message: 'expected an http(s) address like https://pacesetter.example.org',
    })
    .optional(),
  CATCH_UP_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 31)
    .default(72),
});

export type Config = {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
  };
  port: number;
  databaseUrl: string;
  scheduler: boolean;
  defaultLocale: Locale;
  logLevel: (typeof LOG_LEVELS)[number];
  leadersChannel: string | undefined;
  digestChannel: string | undefined;
  escalateAfterDays: number;
  reminderTime: string | undefined;
  escalationTime: string;
  digestSchedule: string;
  catchUpHours: number;
  /** Where the public reaches the bot (the ballot page, `PUBLIC_URL/ballot/<code>`); no public page when unset. */
  publicUrl: string | undefined;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Pacesetter cannot start: the configuration is not valid.\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example and the README.`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * How `npm start` runs. With no Slack variable at all (no `SLACK_*`) and NODE_ENV not production,
 * against the local playground; with any Slack variable, against Slack as configured (a partial
 * set is then an error naming what is missing). PLAYGROUND=on or off decides instead; on is
 * refused in production (docs/decisions/013).
 */
export type StartMode = { kind: 'slack' } | { kind: 'playground'; ignored: string[] };

export function startMode(env: Record<string, string | undefined>): StartMode {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const playground = cleaned.PLAYGROUND;
  const production = cleaned.NODE_ENV === 'production';
  if (playground !== undefined && !onOff.safeParse(playground).success)
    throw new ConfigError([`PLAYGROUND: expected on or off, got "${playground}"`]);
  if (playground === 'on' && production)
    throw new ConfigError(['PLAYGROUND: the playground never runs when NODE_ENV=production; unset one of them']);
  const slackVariables = Object.keys(cleaned)
    .filter((k) => k.startsWith('SLACK_'))
    .sort();
  if (playground === 'on') return { kind: 'playground', ignored: slackVariables };
  if (playground === 'off' || production || slackVariables.length > 0) return { kind: 'slack' };
  return { kind: 'playground', ignored: [] };
}

/** Parses the environment once; every bad variable is named in one error. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable in .env means "not set", as most users expect.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'environment';
        const message = cleaned[name] === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message;
        return `${name}: ${message}`;
      });
  // Checked outside the schema so that it is reported together with every other problem.
  if (!cleaned.SLACK_APP_TOKEN && !cleaned.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET: is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    scheduler: e.SCHEDULER === 'on',
    defaultLocale: e.DEFAULT_LOCALE,
    logLevel: e.LOG_LEVEL,
    leadersChannel: e.LEADERS_CHANNEL,
    digestChannel: e.DIGEST_CHANNEL,
    escalateAfterDays: e.ESCALATE_AFTER_DAYS,
    reminderTime: e.REMINDER_TIME,
    escalationTime: e.ESCALATION_TIME,
    digestSchedule: e.DIGEST_SCHEDULE,
    catchUpHours: e.CATCH_UP_HOURS,
    publicUrl: e.PUBLIC_URL === undefined ? undefined : new URL(e.PUBLIC_URL).href.replace(/\/+$/, ''),
  };
}
