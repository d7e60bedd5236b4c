-- Grain: one row per title in the correlation sample, with each numeric metric (null
-- where the title lacks it) and how many titles the filters kept. The sample is every
-- filtered title, or above $max_titles of them a reproducible pseudo-random sample of
-- $max_titles titles (lowest hash of show_id), so the page stays fast on very large
-- catalogs. hash(show_id) is spread evenly over [0, 2^64), so the sample is drawn from
-- the titles whose hash falls in the lowest $oversample × $max_titles / n share (about
-- $oversample times the sample, all the titles with a lower hash than any left out):
-- a sort of ~20,000 rows instead of all n. queries/performance.py asks again with no
-- such cut when the share held fewer titles than the sample (rare: below e^-2500 for a
-- 10,000-title sample at $oversample = 2). It turns the sample into Spearman rank
-- correlations: ranking each pair's own titles is 45 sorts, which Polars runs in
-- parallel in a fraction of the time of DuckDB's window functions
-- (benchmarks/bench_rank_correlations.py).
with filtered as not materialized (
    -- read twice (the count, the candidates): `not materialized` filters the scan twice
    -- instead of copying every filtered title first (benchmarks/bench_cte_inline.py)
    select show_id, imdb_score, imdb_votes, tmdb_popularity, tmdb_score, tmdb_vote_count,
           runtime_minutes, seasons, release_year, addition_lag_years, engagement_score
    from filtered_titles($filters)
),
sizes as (
    select count(*) as filtered_titles from filtered
),
candidates as (
    select f.*
    from filtered as f
    cross join sizes as z
    where hash(f.show_id)::double / 18446744073709551616.0::double
        < $oversample::double * $max_titles::bigint / z.filtered_titles
),
sample as (
    select *
    from candidates
    order by hash(show_id), show_id
    limit $max_titles::bigint
),
final as (
    select
        s.imdb_score::double as imdb_score,
        s.imdb_votes::double as imdb_votes,
        s.tmdb_popularity::double as tmdb_popularity,
        s.tmdb_score::double as tmdb_score,
        s.tmdb_vote_count::double as tmdb_vote_count,
        s.runtime_minutes::double as runtime_minutes,
        s.seasons::double as seasons,
        s.release_year::double as release_year,
        s.addition_lag_years::double as addition_lag_years,
        s.engagement_score::double as engagement_score,
        z.filtered_titles
    from sample as s
    cross join sizes as z
)
select * from final
