-- one row per filtered Netflix title that has all four audience metrics the anomaly
-- model scores (IMDb score and votes, TMDB popularity and score)
select show_id
from filtered_titles($filters)
where imdb_score is not null
  and imdb_votes is not null
  and tmdb_popularity is not null
  and tmdb_score is not null
order by show_id
