-- Grain: one row per title in the correlation sample, with each numeric metric (null
-- where the title lacks it) and how many titles the filters kept. The sample is every
-- filtered title, or above $max_titles of them a reproducible pseudo-random sample of
-- $max_titles titles (lowest hash of show_id), so the page stays fast on very large
-- catalogs. queries/performance.py turns it into Spearman rank correlations: ranking
-- each pair's own titles is 45 sorts, which Polars runs in parallel in a fraction of
-- the time of DuckDB's window functions (benchmarks/bench_page_scope.py).
with filtered as (
    select show_id, imdb_score, imdb_votes, tmdb_popularity, tmdb_score, tmdb_vote_count,
           runtime_minutes, seasons, release_year, addition_lag_years, engagement_score
    from filtered_titles($filters)
),
sizes as (
    select count(*) as filtered_titles from filtered
),
sample as (
    select *
    from filtered
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
