import dotenv from 'dotenv';
import { systemClock } from '../clock.js';
import { runCli } from './program.js';

// `npm run cli -- …`: an optional .env beside the project; variables already set in the environment win.
dotenv.config({ quiet: true });
runCli(process.argv.slice(2), {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  env: process.env,
  clock: systemClock,
})
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
