export { loadConfig, ConfigError, type Config } from './load.js';
export { detectEnvironment, type DetectedEnvironment, type StorageMode, type DatabaseType } from './environment.js';
