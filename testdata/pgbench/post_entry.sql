-- pgbench script: PostgreSQL's own cost of posting one 2-line entry with an
-- idempotency key, without the Go server. Run it against a database that
-- `backoffice loadtest --entities 8` has just filled on a fresh database:
-- entity e's accounts 1000 and 4100 then have ids (e-1)*23+1 and (e-1)*23+13
-- (the standard chart has 23 accounts), and key 1 exists.
--   pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 8 -j 2 -T 5 -f testdata/pgbench/post_entry.sql DBNAME
\set e random(1, 8)
SELECT entry_id FROM post_entry(:e, 2026, '2026-06-15', 'bench', '', 'EUR', 1234, NULL, now(), 1,
    ARRAY[(:e-1)*23+13, (:e-1)*23+1]::bigint[], ARRAY[1234, 0]::bigint[], ARRAY[0, 1234]::bigint[],
    ARRAY['EUR', 'EUR'], ARRAY[1234, 1234]::bigint[], ARRAY['', ''], ARRAY['', ''],
    md5(random()::text), 1, 'h', 201, 'application/json', '{"id":-7777777777777777,"number":"\u0007"}');
