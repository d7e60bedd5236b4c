-- depends on: titles
-- filtered_titles(...): the global filter bar as a table macro, so every page query
-- applies the same filters the same way. One row per Netflix title that passes every
-- filter; an empty list or a null bound means "no filter on this field".
--   kinds        varchar[]  movie / show
--   year_from, year_to       release_year bounds (inclusive)
--   added_from, added_to     date_added bounds (inclusive; a bound excludes undated titles)
--   genres       varchar[]  any of these Netflix categories
--   countries    varchar[]  any of these production countries
--   ratings      varchar[]  any of these maturity ratings
create or replace macro filtered_titles(kinds, year_from, year_to, added_from, added_to,
                                        genres, countries, ratings) as table
select t.*
from titles as t
where (len(kinds) = 0 or list_contains(kinds, t.kind))
  and (year_from is null or t.release_year >= year_from)
  and (year_to is null or t.release_year <= year_to)
  and (added_from is null or t.date_added >= added_from)
  and (added_to is null or t.date_added <= added_to)
  and (len(genres) = 0 or list_has_any(t.genres, genres))
  and (len(countries) = 0 or list_has_any(t.countries, countries))
  and (len(ratings) = 0 or list_contains(ratings, t.maturity_rating))
