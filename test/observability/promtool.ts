/** Debian's prometheus and promtool as scripts/install-tools.sh unpacks them into .tools/prometheus. */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/stack/tools.js';

const BIN = path.join(PROJECT_ROOT, '.tools', 'prometheus', 'usr', 'bin');

/** The path of `tool`; fails naming the install command when it is missing. */
export function prometheusTool(tool: 'prometheus' | 'promtool'): string {
  const file = path.join(BIN, tool);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(`${tool} is not installed at ${file}: run \`bash scripts/install-tools.sh\``);
  }
  return file;
}

export const RULES_DIR = path.join(PROJECT_ROOT, 'deploy', 'prometheus');
export const RULES_FILE = path.join(RULES_DIR, 'courant-rules.yml');
