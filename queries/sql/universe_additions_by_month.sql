-- one row per month × kind: titles Netflix added that month, under the global filters
select month_added as month, kind, count(*)::integer as titles_added
from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                     $added_from::date, $added_to::date, $genres::varchar[],
                     $countries::varchar[], $ratings::varchar[])
where month_added is not null
group by all
order by month, kind
