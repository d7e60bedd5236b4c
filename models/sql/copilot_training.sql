-- one row per scored Netflix title (engagement score not null): what a planner knows
-- before release (features) and what audiences did afterwards (outcomes, never features).
-- A hit is the top quartile of engagement among scored titles of the same type: the
-- hit_thresholds mart, the one definition the dashboard uses too (docs/PERFORMANCE.md)
with scored as (
    select
        t.*
    from titles as t
),

final as (
    select
        s.show_id,
        s.title,
        s.release_year,
        -- when Netflix added it: the temporal evaluation only (never a feature)
        year(s.date_added) as year_added,
        -- features
        s.kind,
        s.genres,
        s.primary_country,
        -- known for TMDB-matched movies only; the model fills the rest from the
        -- country (copilot_country_languages.sql), so missingness cannot leak popularity
        s.original_language,
        month(s.date_added) as month_added_number,
        quarter(s.date_added) as quarter_added,
        s.runtime_minutes,
        s.seasons,
        s.maturity_rating,
        -- outcomes
        s.engagement_score,
        s.engagement_score >= b.hit_threshold as is_hit,
        b.hit_threshold,
        s.tmdb_popularity,
        s.imdb_score,
        s.imdb_votes
    from scored as s
    join hit_thresholds as b using (kind)
    where s.engagement_score is not null
)

select * from final
order by show_id
