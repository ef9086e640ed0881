/**
 * The fake Slack for the sending benchmark, in its own process: Slack's servers do not share the
 * bot's CPU, so neither does the fake. Prints its API URL on the first line of stdout, then serves
 * `bench.stats` (the texts Slack accepted and the 429s it served) until killed.
 */
import { startFakeSlack } from '../../src/playground/fake-slack.js';

const fake = await startFakeSlack({ rateLimits: { perMinute: { 'bench.stats': Infinity } } });
fake.handle('bench.stats', () => ({
  ok: true,
  texts: fake.succeeded('chat.postMessage').map((c) => String(c.args.text)),
  rateLimited: fake.rateLimited,
}));
console.log(fake.apiUrl);
process.on('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
