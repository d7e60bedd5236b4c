-- one row per title metric (the Performance page's metrics, plus engagement_imdb and
-- engagement_tmdb for the two bases of the engagement score): how many of the filtered
-- titles have it (with_metric) out of how many filtered titles (titles). Every metric
-- chart states this, so a reader knows what a figure rests on.
with filtered as (
    select *
    from filtered_titles($filters)
),
counts as (
    select
        count(imdb_score) as imdb_score,
        count(imdb_votes) as imdb_votes,
        count(tmdb_popularity) as tmdb_popularity,
        count(tmdb_score) as tmdb_score,
        count(tmdb_vote_count) as tmdb_vote_count,
        count(runtime_minutes) as runtime_minutes,
        count(seasons) as seasons,
        count(release_year) as release_year,
        count(addition_lag_years) as addition_lag_years,
        count(engagement_score) as engagement_score,
        count(*) filter (where engagement_basis = 'imdb') as engagement_imdb,
        count(*) filter (where engagement_basis = 'tmdb') as engagement_tmdb,
        count(*) filter (where imdb_title_id is not null or tmdb_key is not null)
            as any_match
    from filtered
),
final as (
    select c.metric, c.with_metric, (select count(*) from filtered) as titles
    from (unpivot counts on columns(*) into name metric value with_metric) as c
)
select * from final order by metric
