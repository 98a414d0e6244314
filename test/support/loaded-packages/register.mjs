// `node --import ./register.mjs …`: appends each npm package the process imports to the file named by
// LOADED_PACKAGES_FILE, one a line (see hooks.mjs).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
