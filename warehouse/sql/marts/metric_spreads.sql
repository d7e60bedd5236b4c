-- depends on: compared_metrics, hit_thresholds, titles
-- metric_spreads: one row per Head-to-Head metric: its standard deviation over the whole
-- catalog on the compared scale (log10 for votes and popularity, 0/1 for hit, the metric
-- itself otherwise), the yardstick that puts differences in different units on one axis
-- (queries/sql/h2h_metrics.sql). A property of the build: computed once here.
with scaled as (
    select unnest(compared_metrics(t, h.hit_threshold))
    from titles as t
    join hit_thresholds as h using (kind)
),
spreads as (
    select
        stddev_samp(engagement_score) as engagement_score,
        stddev_samp(hit_share) as hit_share,
        stddev_samp(imdb_score) as imdb_score,
        stddev_samp(imdb_votes) as imdb_votes,
        stddev_samp(tmdb_popularity) as tmdb_popularity,
        stddev_samp(tmdb_score) as tmdb_score,
        stddev_samp(tmdb_vote_count) as tmdb_vote_count,
        stddev_samp(runtime_minutes) as runtime_minutes,
        stddev_samp(seasons) as seasons,
        stddev_samp(release_year) as release_year,
        stddev_samp(addition_lag_years) as addition_lag_years
    from scaled
),
final as (
    unpivot spreads on columns(*) into name metric value catalog_sd
)
select * from final order by metric
