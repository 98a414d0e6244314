/** Every capability a dataset may have beyond its day: each its own object, keyed to its dataset by name. */
import type { DemoCapability } from './demo.js';
import type { DropCapability } from './drop.js';
import type { EnergiesCapability } from './energies.js';
import type { FileImportCapability } from './file-import.js';
import type { QualityChecksCapability } from './quality-checks.js';
import type { RangedRunsCapability } from './ranged-runs.js';
import type { RevisionsCapability } from './revisions.js';
import type { SftpPickupCapability } from './sftp-pickup.js';
import type { SnapshotsCapability } from './snapshots.js';
import type { StatusNotesCapability } from './status-notes.js';

export type Capability =
  | DropCapability
  | SnapshotsCapability
  | FileImportCapability
  | DemoCapability
  | RevisionsCapability
  | EnergiesCapability
  | QualityChecksCapability
  | StatusNotesCapability
  | SftpPickupCapability
  | RangedRunsCapability;

export type CapabilityKind = Capability['kind'];

/** The capability of kind `K`, e.g. `CapabilityOf<'drop'>`. */
export type CapabilityOf<K extends CapabilityKind> = Extract<Capability, { readonly kind: K }>;
