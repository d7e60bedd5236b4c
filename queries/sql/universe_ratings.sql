-- one row per maturity rating × kind (null rating = 'Unrated'), under the global filters
select coalesce(maturity_rating, 'Unrated') as maturity_rating, kind,
       count(*)::integer as titles
from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                     $added_from::date, $added_to::date, $genres::varchar[],
                     $countries::varchar[], $ratings::varchar[])
group by all
order by maturity_rating, kind
