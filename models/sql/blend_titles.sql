-- one row per Netflix title: what the Blend recommender embeds (text, categories,
-- people, countries, type and audience signals), filters on and shows
with people as (
    -- one row per title: directors and the top-billed cast ($cast_depth), in billing order
    select
        show_id,
        list(person_name order by billing_order) filter (where role = 'director') as directors,
        list(person_name order by billing_order)
            filter (where role = 'actor' and billing_order <= $cast_depth) as cast_members
    from title_people
    group by show_id
),

audience as (
    -- percentile of IMDb votes and of TMDB popularity among the titles that have one
    -- (null when unmatched): how widely seen a title is, on a 0–1 scale
    select
        show_id,
        case when imdb_votes is not null then percent_rank() over (
            partition by imdb_votes is null order by imdb_votes) end as votes_percentile,
        case when tmdb_popularity is not null then percent_rank() over (
            partition by tmdb_popularity is null order by tmdb_popularity) end
            as popularity_percentile
    from titles
),

final as (
    select
        t.show_id,
        t.title,
        t.kind,
        coalesce(t.description, '') as description,
        t.release_year,
        t.date_added,
        t.runtime_minutes,
        t.seasons,
        t.maturity_rating,
        coalesce(t.genres, []) as genres,
        coalesce(t.countries, []) as countries,
        coalesce(p.directors, []) as directors,
        coalesce(p.cast_members, []) as cast_members,
        t.original_language,
        t.imdb_score,
        a.votes_percentile,
        a.popularity_percentile
    from titles as t
    left join people as p using (show_id)
    join audience as a using (show_id)
)

select * from final
order by show_id
