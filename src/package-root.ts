import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's folder: the nearest one above this file that holds package.json. This file runs
 * from src/ under tsx and from dist/src/ under node (npm start), so a fixed number of `..` would
 * be right for only one of them; files shipped beside the code (assets/) are found from here.
 */
export const PACKAGE_ROOT = findPackageRoot(import.meta.dirname);

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json in ${from} or above it`);
  }
}
