-- title_countries: one row per Netflix title × production country
with countries as (
    select * from staging.stg_netflix_title_countries
),
final as (
    select show_id, country, position, position = 1 as is_primary
    from countries
)
select * from final order by show_id, position
