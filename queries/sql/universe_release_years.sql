-- one row per release year × kind: titles released that year, under the global filters
select release_year, kind, count(*)::integer as titles
from filtered_titles($filters)
where release_year is not null
group by all
order by release_year, kind
