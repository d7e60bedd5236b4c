-- one row per label of one genre model variant on one split (its headline split: titles
-- it never saw): precision, recall, F1, support
select
    label,
    max(value) filter (where metric = 'precision') as precision,
    max(value) filter (where metric = 'recall') as recall,
    max(value) filter (where metric = 'f1') as f1,
    max(value) filter (where metric = 'support')::integer as support
from model_metrics
where model = $model and split = $split and label <> ''
group by label
order by f1 desc, label
