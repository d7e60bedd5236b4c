-- labelled synopses from the other catalogs the warehouse holds (TMDB market movies
-- with TMDB genres; IMDb/TMDB titles, films and shows, with their genres) for the
-- Netflix classifiers' auxiliary genre models (models/genre_aux.py), released before
-- $before_year: the Netflix models are trained on the titles added before that year
-- and scored on the titles added in it, so their auxiliary models know the world as
-- it was then. Every title the matcher linked to a Netflix title is left out (and IMDb
-- rows whose IMDb id a catalog title carries), so an auxiliary model never reads a
-- catalog title's synopsis or genres; genre_aux.training_records also drops rows
-- whose name or synopsis is a catalog title's, the same words or nearly.
select 'tmdb' as source, t.tmdb_key as id, t.title, t.overview as description,
       t.release_year, t.genres as labels
from tmdb_titles as t
where t.media_type = 'movie' and len(t.genres) > 0 and coalesce(t.overview, '') <> ''
  and t.release_year < $before_year
  and t.tmdb_key not in (select matched_key from title_matches where source = 'tmdb_market')
union all
select 'imdb' as source, i.imdb_title_id as id, i.title, i.description, i.release_year,
       i.genres as labels
from imdb_titles as i
where len(i.genres) > 0 and coalesce(i.description, '') <> ''
  and i.release_year < $before_year
  and i.imdb_title_id not in (select matched_key from title_matches where source = 'imdb')
  and coalesce(i.imdb_id, '') not in (select imdb_id from titles where imdb_id is not null)
order by source, id
