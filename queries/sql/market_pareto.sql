-- one row per member of the chosen dimension (Netflix category, production country or
-- director), the top $limit by the chosen measure (titles, or summed TMDB popularity),
-- with shares and the cumulative share of the whole dimension under the global
-- filters; every row repeats the dimension's totals and the 80% answer
with combos as (
    -- one row per distinct member list of the filtered titles, with additive sums:
    -- category and country lists repeat a lot, and a director string is split once
    -- however many titles share it (so the per-member work below stays small)
    select
        case $dimension::varchar when 'genre' then genres
                                 when 'country' then countries end as member_list,
        case $dimension::varchar when 'director' then directors end as member_text,
        count(*) as titles,
        sum(coalesce(tmdb_popularity, 0)) as tmdb_popularity
    from filtered_titles($filters)
    group by all
),
pairs as (
    -- one row per distinct list × member, read from the titles' own lists (the same
    -- values as the title_genres / title_countries / title_people bridges, no join)
    select unnest(list_distinct(coalesce(member_list, string_split(member_text, ', '))))
               as member,
           titles,
           tmdb_popularity
    from combos
),
per_member as (
    select member,
           sum(titles)::bigint as titles,
           sum(tmdb_popularity) as tmdb_popularity
    from pairs
    group by member
),
valued as (
    select *,
           case $measure::varchar when 'popularity' then tmdb_popularity
                                  else titles::double end as value
    from per_member
),
ranked as (
    select member, titles, round(tmdb_popularity, 3) as tmdb_popularity, value,
           row_number() over (order by value desc, member) as rank,
           value / nullif(sum(value) over (), 0) as share,
           titles / nullif(sum(titles) over (), 0) as title_share,
           tmdb_popularity / nullif(sum(tmdb_popularity) over (), 0) as popularity_share,
           sum(value) over (order by value desc, member rows unbounded preceding)
               / nullif(sum(value) over (), 0) as cum_share,
           count(*) over () as members_total,
           sum(value) over () as value_total
    from valued
),
final as (
    select rank, member, titles, tmdb_popularity, round(value, 3) as value,
           round(share, 5) as share, round(title_share, 5) as title_share,
           round(popularity_share, 5) as popularity_share, round(cum_share, 5) as cum_share,
           members_total,
           -- the fewest members whose combined value reaches 80% of the total
           min(rank) filter (where cum_share >= 0.8) over () as members_for_80,
           round(value_total, 3) as value_total
    from ranked
)
select * from final
where rank <= $limit::integer
order by rank
