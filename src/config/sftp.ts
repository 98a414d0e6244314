/**
 * The SFTP pickup's variables: the schedule (SFTP_PICKUP_*) and, for each dataset with the
 * `sftp-pickup` capability, its server (`{NAME}_SFTP_*`, e.g. `ENEDIS_SFTP_HOST`). Secrets (a
 * password, a private key) come from the variable itself (a secret injected by the platform) or
 * from the file a `…_FILE` variable names, read at each connection so that a rotated file is
 * used without a restart. Nothing here is ever logged whole.
 */
import { z } from 'zod';
import { modulesOfKind, type ModuleVariables } from './module-variables.js';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const sftpPickupEnvSchema = z.object({
  SFTP_PICKUP_SCHEDULE_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'letters, digits, . _ - (at most 100)' })
    .default('courant-sftp-pickup'),
  /** How often each configured server is listed: 30 s, chosen for a delivery in the API within a minute (bench/sftp/delivery-delay.ts). */
  SFTP_PICKUP_EVERY_SECONDS: z.coerce.number().int().min(10).max(86_400).default(30),
});

/** A secret or a setting given inline or as a file. */
export type Given = { readonly value: string } | { readonly file: string };

export interface SftpSourceConfig {
  readonly dataset: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The private key (PEM or OpenSSH), else the password. */
  readonly auth: { readonly privateKey: Given } | { readonly password: Given };
  /** known_hosts lines the server's host key must match (OpenSSH's format, hashed or not). */
  readonly knownHosts: Given;
  readonly remoteDir: string;
  /** The remote files picked up: names matching it (a regular expression). */
  readonly pattern: string;
  /** Remove a remote file once it is safely in the inbox (off by default: the server keeps its files). */
  readonly deleteAfterPickup: boolean;
  /** A file is fetched once its time on the server is at least this old; absent: {@link DEFAULT_SETTLE_SECONDS}. */
  readonly settleSeconds?: number;
  /** An operation that receives nothing for this long fails as transient; absent: {@link DEFAULT_STALL_SECONDS}. */
  readonly stallSeconds?: number;
}

/**
 * Fifteen seconds: an upload moves the file's time on the server at every write, so a file
 * unchanged for that long is no longer being written (a delivery of a few MB is written in well
 * under a second; a writer stalled longer has most likely lost its connection, and a file that
 * changes while it is fetched is still left for the next pickup). A delivery waits 15 s more at
 * most, which keeps it within a minute of the API at the default pickup interval of 30 s.
 */
export const DEFAULT_SETTLE_SECONDS = 15;
/** A minute, as SOURCE_TIMEOUT_MS waits for a source's answer: SSH keepalives notice a dead peer sooner (30 s). */
export const DEFAULT_STALL_SECONDS = 60;

/** `ENEDIS` for `enedis`: the prefix of a dataset's variables. */
export const sftpPrefix = (dataset: string) => `${dataset.toUpperCase().replace(/-/g, '_')}_SFTP`;

const pattern = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a regular expression' },
);

/** The variables of one dataset's server. */
function sourceShape(prefix: string) {
  return {
    [`${prefix}_HOST`]: z
      .string()
      .regex(/^[A-Za-z0-9.\-_:[\]]+$/, { message: 'a host name or address' })
      .optional(),
    [`${prefix}_PORT`]: z.coerce.number().int().min(1).max(65535).default(22),
    [`${prefix}_USER`]: z.string().min(1).optional(),
    [`${prefix}_PASSWORD`]: z.string().min(1).optional(),
    [`${prefix}_PASSWORD_FILE`]: z.string().min(1).optional(),
    [`${prefix}_PRIVATE_KEY`]: z.string().min(1).optional(),
    [`${prefix}_PRIVATE_KEY_FILE`]: z.string().min(1).optional(),
    [`${prefix}_KNOWN_HOSTS`]: z.string().min(1).optional(),
    [`${prefix}_KNOWN_HOSTS_FILE`]: z.string().min(1).optional(),
    [`${prefix}_DIR`]: z.string().min(1).default('.'),
    [`${prefix}_PATTERN`]: pattern.default('^[^.]'),
    [`${prefix}_DELETE_AFTER_PICKUP`]: booleanString.default(false),
    [`${prefix}_SETTLE_SECONDS`]: z.coerce.number().int().min(0).max(86_400).default(DEFAULT_SETTLE_SECONDS),
    [`${prefix}_STALL_SECONDS`]: z.coerce.number().int().min(1).max(3_600).default(DEFAULT_STALL_SECONDS),
  };
}

