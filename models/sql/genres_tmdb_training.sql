-- one row per TMDB market movie with at least one genre: overview, metadata, genres
select
    tmdb_key as id, 'movie' as kind, title, coalesce(overview, '') as description,
    original_language, release_year, release_month, vote_average, vote_count, popularity,
    genres as labels
from tmdb_titles
where media_type = 'movie' and len(genres) > 0
order by tmdb_key
