import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './2026-11-27-001-initial.js';
import * as m002 from './2026-11-27-002-reporting.js';
import * as m005 from './2026-11-27-005-leaders.js';
import * as m006 from './2026-12-01-006-outbox-fate.js';
import * as m007 from './2026-12-01-007-claims-and-versions.js';
import * as m013 from './2026-12-01-013-projects.js';
import * as m015 from './2026-12-02-015-evaluation.js';
import * as m014 from './2026-12-02-014-commitments.js';
import * as m016 from './2026-12-02-016-inspections.js';

/** Listed in code, not read from a folder, so migrations run the same under tsx, vitest and a build. */
export const migrations: Record<string, Migration> = {
  '2026-11-27-001-initial': m001,
  '2026-11-27-002-reporting': m002,
  '2026-11-27-005-leaders': m005,
  '2026-12-01-006-outbox-fate': m006,
  '2026-12-01-007-claims-and-versions': m007,
  '2026-12-01-013-projects': m013,
  '2026-12-02-015-evaluation': m015,
  '2026-12-02-014-commitments': m014,
  '2026-12-02-016-inspections': m016,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
