-- EXPLAIN (ANALYZE, BUFFERS) of the hot queries of part B of issue 12, against a database seeded by bench/run.sh
-- (tenant 'bench': 100k investigations, 1M scores of investigation 'inv-scores', 100k anomalies with embeddings):
--   psql postgresql://olorin:olorin@127.0.0.1:5432/scale_bench -f bench/explain.sql
\pset pager off
\echo '=== 1. score list, page 1 (1M scores): ORDER BY risk_score DESC, transaction_id LIMIT 20'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM transaction_scores
WHERE tenant_id = 'bench' AND investigation_id = 'inv-scores' ORDER BY risk_score DESC, transaction_id LIMIT 20;
\echo '=== 2a. score distribution (1M scores), as read now: the maintained histogram'
EXPLAIN (ANALYZE, BUFFERS) SELECT bucket, count FROM transaction_score_buckets
WHERE tenant_id = 'bench' AND investigation_id = 'inv-scores';
\echo '=== 2b. score distribution (1M scores), the scan it replaces (still used for a bucket count other than 10)'
EXPLAIN (ANALYZE, BUFFERS) SELECT LEAST(floor(risk_score * 10.0)::int, 9) AS bucket, count(*) FROM transaction_scores
WHERE tenant_id = 'bench' AND investigation_id = 'inv-scores' GROUP BY 1;
\echo '=== 3a. anomaly list, page 1 (100k): ORDER BY score DESC, anomaly_id LIMIT 20'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM anomaly_events WHERE tenant_id = 'bench' ORDER BY score DESC, anomaly_id LIMIT 20;
\echo '=== 3b. anomaly list filtered by detector, page 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM anomaly_events WHERE tenant_id = 'bench' AND detector_id = 'det-3' ORDER BY score DESC, anomaly_id LIMIT 20;
\echo '=== 4. full-text search matching all 100k: rank only the 1,000 most recently updated matches'
EXPLAIN (ANALYZE, BUFFERS) SELECT c.investigation_id, ts_rank(c.search_vector, websearch_to_tsquery('english', 'bench')) AS rank
FROM (SELECT * FROM investigation_states WHERE tenant_id = 'bench' AND search_vector @@ websearch_to_tsquery('english', 'bench')
      ORDER BY updated_at DESC, investigation_id LIMIT 1000) AS c
ORDER BY rank DESC, c.investigation_id LIMIT 20;
\echo '=== 4b. full-text search, a term in one document'
EXPLAIN (ANALYZE, BUFFERS) SELECT c.investigation_id, ts_rank(c.search_vector, websearch_to_tsquery('english', 'nothingmatchesthis')) AS rank
FROM (SELECT * FROM investigation_states WHERE tenant_id = 'bench' AND search_vector @@ websearch_to_tsquery('english', 'nothingmatchesthis')
      ORDER BY updated_at DESC, investigation_id LIMIT 1000) AS c
ORDER BY rank DESC, c.investigation_id LIMIT 20;
\echo '=== 5a. similarity: the candidate estimate (a plan, not a scan)'
EXPLAIN (FORMAT JSON) SELECT 1 FROM anomaly_events WHERE tenant_id = 'bench' AND embedding IS NOT NULL;
\echo '=== 5b. similarity through HNSW (ef_search 100, relaxed iterative scan), 100k anomalies'
BEGIN;
SELECT set_config('hnsw.ef_search', '100', true), set_config('hnsw.iterative_scan', 'relaxed_order', true);
EXPLAIN (ANALYZE, BUFFERS) SELECT anomaly_id, embedding <=> (SELECT embedding FROM anomaly_events WHERE tenant_id = 'bench' AND anomaly_id = 'anom-000042') AS distance
FROM anomaly_events WHERE tenant_id = 'bench' AND embedding IS NOT NULL
ORDER BY embedding <=> (SELECT embedding FROM anomaly_events WHERE tenant_id = 'bench' AND anomaly_id = 'anom-000042') LIMIT 10;
COMMIT;
\echo '=== 5c. similarity, exact (index scans off), 100k anomalies'
BEGIN;
SELECT set_config('enable_indexscan', 'off', true);
EXPLAIN (ANALYZE, BUFFERS) SELECT anomaly_id, embedding <=> (SELECT embedding FROM anomaly_events WHERE tenant_id = 'bench' AND anomaly_id = 'anom-000042') AS distance
FROM anomaly_events WHERE tenant_id = 'bench' AND embedding IS NOT NULL
ORDER BY embedding <=> (SELECT embedding FROM anomaly_events WHERE tenant_id = 'bench' AND anomaly_id = 'anom-000042') LIMIT 10;
COMMIT;
