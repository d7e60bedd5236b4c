-- one row per year × kind: titles Netflix added that year
select year(month) as year, kind, sum(titles_added)::integer as titles_added
from monthly_totals
group by all
order by year, kind
