-- depends on: titles
-- filtered_titles(filters): the global filter bar as a table macro, so every page query
-- applies the same filters the same way. `filters` is one STRUCT parameter, built by
-- queries/filters.py Filters.params() and bound as `filtered_titles($filters)`, so a new
-- filter touches the filter bar, the Filters type and this macro, not every page query.
-- One row per Netflix title that passes every filter; an empty list or a null bound
-- means "no filter on this field". Each field is cast here: a Python None or an empty
-- list binds as a NULL-typed value.
--   kinds        varchar[]  movie / show
--   year_from, year_to       release_year bounds (inclusive)
--   added_from, added_to     date_added bounds (inclusive; a bound excludes undated titles)
--   genres       varchar[]  any of these Netflix categories
--   countries    varchar[]  any of these production countries
--   ratings      varchar[]  any of these maturity ratings
create or replace macro filtered_titles(filters) as table
select t.*
from titles as t
where (len(filters['kinds']::varchar[]) = 0
       or list_contains(filters['kinds']::varchar[], t.kind))
  and (filters['year_from']::integer is null
       or t.release_year >= filters['year_from']::integer)
  and (filters['year_to']::integer is null
       or t.release_year <= filters['year_to']::integer)
  and (filters['added_from']::date is null
       or t.date_added >= filters['added_from']::date)
  and (filters['added_to']::date is null
       or t.date_added <= filters['added_to']::date)
  -- "any of these": the title's list kept to the chosen values is not empty. Same rows
  -- as list_has_any(t.genres, chosen), at a quarter of its CPU over a million titles
  -- (it builds a hash set per row; benchmarks/bench_list_filter.py)
  and (len(filters['genres']::varchar[]) = 0
       or len(list_filter(t.genres,
                          lambda g: list_contains(filters['genres']::varchar[], g))) > 0)
  and (len(filters['countries']::varchar[]) = 0
       or len(list_filter(t.countries,
                          lambda c: list_contains(filters['countries']::varchar[], c))) > 0)
  and (len(filters['ratings']::varchar[]) = 0
       or list_contains(filters['ratings']::varchar[], t.maturity_rating))
