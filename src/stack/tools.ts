/** Finds the local stack's executables: explicit path, then the project's .tools/bin, then PATH. */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'bin');
/** DynamoDB Local's jars and sqlite4java's native library, as scripts/install-tools.sh lays them out. */
export const DYNAMODB_LOCAL_DIR = path.join(PROJECT_ROOT, '.tools', 'dynamodb-local');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export class ToolNotFoundError extends Error {
  override readonly name = 'ToolNotFoundError';
  constructor(tool: string) {
    super(`${tool} is not installed: run \`bash scripts/install-tools.sh\` (or \`npm run setup\`) first`);
  }
}

/** The path of `tool`, or ToolNotFoundError naming the install command. */
export function resolveTool(tool: 'temporal' | 'ferretdb' | 'minio' | 'java', explicitPath?: string): string {
  if (explicitPath) {
    if (!isExecutable(explicitPath)) throw new ToolNotFoundError(`${tool} at ${explicitPath}`);
    return explicitPath;
  }
  const candidates = [
    path.join(TOOLS_BIN, tool),
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, tool)),
  ];
  const found = candidates.find(isExecutable);
  if (!found) throw new ToolNotFoundError(tool);
  return found;
}

/** The DynamoDB Local installation: its library directory (jars + native library) and a `java`. */
export function resolveDynamoDbLocal(): { java: string; libDir: string } {
  const libDir = path.join(DYNAMODB_LOCAL_DIR, 'lib');
  const jar = path.join(libDir, 'DynamoDBLocal.jar');
  try {
    accessSync(jar, constants.R_OK);
  } catch {
    throw new ToolNotFoundError('DynamoDB Local');
  }
  return { java: resolveTool('java'), libDir };
}
