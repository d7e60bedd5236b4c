-- one row per side ('a', 'b') × metric: the two compared groups ($mode 'genre' or
-- 'country': filtered titles in Netflix category / production country $a and $b) or
-- titles ($mode 'title': show_ids $a and $b, global filters not applied).
-- scale_* are on the compared scale: log10 for votes and popularity, 0/1 for hit, the
-- metric itself otherwise; value is what a person reads (the mean, the geometric mean on
-- log scales, the hit share); catalog_sd is the metric's spread over the whole catalog
-- on the compared scale, the yardstick for normalised differences.
with scope as (
    select *
    from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                         $added_from::date, $added_to::date, $genres::varchar[],
                         $countries::varchar[], $ratings::varchar[])
    where $mode::varchar <> 'title'
    union all
    select * from titles where $mode::varchar = 'title'
),
members as (
    select 'a' as side, show_id from title_genres
    where $mode::varchar = 'genre' and genre = $a::varchar
    union all
    select 'b', show_id from title_genres where $mode::varchar = 'genre' and genre = $b::varchar
    union all
    select 'a', show_id from title_countries
    where $mode::varchar = 'country' and country = $a::varchar
    union all
    select 'b', show_id from title_countries
    where $mode::varchar = 'country' and country = $b::varchar
    union all
    select 'a', show_id from titles where $mode::varchar = 'title' and show_id = $a::varchar
    union all
    select 'b', show_id from titles where $mode::varchar = 'title' and show_id = $b::varchar
),
hit_bar as (
    -- hit = top quartile of engagement among scored titles of the same kind (catalog)
    select kind, quantile_cont(engagement_score(imdb_score, imdb_votes, tmdb_popularity),
                               0.75) as hit_threshold
    from titles
    group by kind
),
per_title as (
    select
        m.side,
        t.show_id,
        engagement_score(t.imdb_score, t.imdb_votes, t.tmdb_popularity) as engagement,
        t.*
    from members as m
    join scope as t using (show_id)
),
long as (
    select
        p.side,
        unnest(['engagement_score', 'hit_share', 'imdb_score', 'imdb_votes',
                'tmdb_popularity', 'tmdb_score', 'tmdb_vote_count', 'runtime_minutes',
                'seasons', 'release_year', 'addition_lag_years']) as metric,
        unnest([p.engagement, (p.engagement >= h.hit_threshold)::integer, p.imdb_score,
                log10(nullif(p.imdb_votes, 0)), log10(nullif(p.tmdb_popularity, 0)),
                p.tmdb_score, log10(nullif(p.tmdb_vote_count, 0)), p.runtime_minutes,
                p.seasons, p.release_year, p.addition_lag_years]::double[]) as scale_value
    from per_title as p
    join hit_bar as h using (kind)
),
catalog as (
    select
        stddev_samp(engagement_score(imdb_score, imdb_votes, tmdb_popularity))
            as engagement_score,
        stddev_samp((engagement_score(imdb_score, imdb_votes, tmdb_popularity)
                     >= h.hit_threshold)::integer) as hit_share,
        stddev_samp(imdb_score) as imdb_score,
        stddev_samp(log10(nullif(imdb_votes, 0))) as imdb_votes,
        stddev_samp(log10(nullif(tmdb_popularity, 0))) as tmdb_popularity,
        stddev_samp(tmdb_score) as tmdb_score,
        stddev_samp(log10(nullif(tmdb_vote_count, 0))) as tmdb_vote_count,
        stddev_samp(runtime_minutes) as runtime_minutes,
        stddev_samp(seasons) as seasons,
        stddev_samp(release_year) as release_year,
        stddev_samp(addition_lag_years) as addition_lag_years
    from titles
    join hit_bar as h using (kind)
),
catalog_sd as (
    unpivot catalog on columns(*) into name metric value catalog_sd
),
sides as (
    select side, count(*) as side_titles from per_title group by side
),
final as (
    select
        l.side,
        l.metric,
        count(l.scale_value) as titles,
        avg(l.scale_value) as scale_mean,
        stddev_samp(l.scale_value) as scale_sd,
        case when l.metric in ('imdb_votes', 'tmdb_popularity', 'tmdb_vote_count')
             then power(10, avg(l.scale_value)) else avg(l.scale_value) end as value,
        any_value(c.catalog_sd) as catalog_sd,
        any_value(s.side_titles) as side_titles
    from long as l
    join catalog_sd as c using (metric)
    join sides as s using (side)
    group by l.side, l.metric
)
select * from final
order by side, metric
