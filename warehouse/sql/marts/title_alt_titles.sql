-- title_alt_titles: one row per Netflix title × alternate title × region × language:
-- the names the title is known by elsewhere (IMDb's title.akas of the matched record,
-- from the user's IMDb dataset files; empty without refresh --imdb-dir). Titles equal to
-- Netflix's own are left out.
with matches as (
    select show_id, matched_key as tconst, source
    from staging.stg_title_matches where source = 'imdb_datasets'
),
akas as (
    select * from staging.stg_imdb_ds_akas
),
final as (
    select m.show_id, a.title as alt_title, a.region, a.language, a.is_original_title,
           m.source
    from matches as m
    join akas as a using (tconst)
    join staging.stg_netflix_titles as n using (show_id)
    where a.title <> n.title
)
select distinct * from final order by show_id, alt_title, region, language
