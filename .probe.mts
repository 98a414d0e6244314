const { openDuckDb } = await import('./src/duckdb/duckdb.ts');
const { ratesTablesSql } = await import('./src/billing/rates-sql.ts');
const { loadRates } = await import('./src/billing/rates.ts');
const { billingMonthSql } = await import('./src/billing/month-sql.ts');
const inst = await openDuckDb({ tempDirectory: '/tmp' });
const db = await inst.connect();
for (const s of ratesTablesSql(loadRates())) { try { await db.run(s); } catch (e) { console.log('RATES', String(e)); } }
const sql = billingMonthSql({ month: '2024-03', eventFiles: [], readingFiles: [], prms: [] });
try { await db.run(sql); console.log('ok'); } catch (e) { console.log(String(e)); }
const lines = sql.split('\n');
// find failing CTE by truncating
const ctes = sql.split(/\n(?=[a-z_]+ AS \()/);
let acc = '';
for (const part of ctes) { acc += (acc ? '\n' : '') + part; const name = part.match(/^([a-z_]+) AS \(/)?.[1] ?? 'first'; const q = acc.replace(/,\s*$/, '') + `\nSELECT * FROM ${name} LIMIT 0`; try { await db.run(q); } catch (e) { console.log(name, String(e).slice(0, 300)); break; } }
process.exit(0);
