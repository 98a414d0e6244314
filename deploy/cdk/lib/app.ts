/** The CDK app: settings from context, the stack, and cdk-nag's AwsSolutions checks on every synth. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CourantStack } from './courant-stack.js';
import { readSettings } from './settings.js';

/** Stack name unless the `stackName` context says otherwise. */
export const DEFAULT_STACK_NAME = 'Courant';

export interface CourantApp {
  readonly app: App;
  readonly stack: CourantStack;
}

/**
 * Builds the app. `context` is added to what the CDK CLI passes (cdk.json, `-c key=value`); tests
 * pass cdk.json's context themselves. The stack is environment-agnostic: it deploys to the
 * account and region of the CLI's credentials.
 */
export function createCourantApp(context: Readonly<Record<string, unknown>> = {}): CourantApp {
  const app = new App({ context: { ...context } });
  const all = app.node.getAllContext() as Record<string, unknown>;
  const stackName = typeof all.stackName === 'string' ? all.stackName : DEFAULT_STACK_NAME;
  const stack = new CourantStack(app, stackName, {
    settings: readSettings(all),
    description: 'courant: daily data pipelines on Temporal (S3 bucket, DynamoDB records, Fargate worker)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