/** The variables of every dataset that may be picked up from SFTP. */
export function sftpEnvShape(modules: readonly ModuleVariables[]): z.ZodRawShape {
  return Object.assign(
    { ...sftpPickupEnvSchema.shape },
    ...modulesOfKind(modules, 'sftp-pickup').map(({ dataset }) => sourceShape(sftpPrefix(dataset.name))),
  ) as z.ZodRawShape;
}

type Parsed = Readonly<Record<string, unknown>>;

const text = (env: Parsed, name: string) => {
  const value = env[name];
  return typeof value === 'string' ? value : undefined;
};

function given(env: Parsed, name: string): Given | undefined {
  const value = text(env, name);
  if (value !== undefined) return { value };
  const file = text(env, `${name}_FILE`);
  return file === undefined ? undefined : { file };
}

/** What is missing or contradictory in a dataset's server settings, each problem naming its variables. */
function sourceProblems(env: Parsed, prefix: string): string[] {
  if (text(env, `${prefix}_HOST`) === undefined) return [];
  const problems: string[] = [];
  const set = (name: string) => text(env, name) !== undefined || text(env, `${name}_FILE`) !== undefined;
  const both = (name: string) => text(env, name) !== undefined && text(env, `${name}_FILE`) !== undefined;
  if (text(env, `${prefix}_USER`) === undefined) problems.push(`${prefix}_USER: required with ${prefix}_HOST`);
  if (!set(`${prefix}_PRIVATE_KEY`) && !set(`${prefix}_PASSWORD`))
    problems.push(`${prefix}_PRIVATE_KEY(_FILE) or ${prefix}_PASSWORD(_FILE): required with ${prefix}_HOST`);
  if (!set(`${prefix}_KNOWN_HOSTS`))
    problems.push(
      `${prefix}_KNOWN_HOSTS(_FILE): required with ${prefix}_HOST (the server's host key, e.g. from ssh-keyscan, checked at every connection)`,
    );
  for (const name of ['PASSWORD', 'PRIVATE_KEY', 'KNOWN_HOSTS'].map((n) => `${prefix}_${n}`))
    if (both(name)) problems.push(`${name}: set either it or ${name}_FILE, not both`);
  return problems;
}

/** Every problem of the servers' settings (see {@link sftpSources}). */
export function sftpProblems(env: Parsed, modules: readonly ModuleVariables[]): string[] {
  return modulesOfKind(modules, 'sftp-pickup').flatMap(({ dataset }) => sourceProblems(env, sftpPrefix(dataset.name)));
}

/** The configured server of each dataset that has one (`{NAME}_SFTP_HOST` set), from the parsed environment. */
export function sftpSources(env: Parsed, modules: readonly ModuleVariables[]): Record<string, SftpSourceConfig> {
  const sources: Record<string, SftpSourceConfig> = {};
  for (const { dataset } of modulesOfKind(modules, 'sftp-pickup')) {
    const prefix = sftpPrefix(dataset.name);
    const host = text(env, `${prefix}_HOST`);
    const user = text(env, `${prefix}_USER`);
    const knownHosts = given(env, `${prefix}_KNOWN_HOSTS`);
    const privateKey = given(env, `${prefix}_PRIVATE_KEY`);
    const password = given(env, `${prefix}_PASSWORD`);
    if (host === undefined || user === undefined || knownHosts === undefined) continue;
    const auth = privateKey ? { privateKey } : password ? { password } : null;
    if (!auth) continue;
    sources[dataset.name] = {
      dataset: dataset.name,
      host,
      port: Number(env[`${prefix}_PORT`]),
      user,
      auth,
      knownHosts,
      remoteDir: text(env, `${prefix}_DIR`) ?? '.',
      pattern: text(env, `${prefix}_PATTERN`) ?? '^[^.]',
      deleteAfterPickup: env[`${prefix}_DELETE_AFTER_PICKUP`] === true,
      settleSeconds: Number(env[`${prefix}_SETTLE_SECONDS`]),
      stallSeconds: Number(env[`${prefix}_STALL_SECONDS`]),
    };
  }
  return sources;
}
