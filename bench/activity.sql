-- What the benchmark database's active backends are doing (a wait event, or CPU), the checkpointer's wait and every
-- autovacuum worker with its table, every 0.2 s, one "|"-separated line each: "<epoch s>|<backend type>|<wait or CPU>|
-- <autovacuum's database and table>". Read by bench/run.sh (BenchTool diagnose) and bench/phases.sh (stalls.txt).
SELECT extract(epoch FROM clock_timestamp()), backend_type, coalesce(wait_event_type || ':' || wait_event, 'CPU'),
       CASE WHEN backend_type = 'autovacuum worker' THEN datname || ' ' || regexp_replace(query, '^autovacuum: ', '') ELSE '' END
FROM pg_stat_activity
WHERE pid <> pg_backend_pid()
  AND ((datname = current_database() AND backend_type = 'client backend' AND state = 'active')
       OR backend_type IN ('checkpointer', 'autovacuum worker')) \watch 0.2
