/** What the configuration reads of a module with variables of its own: a dataset, through this interface alone. */
import type { z } from 'zod';

/**
 * A module with variables of its own (a dataset's): its name, its variables with their defaults,
 * how its typed configuration is read from the parsed ones, and the kinds of its capabilities (a
 * dataset with the `sftp-pickup` capability has its SFTP server's variables too).
 */
export interface ModuleVariables {
  readonly dataset: {
    readonly name: string;
    readonly config: {
      readonly env: z.ZodObject;
      read(env: Readonly<Record<string, unknown>>): unknown;
      problems?(env: Readonly<Record<string, string>>): string[];
    };
  };
  readonly capabilities?: ReadonlyArray<{ readonly kind: string }>;
}

/** The modules among `modules` that have a capability of `kind`. */
export function modulesOfKind<M extends ModuleVariables>(modules: readonly M[], kind: string): M[] {
  return modules.filter((m) => m.capabilities?.some((c) => c.kind === kind) ?? false);
}
