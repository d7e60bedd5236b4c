-- one row per Netflix category (genre) of the filtered titles with at least
-- $min_titles scored titles: the spread of their engagement scores (quartiles, mean),
-- the share that are hits, and titles in the category. A hit is a title in the top
-- quartile of engagement among scored titles of its kind in the whole catalog
-- (docs/PERFORMANCE.md); overall_median is the median over all filtered scored titles.
with filtered as (
    select
        show_id,
        kind,
        engagement_score(imdb_score, imdb_votes, tmdb_popularity) as engagement
    from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                         $added_from::date, $added_to::date, $genres::varchar[],
                         $countries::varchar[], $ratings::varchar[])
),
hit_bar as (
    select kind, quantile_cont(engagement_score(imdb_score, imdb_votes, tmdb_popularity), 0.75)
        as hit_threshold
    from titles
    group by kind
),
scored as (
    select f.show_id, f.engagement, f.engagement >= h.hit_threshold as is_hit
    from filtered as f
    join hit_bar as h using (kind)
    where f.engagement is not null
),
per_genre as (
    select
        g.genre,
        count(*) as scored_titles,
        avg(s.engagement) as mean_engagement,
        quantile_cont(s.engagement, 0.25) as q1_engagement,
        median(s.engagement) as median_engagement,
        quantile_cont(s.engagement, 0.75) as q3_engagement,
        avg(s.is_hit::integer) as hit_share
    from scored as s
    join title_genres as g using (show_id)
    group by g.genre
),
final as (
    select
        p.*,
        (select median(engagement) from scored) as overall_median,
        (select count(*) from scored) as overall_scored_titles
    from per_genre as p
    where p.scored_titles >= $min_titles::integer
)
select * from final
order by median_engagement desc, genre
