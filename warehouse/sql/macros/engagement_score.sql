-- engagement_score(imdb_score, imdb_votes, tmdb_popularity): the engagement score,
-- defined once (docs/PERFORMANCE.md). A scalar 0–100 from a title's own metrics:
--   quality  IMDb score, linear from 4.0 (→ 0) to 9.0 (→ 1)
--   reach    log10 of IMDb votes, linear from 1.5 (≈ 32 votes → 0) to 5.5 (≈ 316k → 1)
--   buzz     log10(1 + TMDB popularity), linear from 0 (→ 0) to 2.3 (≈ 200 points → 1)
-- each clamped to [0, 1]; score = 100 × (0.40 quality + 0.35 reach + 0.25 buzz) / weight
-- of the parts present. Null without an IMDb score or IMDb votes; without TMDB
-- popularity the other two carry the score (weights 0.40 / 0.35, renormalised).
-- Fixed anchors (about the catalog's 2nd and 98th percentiles, build of Nov 2026), not
-- ranks: a title's score never depends on which other titles are in the catalog or the
-- filters, costs nothing per row at any scale, and is stable from build to build.
create or replace macro engagement_score(imdb_score, imdb_votes, tmdb_popularity) as
case when imdb_score is not null and imdb_votes is not null then round(100 * (
        0.40 * least(greatest((imdb_score - 4.0) / 5.0, 0.0), 1.0)
      + 0.35 * least(greatest((log10(greatest(imdb_votes, 1)) - 1.5) / 4.0, 0.0), 1.0)
      + coalesce(0.25 * least(greatest(
            log10(1 + greatest(tmdb_popularity, 0)) / 2.3, 0.0), 1.0), 0.0)
    ) / (case when tmdb_popularity is null then 0.75 else 1.0 end), 2)
end
