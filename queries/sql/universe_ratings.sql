-- one row per maturity rating × kind (null rating = 'No rating'), under the global filters
select coalesce(maturity_rating, 'No rating') as maturity_rating, kind,
       count(*)::integer as titles
from filtered_titles($filters)
group by all
order by maturity_rating, kind
