export { loadConfig, ConfigError, type Config, type S3Config, type DynamoDbConfig } from './load.js';
export { detectEnvironment } from './environment.js';
export type { SftpSourceConfig } from './sftp.js';
