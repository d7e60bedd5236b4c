-- genre_map: one row per Netflix category: the genre family it belongs to (a TMDB genre
-- name, null for regional/format categories such as "International Movies")
select netflix_genre, genre_family, category_kind from staging.stg_genre_map order by netflix_genre
