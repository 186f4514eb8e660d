-- pgbench script: what PostgreSQL alone commits on this machine, one
-- one-row INSERT per transaction (the "PostgreSQL alone" figure). Run it
-- against the same database as post_entry.sql:
--   pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 16 -j 2 -T 5 -f testdata/pgbench/insert.sql DBNAME
INSERT INTO idempotency_keys VALUES (0, 1, md5(random()::text), 'x', 201, 'a', 'b', now());
