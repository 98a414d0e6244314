export { loadConfig, ConfigError, type Config, type S3Config, type DynamoDbConfig } from './load.js';
export { detectEnvironment, type DetectedEnvironment, type StorageMode, type DatabaseType } from './environment.js';
