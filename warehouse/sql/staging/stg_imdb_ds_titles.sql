-- one row per IMDb record (tconst) from the user's IMDb dataset files that the catalog
-- could match (empty without refresh --imdb-dir); rating and votes from title.ratings
select tconst, kind, primary_title, original_title, start_year, runtime_minutes, seasons,
       average_rating, num_votes
from staging.src_imdb_ds_titles
