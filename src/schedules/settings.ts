/** The schedules' settings, from the configuration (SCHEDULE_*, INBOX_SCAN_*, REVISED_DAYS_*, SNAPSHOT_*, VERIFY_*, SFTP_PICKUP_*, BILLING_*) and the task queue. */
import type { Config } from '../config/index.js';

export type DailyScheduleSettings = Config['schedules']['daily'] & { readonly taskQueue: string };
export type InboxScanSettings = Config['schedules']['inboxScan'] & { readonly taskQueue: string };
export type RevisedDaysSettings = Config['schedules']['revisedDays'] & { readonly taskQueue: string };
export type SnapshotScheduleSettings = Config['schedules']['snapshots'] & { readonly taskQueue: string };
export type VerifyScheduleSettings = Config['schedules']['verify'] & { readonly taskQueue: string };
export type SftpPickupSettings = Config['schedules']['sftpPickup'] & { readonly taskQueue: string };
export type BillingScheduleSettings = Config['schedules']['billing'] & { readonly taskQueue: string };

export function scheduleSettings(config: Config): {
  daily: DailyScheduleSettings;
  inboxScan: InboxScanSettings;
  revisedDays: RevisedDaysSettings;
  snapshots: SnapshotScheduleSettings;
  verify: VerifyScheduleSettings;
  sftpPickup: SftpPickupSettings;
  billing: BillingScheduleSettings;
} {
  const { taskQueue } = config.temporal;
  return {
    daily: { ...config.schedules.daily, taskQueue },
    inboxScan: { ...config.schedules.inboxScan, taskQueue },
    revisedDays: { ...config.schedules.revisedDays, taskQueue },
    snapshots: { ...config.schedules.snapshots, taskQueue },
    verify: { ...config.schedules.verify, taskQueue },
    sftpPickup: { ...config.schedules.sftpPickup, taskQueue },
    billing: { ...config.schedules.billing, taskQueue },
  };
}
