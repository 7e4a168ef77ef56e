// Makes the Parquet fixtures of tests/data/formats with DuckDB, a writer independent of the
// reader s3tail uses. Copy it into a scratch folder outside the repository and run it there:
//   npm install @duckdb/node-api && node make-parquet.mjs /path/to/tests/data/formats
// The rows follow formulas that ParquetSpecs computes again by hand (keep both in step).
import { DuckDBInstance } from '@duckdb/node-api';

const out = process.argv[2] ?? '.';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run("SET TimeZone = 'UTC'");

// 5000 rows of every kind of value: integers, nulls, unicode and quotes, doubles, booleans,
// timestamps (with and without fractions), lists and structs. Row groups of 2048 rows: 3 groups.
const types = `
  SELECT i::BIGINT AS id,
         CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 100)::INTEGER END AS small,
         CASE WHEN i % 7 = 0 THEN NULL WHEN i % 5 = 0 THEN 'caf\u00e9 "' || i || '"' ELSE 'n' || i END AS name,
         i * 0.25 AS price,
         i % 2 = 0 AS ok,
         TIMESTAMP '2024-03-01 00:00:00' + INTERVAL (i) SECOND + INTERVAL ((i % 4) * 250) MILLISECOND AS ts,
         CASE WHEN i % 11 = 0 THEN NULL WHEN i % 3 = 0 THEN []::VARCHAR[] ELSE ['a' || i, 'b'] END AS tags,
         CASE WHEN i % 17 = 0 THEN NULL ELSE {'a': (i % 10)::INTEGER, 'b': 'x' || i} END AS info
  FROM range(5000) t(i)`;
for (const codec of ['snappy', 'gzip', 'zstd'])
  await c.run(`COPY (${types}) TO '${out}/types-${codec}.parquet' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`);

// VPC flow logs in Parquet, with the columns of the default format, and the same rows as the
// text flow log AWS writes ('-' for a field with no value: NODATA and SKIPDATA records).
const vpc = `
  SELECT 2::INTEGER AS version, '123456789012' AS account_id, 'eni-0a1b2c3d' || (i % 4) AS interface_id,
         CASE WHEN i % 50 = 49 THEN NULL ELSE '10.0.' || (i % 256) || '.' || (i * 7 % 256) END AS srcaddr,
         CASE WHEN i % 50 = 49 THEN NULL ELSE '172.31.' || (i * 3 % 256) || '.' || (i % 200) END AS dstaddr,
         CASE WHEN i % 50 = 49 THEN NULL ELSE (1024 + i * 37 % 60000)::INTEGER END AS srcport,
         CASE WHEN i % 50 = 49 THEN NULL ELSE [443, 80, 22, 53][1 + i % 4]::INTEGER END AS dstport,
         CASE WHEN i % 50 = 49 THEN NULL ELSE [6, 17][1 + i % 2]::INTEGER END AS protocol,
         CASE WHEN i % 50 = 49 THEN NULL ELSE (1 + i % 40)::BIGINT END AS packets,
         CASE WHEN i % 50 = 49 THEN NULL ELSE (40 + i * 1379 % 90000)::BIGINT END AS bytes,
         (1709251200 + i * 60)::BIGINT AS start, (1709251260 + i * 60)::BIGINT AS "end",
         CASE WHEN i % 50 = 49 THEN NULL WHEN i % 9 = 0 THEN 'REJECT' ELSE 'ACCEPT' END AS action,
         CASE WHEN i % 50 = 49 THEN 'NODATA' ELSE 'OK' END AS log_status
  FROM range(3000) t(i)`;
await c.run(`COPY (${vpc}) TO '${out}/vpc-flow.parquet' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1024)`);
await c.run(`COPY (SELECT concat_ws(' ', version, account_id, interface_id, coalesce(srcaddr, '-'), coalesce(dstaddr, '-'),
    coalesce(srcport::VARCHAR, '-'), coalesce(dstport::VARCHAR, '-'), coalesce(protocol::VARCHAR, '-'), coalesce(packets::VARCHAR, '-'),
    coalesce(bytes::VARCHAR, '-'), start, "end", coalesce(action, '-'), log_status) FROM (${vpc}))
  TO '${out}/vpc-flow.txt' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\t')`);

