-- one row per Netflix title matched to the IMDb/TMDB dataset with all four audience
-- metrics (IMDb score and votes, TMDB popularity and score): the anomaly model's input
select
    show_id, title, kind, release_year, primary_genre,
    imdb_score, imdb_votes, tmdb_popularity, tmdb_score
from titles
where imdb_score is not null
  and imdb_votes is not null
  and tmdb_popularity is not null
  and tmdb_score is not null
order by show_id
