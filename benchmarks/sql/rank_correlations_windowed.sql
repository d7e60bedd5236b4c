-- The baseline of benchmarks/bench_rank_correlations.py: the Performance page's rank
-- correlations as they were computed before (all in SQL, ranks by window functions).
-- Same result as queries/performance.py rank_correlations, except NaN where that
-- gives null (a pair of one title, or a constant metric).
-- one row per pair of numeric metrics (metric_x ≤ metric_y; the diagonal holds each
-- metric's own title count): Spearman rank correlation over the filtered titles that
-- have both metrics. Ranks are average ranks within each pair's own titles (as
-- scipy.stats.spearmanr on those rows). Above $max_titles filtered titles the
-- correlations use a reproducible pseudo-random sample of $max_titles titles (lowest
-- hash of show_id), so the page stays fast on very large catalogs.
with filtered as (
    select show_id, imdb_score, imdb_votes, tmdb_popularity, tmdb_score, tmdb_vote_count,
           runtime_minutes, seasons, release_year, addition_lag_years, engagement_score
    from filtered_titles($filters)
),
scope as materialized (
    -- materialised: the rows built from it feed both pairs and diagonal, and the sort
    -- of the filtered catalog (DuckDB 2.0 plans no top-N for it) must run only once
    select *
    from filtered
    order by hash(show_id), show_id
    limit $max_titles::bigint
),
long as (
    -- metric ids 0–9 follow the order of the value list (names in metric_names below)
    select
        show_id,
        unnest(range(10)) as metric_id,
        unnest([imdb_score, imdb_votes, tmdb_popularity, tmdb_score, tmdb_vote_count,
                runtime_minutes, seasons, release_year, addition_lag_years,
                engagement_score]::double[])
            as metric_value
    from scope
),
present as (
    select * from long where metric_value is not null
),
pairs as (
    select x.metric_id as metric_x, y.metric_id as metric_y, x.metric_value as x,
           y.metric_value as y
    from present as x
    join present as y on x.show_id = y.show_id and x.metric_id < y.metric_id
),
ranked as (
    -- rank() + rows at or below (count over the default frame, which takes in the tied
    -- rows) = twice the average rank of tied values; one sort per axis
    select
        metric_x,
        metric_y,
        rank() over wx + count(*) over wx as rank2_x,
        rank() over wy + count(*) over wy as rank2_y
    from pairs
    window wx as (partition by metric_x, metric_y order by x),
           wy as (partition by metric_x, metric_y order by y)
),
correlations as (
    select metric_x, metric_y, count(*) as titles, corr(rank2_x, rank2_y) as rho
    from ranked
    group by metric_x, metric_y
),
diagonal as (
    select metric_id as metric_x, metric_id as metric_y, count(*) as titles, 1.0 as rho
    from present
    group by metric_id
),
sizes as (
    -- the sample is the first $max_titles of the filtered titles: its size needs no rescan
    select least(count(*), $max_titles::bigint) as scope_titles, count(*) as filtered_titles
    from filtered
),
metric_names as (
    select ['imdb_score', 'imdb_votes', 'tmdb_popularity', 'tmdb_score', 'tmdb_vote_count',
            'runtime_minutes', 'seasons', 'release_year', 'addition_lag_years',
            'engagement_score'] as names
),
final as (
    select
        n.names[c.metric_x + 1] as metric_x,
        n.names[c.metric_y + 1] as metric_y,
        c.titles,
        c.rho,
        s.scope_titles,
        s.filtered_titles
    from (select * from correlations union all select * from diagonal) as c
    cross join metric_names as n
    cross join sizes as s
)
select * from final
order by metric_x, metric_y
