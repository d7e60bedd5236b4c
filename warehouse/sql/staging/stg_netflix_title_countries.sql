-- one row per Netflix title × production country, in the catalog's order
select show_id, country, position from staging.src_netflix_title_countries
