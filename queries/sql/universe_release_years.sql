-- one row per release year × kind: titles released that year, under the global filters
select release_year, kind, count(*)::integer as titles
from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                     $added_from::date, $added_to::date, $genres::varchar[],
                     $countries::varchar[], $ratings::varchar[])
where release_year is not null
group by all
order by release_year, kind
