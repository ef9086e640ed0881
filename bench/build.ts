import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ROOT } from '../test/helpers/db.js';

/**
 * `npm run build`: the product compiled to dist/, which `npm start` and `npm run cli` run with
 * node. A benchmark of what runs in production measures that, not tsx on the sources. Returns
 * how long the build took, in milliseconds; a failed build fails the benchmark.
 */
export function buildDist(): number {
  const start = performance.now();
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed:\n${built.stdout}${built.stderr}`);
  return performance.now() - start;
}
