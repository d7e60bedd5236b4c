-- one row per TMDB market title × genre name
select tmdb_key, genre from staging.src_tmdb_title_genres
