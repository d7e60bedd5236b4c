-- blend_catalog: one row per name a Netflix catalog title (show_id) goes by: its catalog
-- title, and the alternate titles the warehouse holds for it (title_alt_titles: IMDb's
-- akas, in any language, when the user's IMDb dataset files were loaded; none
-- otherwise), so a localized viewing history ("La casa de papel") finds the title. The
-- columns the Blend's viewing-history matcher needs (blend/viewing_history.load_catalog
-- builds its index from this once per warehouse build). No parameters.
with catalog as (
    select show_id, kind, title, release_year
    from titles
),

alternate as (
    -- an alternate spelling that is another catalog title's own name stays that
    -- title's: the catalog's names come first
    select distinct t.show_id, t.kind, a.alt_title as title, t.release_year
    from title_alt_titles as a
    join titles as t using (show_id)
    where lower(a.alt_title) not in (select lower(title) from titles)
),

final as (
    select show_id, kind, title, release_year from catalog
    union all
    select show_id, kind, title, release_year from alternate
    order by show_id, title
)

select * from final
