export { loadConfig, ConfigError, type Config, type S3Config, type DynamoDbConfig } from './load.js';
export { detectEnvironment, type DetectedEnvironment, type StorageMode, type DatabaseType } from './environment.js';
export type { SftpSourceConfig, Given } from './sftp.js';
