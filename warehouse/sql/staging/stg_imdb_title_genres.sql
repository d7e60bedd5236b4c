-- one row per IMDb-dataset title × genre (lowercase TMDB-style names)
select imdb_title_id, genre from staging.src_imdb_title_genres
