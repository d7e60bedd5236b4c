-- one row per year × kind: titles Netflix added that year, under the global filters
select year(date_added) as year, kind, count(*)::integer as titles_added
from filtered_titles($filters)
where date_added is not null
group by all
order by year, kind
