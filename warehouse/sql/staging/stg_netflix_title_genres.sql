-- one row per Netflix title × listed_in category, in the catalog's order
select show_id, genre, position from staging.src_netflix_title_genres