// Values that are easy to lose: nulls and empty lists at every depth (lists of lists, lists of
// structs, lists in structs, maps), DECIMAL(38, 2) beyond .NET's decimal, INTERVAL, TIME and
// TIMESTAMP_NS (one before 1970). fidelity.duckdb.json is DuckDB's own JSON of the same rows.
const fidelity = `
  SELECT i::INTEGER AS id,
         [[1, NULL, 3], [NULL]::INTEGER[], []::INTEGER[], NULL][i + 1] AS ints,
         [['a', NULL, 'c d'], NULL, []::VARCHAR[], [NULL]::VARCHAR[]][i + 1] AS strs,
         [[[1, NULL], NULL, []], [[]], NULL, []][i + 1]::INTEGER[][] AS nested,
         [[{'k': 1, 'v': 'x'}, NULL, {'k': NULL, 'v': NULL}], [], NULL, [NULL]][i + 1] AS pairs,
         [{'xs': [1, NULL], 'n': NULL}, {'xs': [], 'n': 2}, {'xs': NULL, 'n': 3}, NULL][i + 1] AS grp,
         [MAP {'a': 1, 'b': NULL}, MAP {}, NULL, MAP {'c': 3}][i + 1]::MAP(VARCHAR, INTEGER) AS m,
         [12345678901234567890123456789012345.67, -0.05, 0, NULL][i + 1]::DECIMAL(38, 2) AS d38,
         [1.5, -2, 0.01, NULL][i + 1]::DECIMAL(9, 2) AS d9,
         [123456789012345.678, -0.001, 0, NULL][i + 1]::DECIMAL(18, 3) AS d18,
         [INTERVAL '1 month 2 days 3 hours 4 minutes 5.678 seconds', INTERVAL '14 months', INTERVAL '0 seconds', NULL][i + 1] AS iv,
         [TIME '13:45:01.123456', TIME '00:00:00', TIME '23:59:59.999', NULL][i + 1] AS t,
         ['2024-03-01 12:00:00.123456789'::TIMESTAMP_NS, '1969-12-31 23:59:59.999999999'::TIMESTAMP_NS,
          '2024-03-01 00:00:00'::TIMESTAMP_NS, NULL][i + 1] AS tns
  FROM range(4) t(i)`;
await c.run(`COPY (${fidelity}) TO '${out}/fidelity.parquet' (FORMAT parquet, COMPRESSION snappy)`);
await c.run(`COPY (SELECT * FROM '${out}/fidelity.parquet') TO '${out}/fidelity.duckdb.json' (FORMAT json)`);

// DATE columns (days since 1970, before it too): written as calendar dates, not midnight timestamps.
await c.run(`COPY (SELECT i::INTEGER AS id, [DATE '2024-03-01', DATE '1969-12-31', DATE '0001-01-01', NULL][i + 1] AS day
  FROM range(4) t(i)) TO '${out}/dates.parquet' (FORMAT parquet, COMPRESSION snappy)`);

// Strings that a text layout could misread: spaces, a line end, a tab, empty, '-', a leading
// quote, a backslash; in a plain column and in a list. text.duckdb.json is DuckDB's own JSON of them.
const text = `
  SELECT i::INTEGER AS id,
         ['a b', 'line1' || chr(10) || 'line2', '', '-', NULL, '"quoted"', 'tab' || chr(9) || 'here', 'plain\\back'][i + 1] AS s,
         [['x y'], NULL, []::VARCHAR[], ['-'], [NULL]::VARCHAR[], ['"'], ['a'], ['b']][i + 1] AS tags
  FROM range(8) t(i)`;
await c.run(`COPY (${text}) TO '${out}/text.parquet' (FORMAT parquet, COMPRESSION snappy)`);
await c.run(`COPY (SELECT * FROM '${out}/text.parquet') TO '${out}/text.duckdb.json' (FORMAT json)`);

for (const f of ['types-snappy', 'types-gzip', 'types-zstd', 'vpc-flow']) {
  const r = await c.runAndReadAll(`SELECT count(DISTINCT row_group_id), min(compression) FROM parquet_metadata('${out}/${f}.parquet')`);
  console.log(f, r.getRows());
}
