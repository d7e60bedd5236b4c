-- tmdb_title_genres: one row per TMDB market title × genre name
select tmdb_key, genre from staging.stg_tmdb_title_genres order by tmdb_key, genre
