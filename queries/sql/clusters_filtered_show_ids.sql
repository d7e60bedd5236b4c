-- one row per Netflix title passing the global filters (every title has a cluster)
select show_id
from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                     $added_from::date, $added_to::date, $genres::varchar[],
                     $countries::varchar[], $ratings::varchar[])
order by show_id
