-- engagement_score_tmdb(tmdb_score, tmdb_vote_count, tmdb_popularity): the engagement
-- score of a title with TMDB metrics but no IMDb score, on the IMDb-based score's 0–100
-- scale (docs/PERFORMANCE.md, "TMDB-based engagement"). A least-squares line fitted on
-- titles that have both, added to Netflix before 2020 (benchmarks/calibrate_engagement.py
-- prints these coefficients and the agreement on the titles added later):
--   quality  TMDB vote average, clamped to 3–9
--   reach    log10 of TMDB votes, clamped to 0–5 (only when the vote count is known)
--   buzz     log10(1 + TMDB popularity), clamped to 0–3
-- With a vote count (a TMDB market or live match) the three-part line is used; without
-- one (the 2022 IMDb/TMDB dataset carries no TMDB vote count) the two-part line. Null
-- without a vote average or popularity; the result is clamped to 0–100.
create or replace macro engagement_score_tmdb(tmdb_score, tmdb_vote_count, tmdb_popularity) as
case when tmdb_score is not null and tmdb_popularity is not null then round(least(greatest(
    case when tmdb_vote_count is not null then
        -35.3570
      + 8.2085 * least(greatest(tmdb_score, 3.0), 9.0)
      + 12.5486 * least(greatest(log10(greatest(tmdb_vote_count, 1)), 0.0), 5.0)
      + 2.0351 * least(greatest(log10(1 + greatest(tmdb_popularity, 0)), 0.0), 3.0)
    else
        -9.1573
      + 5.0775 * least(greatest(tmdb_score, 3.0), 9.0)
      + 24.3171 * least(greatest(log10(1 + greatest(tmdb_popularity, 0)), 0.0), 3.0)
    end, 0.0), 100.0), 2)
end
