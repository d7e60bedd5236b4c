-- one row per year added (undated titles left out): filtered titles Netflix added that
-- year and how many of them are matched to the IMDb/TMDB dataset, to any source (the
-- dataset or the TMDB market), and have an engagement score. Match rates rise steeply
-- with the year added, so trend charts compare unequal coverage: this says by how much.
select
    year_added,
    count(*)::integer as titles,
    count(imdb_title_id)::integer as imdb_matched,
    count(*) filter (where imdb_title_id is not null or tmdb_key is not null)::integer
        as any_matched,
    count(engagement_score)::integer as scored
from filtered_titles($filters)
where year_added is not null
group by year_added
order by year_added
