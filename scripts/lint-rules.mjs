// ESLint's own rules that oxlint has no native equivalent of, lent to oxlint as a JS plugin (named
// `eslint-js` in oxlint.config.mjs): the same code and options as under ESLint.
import { builtinRules } from 'eslint/use-at-your-own-risk';

export default {
  meta: { name: 'eslint-js' },
  rules: { 'no-restricted-syntax': builtinRules.get('no-restricted-syntax') },
};
