-- blend_availability: per catalog title, when Netflix added it and its IMDb votes:
-- blend-eval's "catalog on the cut date" and its popularity baseline (most voted).
-- No parameters.
with catalog as (
    select show_id, date_added, imdb_votes
    from titles
),

final as (
    select show_id, date_added, imdb_votes
    from catalog
    order by show_id
)

select * from final
