-- Fails (returns a row) when fewer than $match_rate_floor of Netflix titles, movies and
-- shows together, are matched to the IMDb dataset: a sign the matcher or an input broke.
with rates as (
    select sum(matched_titles) / sum(titles) as match_rate
    from match_rates
    where source = 'imdb' and match_method = 'all'
)
select match_rate, $match_rate_floor as floor
from rates
where match_rate < $match_rate_floor
