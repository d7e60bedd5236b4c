-- one row per TMDB market title (tmdb_key = media_type:id, or a synthetic key)
select
    tmdb_key, tmdb_id, media_type, title, overview, original_language, popularity,
    vote_average, vote_count, release_date, poster_url, source_list
from staging.src_tmdb_titles
