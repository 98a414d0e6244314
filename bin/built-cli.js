// The built `courant` command (dist/cli, `npm run build`) and whether it is the build of the sources
// as they are: `bin/courant.js` runs it only then, and the sources through tsx otherwise.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The build's folder, its entry and its stamp, relative to the project root. */
export const BUILT_CLI_DIR = 'dist/cli';
export const BUILT_CLI_ENTRY = `${BUILT_CLI_DIR}/courant.js`;
export const BUILD_STAMP = `${BUILT_CLI_DIR}/build-stamp.json`;

/**
 * True when the build in the project folder `root` was made from the files it read as they
 * are now: each still has the size it had and was last written before the build started. A stamp
 * that is missing, unreadable or of another shape means no build. One stat per file the build read.
 */
export function builtCliIsCurrent(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(root, BUILD_STAMP), 'utf8'));
  } catch {
    return false;
  }
  if (typeof stamp?.startedAtMs !== 'number' || typeof stamp.inputs !== 'object' || stamp.inputs === null) return false;
  return Object.entries(stamp.inputs).every(([file, size]) => {
    const now = statSync(path.join(root, file), { throwIfNoEntry: false });
    return now !== undefined && now.size === size && now.mtimeMs <= stamp.startedAtMs;
  });
}
