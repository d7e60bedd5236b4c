-- A title has an engagement basis exactly when it has a score, the score is on 0–100,
-- and an IMDb basis means the IMDb metrics are there (a TMDB basis means they are not).
select show_id, engagement_score, engagement_basis, imdb_score, imdb_votes
from titles
where (engagement_score is null) <> (engagement_basis is null)
   or engagement_score not between 0 and 100
   or (engagement_basis = 'imdb') <> (imdb_score is not null and imdb_votes is not null)
