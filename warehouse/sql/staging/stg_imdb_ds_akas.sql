-- one row per IMDb record × alternate title × region × language (title.akas), for the
-- records kept from the user's IMDb dataset files (empty without refresh --imdb-dir)
select tconst, title, region, language, is_original_title
from staging.src_imdb_ds_akas
