/** Judging the stations read: rules in order, the first that matches rejects the station. */
import { sqlString } from '../../duckdb/columns.js';

/** A rule: the SQL condition, the field it names, the SQL of the value shown, the reason. */
export type Rule = readonly [condition: string, column: string, value: string, reason: string];

/** The select list adding `reason`, `bad_column` and `bad_value` (null for a station kept). */
export function judgedColumns(rules: readonly Rule[]): string {
  const caseOf = (pick: (rule: Rule) => string) =>
    `CASE ${rules.map((rule) => `WHEN ${rule[0]} THEN ${pick(rule)}`).join(' ')} END`;
  return `${caseOf((rule) => sqlString(rule[3]))} AS reason, ${caseOf((rule) => sqlString(rule[1]))} AS bad_column,
    ${caseOf((rule) => rule[2])} AS bad_value`;
}
