-- one row per Netflix category (genre) of the filtered titles with at least
-- $min_titles scored titles: the spread of their engagement scores (quartiles, mean),
-- the share that are hits, and titles in the category. A hit is a title in the top
-- quartile of engagement among scored titles of its kind in the whole catalog
-- (docs/PERFORMANCE.md); overall_median is the median over all filtered scored titles.
with filtered as (
    select
        kind,
        genres,
        engagement_score as engagement
    from filtered_titles($filters)
),
scored as (
    -- the hit bar of each kind is a property of the build (mart hit_thresholds)
    select f.genres, f.engagement, f.engagement >= h.hit_threshold as is_hit
    from filtered as f
    join hit_thresholds as h using (kind)
    where f.engagement is not null
),
per_genre as (
    -- categories read from each title's own list (the same values as the title_genres
    -- bridge, one each per title): no join at catalog scale
    select
        genre,
        count(*) as scored_titles,
        avg(engagement) as mean_engagement,
        -- the three quartiles from one sort of each category's scores
        quantile_cont(engagement, [0.25, 0.5, 0.75]) as quartiles,
        avg(is_hit::integer) as hit_share
    from (select unnest(genres) as genre, engagement, is_hit from scored)
    group by genre
),
final as (
    select
        p.genre,
        p.scored_titles,
        p.mean_engagement,
        p.quartiles[1] as q1_engagement,
        p.quartiles[2] as median_engagement,
        p.quartiles[3] as q3_engagement,
        p.hit_share,
        (select median(engagement) from scored) as overall_median,
        (select count(*) from scored) as overall_scored_titles
    from per_genre as p
    where p.scored_titles >= $min_titles::integer
)
select * from final
order by median_engagement desc, genre
