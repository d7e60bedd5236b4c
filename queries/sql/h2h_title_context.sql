-- one row per side ('a', 'b') × metric for the titles $a and $b (show_ids; global
-- filters not applied): the title's value next to the mean of its primary Netflix
-- category over the whole catalog, on the compared scale (log10 for votes and
-- popularity), and their difference in catalog standard deviations (std_diff).
with picked as (
    select 'a' as side, * from titles where show_id = $a::varchar
    union all
    select 'b', * from titles where show_id = $b::varchar
),
long as (
    -- the picked titles and every title sharing a primary category with one of them
    select
        t.show_id,
        t.primary_genre,
        unnest(['engagement_score', 'imdb_score', 'imdb_votes', 'tmdb_popularity',
                'tmdb_score', 'tmdb_vote_count']) as metric,
        unnest([t.engagement_score,
                t.imdb_score, log10(nullif(t.imdb_votes, 0)),
                log10(nullif(t.tmdb_popularity, 0)), t.tmdb_score,
                log10(nullif(t.tmdb_vote_count, 0))]::double[]) as scale_value
    from titles as t
    where t.primary_genre in (select primary_genre from picked)
       or t.show_id in (select show_id from picked)
),
genre_stats as (
    select primary_genre, metric, avg(scale_value) as genre_mean,
           count(scale_value) as genre_titles
    from long
    group by primary_genre, metric
),
catalog as (
    select
        stddev_samp(engagement_score) as engagement_score,
        stddev_samp(imdb_score) as imdb_score,
        stddev_samp(log10(nullif(imdb_votes, 0))) as imdb_votes,
        stddev_samp(log10(nullif(tmdb_popularity, 0))) as tmdb_popularity,
        stddev_samp(tmdb_score) as tmdb_score,
        stddev_samp(log10(nullif(tmdb_vote_count, 0))) as tmdb_vote_count
    from titles
),
catalog_sd as (
    unpivot catalog on columns(*) into name metric value catalog_sd
),
final as (
    select
        p.side,
        p.show_id,
        p.title,
        p.primary_genre,
        l.metric,
        l.scale_value as title_scale_value,
        g.genre_mean,
        g.genre_titles,
        (l.scale_value - g.genre_mean) / nullif(c.catalog_sd, 0) as std_diff,
        case when l.metric in ('imdb_votes', 'tmdb_popularity', 'tmdb_vote_count')
             then power(10, l.scale_value) else l.scale_value end as title_value,
        case when l.metric in ('imdb_votes', 'tmdb_popularity', 'tmdb_vote_count')
             then power(10, g.genre_mean) else g.genre_mean end as genre_value
    from picked as p
    join long as l using (show_id)
    left join genre_stats as g on g.primary_genre = p.primary_genre and g.metric = l.metric
    join catalog_sd as c on c.metric = l.metric
)
select * from final
order by side, metric
