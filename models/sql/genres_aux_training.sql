-- labelled synopses from the other catalogs the warehouse holds (TMDB market movies
-- with TMDB genres; IMDb/TMDB titles, films and shows, with their genres) for the
-- Netflix classifiers' auxiliary genre models (models/genre_aux.py). Every title the
-- matcher linked to a Netflix title is left out, so an auxiliary model never read a
-- catalog title's synopsis nor its genres: its scores for a catalog title, in training
-- as in the temporal evaluation, are what it gives a title it never saw. (Titles that
-- share a normalized name with a catalog title are left out too, in Python, with the
-- matcher's own normalization.)
select 'tmdb' as source, t.tmdb_key as id, t.title, t.overview as description,
       t.genres as labels
from tmdb_titles as t
where t.media_type = 'movie' and len(t.genres) > 0 and coalesce(t.overview, '') <> ''
  and t.tmdb_key not in (select matched_key from title_matches where source = 'tmdb_market')
union all
select 'imdb' as source, i.imdb_title_id as id, i.title, i.description, i.genres as labels
from imdb_titles as i
where len(i.genres) > 0 and coalesce(i.description, '') <> ''
  and i.imdb_title_id not in (select matched_key from title_matches where source = 'imdb')
order by source, id
