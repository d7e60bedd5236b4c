-- one row per genre model variant × split: the whole-model metrics, side by side; the
-- splits that mimic use first (temporal_2021: Netflix titles added in 2021, scored by
-- models trained on earlier additions; unseen_tmdb: recent movies outside the bundle)
select
    model, split,
    max(value) filter (where metric = 'micro_f1') as micro_f1,
    max(value) filter (where metric = 'macro_f1') as macro_f1,
    max(value) filter (where metric = 'samples_f1') as samples_f1,
    max(value) filter (where metric = 'hamming_loss') as hamming_loss,
    max(value) filter (where metric = 'subset_accuracy') as subset_accuracy
from model_metrics
where model like 'genres_%' and label = ''
group by model, split
order by split not in ('temporal_2021', 'unseen_tmdb'), split, model
