-- one row per TMDB market movie with at least one genre: what a person can give for a
-- new movie (title, overview, release year and month, original language) and its
-- genres. Audience numbers and the Netflix catalog's view of matched movies are left
-- out: a new movie has neither (issue 13; docs/models/genre_classifier.md).
-- One row per synopsis: a few distinct films share one word for word ("Loro 1" and
-- "Loro 2"); on both sides of the held-out split the copy would be its own answer.
select
    t.tmdb_key as id, 'movie' as kind, t.title, coalesce(t.overview, '') as description,
    t.original_language, t.release_year, t.release_month,
    t.genres as labels
from tmdb_titles as t
where t.media_type = 'movie' and len(t.genres) > 0
qualify row_number() over (partition by coalesce(nullif(t.overview, ''), t.tmdb_key)
                           order by t.tmdb_key) = 1
order by t.tmdb_key
