-- one row per year × kind: titles Netflix added that year, under the global filters
select year(date_added) as year, kind, count(*)::integer as titles_added
from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                     $added_from::date, $added_to::date, $genres::varchar[],
                     $countries::varchar[], $ratings::varchar[])
where date_added is not null
group by all
order by year, kind
