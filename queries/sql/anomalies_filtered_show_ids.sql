-- one row per filtered Netflix title that has all four audience metrics the anomaly
-- model scores (IMDb score and votes, TMDB popularity and score)
select show_id
from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                     $added_from::date, $added_to::date, $genres::varchar[],
                     $countries::varchar[], $ratings::varchar[])
where imdb_score is not null
  and imdb_votes is not null
  and tmdb_popularity is not null
  and tmdb_score is not null
order by show_id
