-- depends on: engagement_score, titles
-- hit_thresholds: one row per kind (movie, show): the engagement score a title needs to
-- be a hit, i.e. the top quartile (75th percentile, interpolated) of engagement among
-- the scored titles of that kind in the whole catalog (docs/PERFORMANCE.md). A
-- property of the build, not of the filters: computed once here, read per request.
with scored as (
    select kind, engagement_score(imdb_score, imdb_votes, tmdb_popularity) as engagement
    from titles
),
final as (
    select kind,
           count(engagement) as scored_titles,
           quantile_cont(engagement, 0.75) as hit_threshold
    from scored
    group by kind
)
select * from final order by kind
