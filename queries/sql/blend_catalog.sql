-- blend_catalog: one row per Netflix catalog title (show_id), the columns the Blend's
-- viewing-history matcher needs (etl/viewing_history.load_catalog builds its index
-- from this once per warehouse build). No parameters.
with catalog as (
    select show_id, kind, title, release_year
    from titles
),

final as (
    select show_id, kind, title, release_year
    from catalog
    order by show_id
)

select * from final
