-- titles_matches: one row per source one title was matched to (imdb, tmdb_market):
-- the rule, its confidence and the matched record's own title, year and metrics.
with matches as (
    select * from title_matches where show_id = $show_id::varchar
),
final as (
    select m.source, m.matched_key, m.match_method, m.match_confidence, m.year_gap,
           coalesce(i.title, k.title) as matched_title,
           coalesce(i.release_year, k.release_year) as matched_release_year,
           i.imdb_id, i.imdb_score, i.imdb_votes,
           coalesce(k.vote_average, i.tmdb_score) as tmdb_score,
           k.vote_count as tmdb_vote_count,
           coalesce(k.popularity, i.tmdb_popularity) as tmdb_popularity
    from matches as m
    left join imdb_titles as i on m.source = 'imdb' and i.imdb_title_id = m.matched_key
    left join tmdb_titles as k on m.source = 'tmdb_market' and k.tmdb_key = m.matched_key
)
select * from final order by source
