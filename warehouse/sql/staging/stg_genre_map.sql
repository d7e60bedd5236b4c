-- one row per Netflix category: its genre family (TMDB genre name) and kind of category
select netflix_genre, genre_family, category_kind from staging.seed_genre_map
