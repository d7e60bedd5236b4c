-- one row per Netflix title passing the global filters (every title has a cluster)
select show_id
from filtered_titles($filters)
order by show_id
