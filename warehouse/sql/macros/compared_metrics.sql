-- depends on: engagement_score
-- compared_metrics(t, hit_threshold): one catalog row's metrics on the scale Head-to-Head
-- compares them (log10 for votes and popularity, 0/1 for a hit, the metric itself
-- otherwise), as a struct: `unnest(compared_metrics(t, h.hit_threshold))` gives one column
-- per metric. Shared by the metric_spreads mart (the catalog-wide yardstick) and
-- queries/sql/h2h_metrics.sql (the two sides), so both measure the same thing.
create or replace macro compared_metrics(t, hit_threshold) as struct_pack(
    engagement_score := engagement_score(t.imdb_score, t.imdb_votes, t.tmdb_popularity),
    hit_share := (engagement_score(t.imdb_score, t.imdb_votes, t.tmdb_popularity)
                  >= hit_threshold)::integer,
    imdb_score := t.imdb_score,
    imdb_votes := log10(nullif(t.imdb_votes, 0)),
    tmdb_popularity := log10(nullif(t.tmdb_popularity, 0)),
    tmdb_score := t.tmdb_score,
    tmdb_vote_count := log10(nullif(t.tmdb_vote_count, 0)),
    runtime_minutes := t.runtime_minutes,
    seasons := t.seasons,
    release_year := t.release_year,
    addition_lag_years := t.addition_lag_years
)
