-- one row per primary production country with at least one title of known original
-- language: that country's most common known language (ties: alphabetical), used to
-- fill the language of titles (and form requests) that do not give one
select primary_country, original_language as country_language
from (
    select primary_country, original_language, count(*) as titles
    from titles
    where original_language is not null and primary_country is not null
    group by all
)
qualify row_number() over (partition by primary_country
                           order by titles desc, original_language) = 1
order by primary_country
