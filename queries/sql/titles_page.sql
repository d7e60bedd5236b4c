-- titles_page: one page of the title explorer, one row per Netflix title, for titles
-- that pass the global filters and the search (the same predicate as titles_count).
-- $sort_key is a key of queries/titles.SORTS (an allow-list); numbers and dates sort
-- on num_key, text on text_key, and an unknown key sorts by show_id alone. Titles
-- with no value for the sort column come last. $reverse reads the same order
-- backwards (so the wrapper fetches a page near the end with a small offset and
-- flips it); show_id breaks ties, so every page is deterministic. The key 'match'
-- sorts a search's results best match first: the title itself, a title that starts
-- with the words, one that contains them, a person's name, then the description;
-- the most-voted first within each.
with searched as (
    select t.*,
           case when $search::varchar is null then null
                when lower(t.title) = $search::varchar then 0
                when starts_with(lower(t.title), $search::varchar) then 1
                when contains(lower(t.title), $search::varchar) then 2
                when contains(lower(t.description), $search::varchar) then 4
                else 3 end as match_rank
    from filtered_titles($filters) as t
    where $search::varchar is null
       or contains(lower(t.title), $search::varchar)
       or contains(lower(t.description), $search::varchar)
       or t.show_id in (select p.show_id from title_people as p
                        where contains(lower(p.person_name), $search::varchar))
),
keyed as (
    select show_id, title, kind, release_year, date_added, maturity_rating,
           runtime_minutes, seasons, primary_genre, primary_country, imdb_score,
           imdb_votes, tmdb_popularity,
           case $sort_key::varchar
               -- within a rank, the better-known title first (ln(votes)/100 < 1)
               when 'match' then match_rank - coalesce(ln(1 + imdb_votes) / 100, 0)
               when 'release_year' then release_year::double
               when 'date_added' then date_diff('day', date '1970-01-01', date_added)::double
               when 'runtime_minutes' then runtime_minutes::double
               when 'seasons' then seasons::double
               when 'imdb_score' then imdb_score
               when 'imdb_votes' then imdb_votes::double
               when 'tmdb_popularity' then tmdb_popularity
           end as num_key,
           case $sort_key::varchar
               when 'title' then title
               when 'kind' then kind
               when 'maturity_rating' then maturity_rating
               when 'primary_genre' then primary_genre
               when 'primary_country' then primary_country
           end as text_key
    from searched
),
final as (
    select * exclude (num_key, text_key)
    from keyed
    -- descending numbers sort as negated numbers; text needs its own desc key
    order by (num_key is null and text_key is null) != $reverse::boolean,
             num_key * case when $descending::boolean != $reverse::boolean then -1 else 1 end,
             case when $descending::boolean = $reverse::boolean then text_key end asc,
             case when $descending::boolean != $reverse::boolean then text_key end desc,
             case when not $reverse::boolean then show_id end asc,
             case when $reverse::boolean then show_id end desc
    limit $page_size::integer offset $row_offset::bigint
)
select * from final
