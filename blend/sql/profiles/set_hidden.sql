-- exactly the items whose key is in $item_keys are hidden
update profile_items set hidden = list_contains($item_keys, item_key)
where profile_id = $profile_id
