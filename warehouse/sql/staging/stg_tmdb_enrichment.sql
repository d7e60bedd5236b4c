-- one row per Netflix title looked up on the live TMDB API (empty for the snapshot)
select
    show_id, tmdb_id, media_type, popularity, vote_average, vote_count, release_date,
    original_language, poster_url, runtime_minutes, seasons, genres_text
from staging.src_tmdb_enrichment
