// Module resolution hooks that note the npm package of every module resolved under a node_modules folder.
import { appendFileSync } from 'node:fs';

const PACKAGE = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/**
 * Node's module resolution hook, registered by register.mjs.
 * @public
 */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const name = PACKAGE.exec(resolved.url)?.[1];
  if (name && process.env.LOADED_PACKAGES_FILE) appendFileSync(process.env.LOADED_PACKAGES_FILE, `${name}\n`);
  return resolved;
}
