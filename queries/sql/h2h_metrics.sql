-- one row per side ('a', 'b') × metric: the two compared groups ($mode 'genre' or
-- 'country': filtered titles in Netflix category / production country $a and $b) or
-- titles ($mode 'title': show_ids $a and $b, global filters not applied).
-- scale_* are on the compared scale: log10 for votes and popularity, 0/1 for hit, the
-- metric itself otherwise; value is what a person reads (the mean, the geometric mean on
-- log scales, the hit share); catalog_sd is the metric's spread over the whole catalog
-- on the compared scale, the yardstick for normalised differences (mart metric_spreads;
-- the hit bar per kind is the mart hit_thresholds: both are properties of the build).
with scope as (
    select show_id, kind, genres, countries, imdb_score, imdb_votes, tmdb_popularity,
           tmdb_score, tmdb_vote_count, runtime_minutes, seasons, release_year,
           addition_lag_years, engagement_score
    from filtered_titles($filters)
    where $mode::varchar <> 'title'
    union all
    select show_id, kind, genres, countries, imdb_score, imdb_votes, tmdb_popularity,
           tmdb_score, tmdb_vote_count, runtime_minutes, seasons, release_year,
           addition_lag_years, engagement_score
    from titles where $mode::varchar = 'title'
),
members as (
    -- read from each title's own category / country list (the same values as the
    -- title_genres / title_countries bridges, one each per title): one pass, no join
    select s.side, t.*
    from scope as t
    join (values ('a', $a::varchar), ('b', $b::varchar)) as s(side, pick)
      on case $mode::varchar when 'genre' then list_contains(t.genres, s.pick)
                             when 'country' then list_contains(t.countries, s.pick)
                             else t.show_id = s.pick end
),
per_title as (
    -- every metric on the compared scale, one row per side × member title
    select t.side, unnest(compared_metrics(t, h.hit_threshold))
    from members as t
    join hit_thresholds as h using (kind)
),
per_side as (
    -- titles with the metric, its mean and spread, for all metrics in one pass
    select
        side,
        count(*) as side_titles,
        count(engagement_score) as engagement_score_n,
        avg(engagement_score) as engagement_score_mean,
        stddev_samp(engagement_score) as engagement_score_sd,
        count(hit_share) as hit_share_n,
        avg(hit_share) as hit_share_mean,
        stddev_samp(hit_share) as hit_share_sd,
        count(imdb_score) as imdb_score_n,
        avg(imdb_score) as imdb_score_mean,
        stddev_samp(imdb_score) as imdb_score_sd,
        count(imdb_votes) as imdb_votes_n,
        avg(imdb_votes) as imdb_votes_mean,
        stddev_samp(imdb_votes) as imdb_votes_sd,
        count(tmdb_popularity) as tmdb_popularity_n,
        avg(tmdb_popularity) as tmdb_popularity_mean,
        stddev_samp(tmdb_popularity) as tmdb_popularity_sd,
        count(tmdb_score) as tmdb_score_n,
        avg(tmdb_score) as tmdb_score_mean,
        stddev_samp(tmdb_score) as tmdb_score_sd,
        count(tmdb_vote_count) as tmdb_vote_count_n,
        avg(tmdb_vote_count) as tmdb_vote_count_mean,
        stddev_samp(tmdb_vote_count) as tmdb_vote_count_sd,
        count(runtime_minutes) as runtime_minutes_n,
        avg(runtime_minutes) as runtime_minutes_mean,
        stddev_samp(runtime_minutes) as runtime_minutes_sd,
        count(seasons) as seasons_n,
        avg(seasons) as seasons_mean,
        stddev_samp(seasons) as seasons_sd,
        count(release_year) as release_year_n,
        avg(release_year) as release_year_mean,
        stddev_samp(release_year) as release_year_sd,
        count(addition_lag_years) as addition_lag_years_n,
        avg(addition_lag_years) as addition_lag_years_mean,
        stddev_samp(addition_lag_years) as addition_lag_years_sd
    from per_title
    group by side
),
long as (
    -- back to one row per side × metric; a metric no title of the side has stays (0, null)
    from per_side unpivot include nulls (
        (titles, scale_mean, scale_sd) for metric in (
            (engagement_score_n, engagement_score_mean, engagement_score_sd)
                as 'engagement_score',
            (hit_share_n, hit_share_mean, hit_share_sd) as 'hit_share',
            (imdb_score_n, imdb_score_mean, imdb_score_sd) as 'imdb_score',
            (imdb_votes_n, imdb_votes_mean, imdb_votes_sd) as 'imdb_votes',
            (tmdb_popularity_n, tmdb_popularity_mean, tmdb_popularity_sd) as 'tmdb_popularity',
            (tmdb_score_n, tmdb_score_mean, tmdb_score_sd) as 'tmdb_score',
            (tmdb_vote_count_n, tmdb_vote_count_mean, tmdb_vote_count_sd) as 'tmdb_vote_count',
            (runtime_minutes_n, runtime_minutes_mean, runtime_minutes_sd) as 'runtime_minutes',
            (seasons_n, seasons_mean, seasons_sd) as 'seasons',
            (release_year_n, release_year_mean, release_year_sd) as 'release_year',
            (addition_lag_years_n, addition_lag_years_mean, addition_lag_years_sd)
                as 'addition_lag_years'))
),
final as (
    select
        l.side,
        l.metric,
        l.titles,
        l.scale_mean,
        l.scale_sd,
        case when l.metric in ('imdb_votes', 'tmdb_popularity', 'tmdb_vote_count')
             then power(10, l.scale_mean) else l.scale_mean end as value,
        c.catalog_sd,
        l.side_titles
    from long as l
    join metric_spreads as c using (metric)
)
select * from final
order by side, metric
