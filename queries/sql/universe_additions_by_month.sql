-- one row per month × kind: titles Netflix added that month, under the global filters
select month_added as month, kind, count(*)::integer as titles_added
from filtered_titles($filters)
where month_added is not null
group by all
order by month, kind
