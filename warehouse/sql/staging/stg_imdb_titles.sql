-- one row per title of the 2022 Netflix IMDb/TMDB dataset (imdb_title_id = tm…/ts…)
select
    imdb_title_id, kind, title, description, release_year, maturity_rating,
    runtime_minutes, seasons, imdb_id, imdb_score, imdb_votes, tmdb_popularity, tmdb_score
from staging.src_imdb_titles
