/**
 * The commands `courant --help` lists, in its order. A command's options and action are in its
 * module under commands/, loaded only when the command line names the command: `courant --help`
 * loads none of them, `courant backfill …` only the backfill's.
 */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';

/** Gives `command` (named and described already) its options and action. */
export type DefineCommand = (command: Command, context: () => CommandContext) => void;

export interface ListedCommand {
  readonly name: string;
  readonly description: string;
  readonly define: () => Promise<DefineCommand>;
}

export const COMMANDS: readonly ListedCommand[] = [
  {
    name: 'run',
    description: 'run one day now (RunKind=manual); re-running a day is safe',
    define: async () => (await import('./commands/run.js')).defineRunCommand,
  },
  {
    name: 'backfill',
    description: 'run the days of a range that are missing, failed, or all of them, N at a time',
    define: async () => (await import('./commands/backfill.js')).defineBackfillCommand,
  },
  {
    name: 'status',
    description: 'per-day status of each dataset from the day records; every expected day is listed',
    define: async () => (await import('./commands/status.js')).defineStatusCommand,
  },
  {
    name: 'verify',
    description: 'check that the outputs succeeded day records list are in object storage as written',
    define: async () => (await import('./commands/verify.js')).defineVerifyCommand,
  },
  {
    name: 'import',
    description: "store a publisher's whole file once and run the days it covers from it, as a backfill",
    define: async () => (await import('./commands/import.js')).defineImportCommand,
  },
  {
    name: 'ingest',
    description: 'put files in a dataset inbox and run the Paris days they cover',
    define: async () => (await import('./commands/ingest.js')).defineIngestCommand,
  },
  {
    name: 'energies',
    description: 'energy per meter and period from the stored index readings, with a verdict per row',
    define: async () => (await import('./commands/energies.js')).defineEnergiesCommand,
  },
  {
    name: 'perimeter',
    description: 'the contracts in force on a day, from the stored Enedis C15 events',
    define: async () => (await import('./commands/perimeter.js')).definePerimeterCommand,
  },
  {
    name: 'billing',
    description:
      "a month's billing elements per contract: days, kVA, energy per class, TURPE and CTA (docs/billing.md)",
    define: async () => (await import('./commands/billing.js')).defineBillingCommand,
  },
  {
    name: 'report',
    description: '(re)build the report of a day, a month or a year from what is stored, and wait for it',
    define: async () => (await import('./commands/report.js')).defineReportCommand,
  },
  {
    name: 'schedules',
    description:
      'the daily schedule, the inbox scan, the revised-days check, the snapshot collector, the verification of outputs, the SFTP pickup and the monthly billing (SCHEDULE_*, INBOX_SCAN_*, REVISED_DAYS_*, SNAPSHOT_*, VERIFY_*, SFTP_PICKUP_* and BILLING_* override the defaults)',
    define: async () => (await import('./commands/schedules.js')).defineSchedulesCommand,
  },
  {
    name: 'dev',
    description: 'start the embedded stack and a worker in the foreground; Ctrl-C stops all',
    define: async () => (await import('./commands/dev.js')).defineDevCommand,
  },
  {
    name: 'demo',
    description: 'run one sample day from the shipped real samples on the embedded stack, offline',
    define: async () => (await import('./commands/demo.js')).defineDemoCommand,
  },
  {
    name: 'worker',
    description: 'run a worker on the configured Temporal server and storage until SIGINT/SIGTERM',
    define: async () => (await import('./commands/worker.js')).defineWorkerCommand,
  },
  {
    name: 'serve',
    description: 'the web console of days and reports, and the read API, over the configured storage',
    define: async () => (await import('./commands/serve.js')).defineServeCommand,
  },
];

/**
 * The listed command a command line (the arguments after node and the script) names, as commander
 * dispatches it: its first argument (after a leading `--`), or the one after `help`.
 */
export function namedCommand(args: readonly string[]): ListedCommand | undefined {
  const [first, second] = args[0] === '--' ? args.slice(1) : args;
  const name = first === 'help' ? second : first;
  return COMMANDS.find((command) => command.name === name);
}
