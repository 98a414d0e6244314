/**
 * aws mode with no AWS credentials where the SDK's default chain looks (environment, shared files,
 * SSO, container or instance role): a fault of the configuration, not of the pipeline. The message
 * says what to provide; the SDK's error stays its cause.
 */
import { causeChain } from './cause-chain.js';

/** The SDK's error when no provider of its chain gave credentials. */
const NO_CREDENTIALS = 'CredentialsProviderError';

export class AwsCredentialsMissingError extends Error {
  override readonly name = 'AwsCredentialsMissingError';

  constructor(options: { cause: unknown }) {
    super(
      'aws mode needs AWS credentials, and there are no AWS credentials where the SDK looks: set ' +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary ones), or ' +
        'AWS_PROFILE naming a profile of ~/.aws/credentials or ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, ' +
        'AWS_CONFIG_FILE to read others), or run where a role gives them (ECS task role, EC2 instance ' +
        'profile, AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN); or STORAGE_MODE=local',
      options,
    );
  }
}

/** The AwsCredentialsMissingError an error stands for, if any level of its cause chain is the SDK's. */
export function awsCredentialsMissing(error: unknown): AwsCredentialsMissingError | undefined {
  if (error instanceof AwsCredentialsMissingError) return error;
  const found = causeChain(error).some((level) => level instanceof Error && level.name === NO_CREDENTIALS);
  return found ? new AwsCredentialsMissingError({ cause: error }) : undefined;
}
