-- one row per genre family (the TMDB genre name Netflix categories map to): Netflix
-- volume and IMDb performance under the global filters, the quadrant zone against the
-- medians across families, and the Saturation Index against the TMDB market
-- (definitions and thresholds: docs/MARKET.md)
with family_lookup as (
    -- Netflix category → genre family, as one map (42 entries) applied to each title's
    -- own category list: no join of the title_genres bridge at catalog scale
    select map(list(netflix_genre), list(genre_family)) as family_of
    from genre_map
    where genre_family is not null
),
combos as (
    -- one row per kind × category list of the filtered titles (a few hundred rows even
    -- at a million titles), with additive sums, so the per-family work below is tiny;
    -- list_distinct drops the nulls of unmapped categories and merges duplicates
    -- (Comedies + Stand-Up Comedy are one Comedy)
    select c.*, list_distinct(list_transform(c.genres, lambda g: l.family_of[g])) as families
    from (select kind, genres,
                 count(*) as titles,
                 count(imdb_score) as scored_titles,
                 sum(imdb_score) as imdb_score_sum,
                 sum(imdb_votes) as imdb_votes,
                 sum(tmdb_popularity) as tmdb_popularity
          from filtered_titles($filters)
          group by kind, genres) as c
    cross join family_lookup as l
),
catalog as (
    -- shares of titles and popularity are of titles carrying at least one family
    select sum(titles) as catalog_titles, sum(tmdb_popularity) as catalog_popularity
    from combos
    where len(families) > 0
),
performance as (
    select genre_family,
           sum(titles) as titles,
           sum(titles) filter (where kind = 'movie') as movies,
           sum(scored_titles) as scored_titles,
           sum(imdb_score_sum) / nullif(sum(scored_titles), 0) as raw_mean_imdb_score,
           coalesce(sum(imdb_votes), 0) as imdb_votes,
           coalesce(sum(tmdb_popularity), 0) as tmdb_popularity
    from (select *, unnest(families) as genre_family from combos)
    group by genre_family
),
compared_kinds as (
    -- kinds both sides hold (the mart maps TMDB tv to Netflix show), within the type
    -- filter: the snapshot market is movies only, so by default movies are compared
    -- with movies
    select distinct kind
    from tmdb_title_families
    where len($filters['kinds']::varchar[]) = 0
       or list_contains($filters['kinds']::varchar[], kind)
),
market as (
    -- one row per compared market title × genre family (mart tmdb_title_families: TV
    -- genre names already folded onto the movie names); the release-year filter applies
    select tmdb_key, genre_family
    from tmdb_title_families
    where kind in (select kind from compared_kinds)
      and ($filters['year_from']::integer is null
           or release_year >= $filters['year_from']::integer)
      and ($filters['year_to']::integer is null
           or release_year <= $filters['year_to']::integer)
),
vocabulary as (
    -- families Netflix's categories can express for the compared kinds (monthly_additions
    -- lists every category × kind of the whole catalog, so the vocabulary does not move
    -- with the filters) that the compared market also uses
    select list(genre_family order by genre_family) as families
    from (select distinct m.genre_family
          from genre_map as m
          join (select distinct genre, kind from monthly_additions) as a
            on a.genre = m.netflix_genre
          where m.genre_family is not null
            and a.kind in (select kind from compared_kinds)
          intersect
          select distinct genre_family from market)
),
netflix_share as (
    -- each compared title's weight of 1 is split equally across its families in the
    -- vocabulary; share = the family's weight / all weight
    select genre_family, sum(weight) as netflix_weight,
           sum(sum(weight)) over () as netflix_total
    from (select unnest(fams) as genre_family, titles / len(fams) as weight
          from (select c.titles, list_intersect(c.families, v.families) as fams
                from combos as c cross join vocabulary as v
                where c.kind in (select kind from compared_kinds))
          where len(fams) > 0)
    group by genre_family
),
market_share as (
    -- the same split for each compared market title across its families in the
    -- vocabulary (its rows outside the vocabulary dropped first)
    select genre_family, count(*)::integer as market_titles,
           sum(weight) / sum(sum(weight)) over () as market_share
    from (select genre_family, 1.0 / count(*) over (partition by tmdb_key) as weight
          from market
          where genre_family in (select unnest(families) from vocabulary))
    group by genre_family
),
families as (
    select genre_family from performance
    union
    select unnest(families) from vocabulary
),
joined as (
    select f.genre_family,
           coalesce(p.titles, 0)::integer as titles,
           coalesce(p.movies, 0)::integer as movies,
           coalesce(p.scored_titles, 0)::integer as scored_titles,
           -- a mean of fewer than $min_scored scores is too noisy to place in a zone
           case when p.scored_titles >= $min_scored::integer
                then p.raw_mean_imdb_score end as mean_imdb_score,
           coalesce(p.imdb_votes, 0)::bigint as imdb_votes,
           coalesce(p.tmdb_popularity, 0)::double as tmdb_popularity,
           -- a family of the vocabulary with no compared Netflix title has a share of 0;
           -- no compared Netflix title at all means no shares (not shares of 0)
           case when m.market_share is not null
                then coalesce(n.netflix_weight, 0)
                     / nullif(max(n.netflix_total) over (), 0) end as netflix_share,
           m.market_share,
           m.market_titles
    from families as f
    left join performance as p on p.genre_family = f.genre_family
    left join netflix_share as n on n.genre_family = f.genre_family
    left join market_share as m on m.genre_family = f.genre_family
),
thresholds as (
    select median(titles) filter (where mean_imdb_score is not null) as median_titles,
           median(mean_imdb_score) as median_imdb_score
    from joined
),
final as (
    select j.genre_family,
           j.titles,
           j.movies,
           j.scored_titles,
           round(j.mean_imdb_score, 3) as mean_imdb_score,
           j.imdb_votes,
           round(j.tmdb_popularity, 3) as tmdb_popularity,
           round(j.titles / nullif(c.catalog_titles, 0), 4) as title_share,
           round(j.tmdb_popularity / nullif(c.catalog_popularity, 0), 4) as popularity_share,
           round(j.netflix_share, 4) as netflix_share,
           round(j.market_share, 4) as market_share,
           j.market_titles,
           round(j.netflix_share / j.market_share, 3) as saturation_index,
           case when j.mean_imdb_score is null then null
                when j.titles < t.median_titles and j.mean_imdb_score >= t.median_imdb_score
                    then 'opportunity'
                when j.titles >= t.median_titles and j.mean_imdb_score < t.median_imdb_score
                    then 'saturated'
                when j.titles >= t.median_titles then 'core'
                else 'niche' end as zone,
           case when j.netflix_share is null then null
                when j.netflix_share / j.market_share >= $si_over::double then 'over-supplied'
                when j.netflix_share / j.market_share <= $si_under::double then 'under-supplied'
                else 'in line' end as si_band,
           t.median_titles::double as median_titles,
           round(t.median_imdb_score, 3) as median_imdb_score,
           (select string_agg(kind, ',' order by kind) from compared_kinds) as compared_kinds
    from joined as j
    cross join thresholds as t
    cross join catalog as c
)
select * from final
order by titles desc, genre_family
