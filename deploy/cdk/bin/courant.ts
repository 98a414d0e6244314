/** `cdk synth` / `cdk deploy` entry point (see deploy/cdk/README.md). */
import { createCourantApp } from '../lib/app.js';

createCourantApp().app.synth();
