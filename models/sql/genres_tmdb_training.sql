-- one row per TMDB market movie with at least one genre: overview, metadata, genres,
-- and what the Netflix catalog says of the same movie where it was matched (its
-- categories, its IMDb genres, both synopses): about one movie in seven.
-- One row per synopsis: a few distinct films share one word for word ("Loro 1" and
-- "Loro 2"); on both sides of the held-out split the copy would be its own answer.
with matched as (
    select n.tmdb_key,
           list_distinct(flatten(list(n.genres))) as netflix_genres,
           list_distinct(flatten(list(coalesce(i.genres, [])))) as imdb_genres,
           string_agg(concat_ws(' ', n.description, i.description), ' ' order by n.show_id)
               as matched_description
    from titles as n
    left join imdb_titles as i using (imdb_title_id)
    where n.tmdb_key is not null
    group by n.tmdb_key
)
select
    t.tmdb_key as id, 'movie' as kind, t.title, coalesce(t.overview, '') as description,
    t.original_language, t.release_year, t.release_month, t.vote_average, t.vote_count,
    t.popularity, t.source_list,
    coalesce(m.netflix_genres, []) as netflix_genres,
    coalesce(m.imdb_genres, []) as imdb_genres,
    coalesce(m.matched_description, '') as matched_description,
    t.genres as labels
from tmdb_titles as t
left join matched as m using (tmdb_key)
where t.media_type = 'movie' and len(t.genres) > 0
qualify row_number() over (partition by coalesce(nullif(t.overview, ''), t.tmdb_key)
                           order by t.tmdb_key) = 1
order by t.tmdb_key
