-- title_matches: one row per Netflix title × matched source (imdb | tmdb_market):
-- which record it was linked to, by which rule, and how confident the link is.
with matches as (
    select * from staging.stg_title_matches
),
final as (
    select m.show_id, m.source, m.matched_key, m.match_method, m.match_confidence,
           m.year_gap, n.kind
    from matches as m
    join staging.stg_netflix_titles as n using (show_id)
)
select * from final order by show_id, source
